"""Evaluation figures built only from safe units (see ``seminars.surveys.queries``).

A question of a seminar where fewer than the minimum of people answered it is left out of
every figure, under every filter: distributions, means, n, the comparison of the years, the
counts of free-text answers. What remains is shown in full; a figure with nothing left says
"not enough answers" and gives no n. Free text is shown only once staff released it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from seminars.extensions import db
from seminars.programme.models import Topic
from seminars.surveys.models import (
    KIND_SCALE,
    KIND_TEXT,
    KIND_YES_NO,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from seminars.surveys.queries import RELEASED, WAITING, answer_totals, answers

# Released free-text answers listed per question: the newest ones.
TEXTS_SHOWN = 50


@dataclass
class QuestionFigures:
    key: str
    kind: str
    text_de: str
    text_en: str
    n: int = 0
    counts: dict = field(default_factory=dict)
    mean: float | None = None
    texts: list = field(default_factory=list)  # released texts, newest first
    waiting: int = 0  # free-text answers waiting for review
    seminars_left_out: int = 0  # seminars with fewer answers to this question than the minimum

    @property
    def shown(self) -> bool:
        return self.n > 0

    def text(self, locale: str) -> str:
        return question_text(self.text_de, self.text_en, locale)


def question_text(text_de: str, text_en: str, locale: str) -> str:
    """A question's wording in the user's language (German where no English is given)."""
    return text_en if locale == "en" and text_en else text_de


@dataclass
class ResponseRate:
    invitations: int = 0
    responses: int = 0
    seminars_left_out: int = 0  # seminars with some, but fewer responses than the minimum

    @property
    def rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None


@dataclass
class SurveyFigures:
    questions: list[QuestionFigures]
    by_year: dict  # (topic name, question key) -> {year: (mean, n)}, safe units only
    years: list[int]
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (German, English)


def _value(kind: str, raw):
    if kind == KIND_SCALE:
        return int(raw)
    if kind == KIND_YES_NO:
        return raw in (True, 1, "1", "true")
    return raw


def _named(questions: list[SurveyQuestion]) -> dict[str, SurveyQuestion]:
    """The question that names each key: the current wording, else the newest version."""
    named: dict[str, SurveyQuestion] = {}
    for question in sorted(questions, key=lambda q: (not q.retired, q.version, q.id)):
        named[question.key] = question
    return named


def survey_figures(held, minimum: int) -> SurveyFigures:
    named = _named(list(db.session.scalars(select(SurveyQuestion))))
    topics = dict(db.session.execute(select(Topic.id, Topic.name_de)).all())
    totals = db.session.execute(answer_totals(minimum, seminars=held)).all()
    by_key: dict[str, QuestionFigures] = {}
    yearly: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # sum, n
    years: set[int] = set()
    released = False  # whether a safe unit holds released free text
    for raw_year, topic_id, key, is_safe, raw, text_state, count, seminars in totals:
        question = named.get(key)
        if question is None:
            continue
        figures = by_key.get(key)
        if figures is None:
            figures = by_key[key] = QuestionFigures(
                key, question.kind, question.text_de, question.text_en
            )
        if not is_safe:  # too few answered this question in these seminars: in no figure
            figures.seminars_left_out += seminars
            continue
        count = int(count)  # a sum: numeric on PostgreSQL
        figures.n += count
        if figures.kind == KIND_TEXT:
            figures.waiting += count if text_state == WAITING else 0
            released = released or text_state == RELEASED
            continue
        answer = _value(figures.kind, raw)
        figures.counts[answer] = figures.counts.get(answer, 0) + count
        year = int(raw_year)
        years.add(year)
        if figures.kind == KIND_SCALE:
            cell = yearly[(topics[topic_id], key)][year]
            cell[0] += answer * count
            cell[1] += count
    if released:
        _released_texts(held, minimum, by_key)
    order = {key: (q.position, q.id) for key, q in named.items()}
    result = [by_key[key] for key in sorted(by_key, key=lambda k: order.get(k, (999, 0)))]
    for figures in result:
        if figures.kind == KIND_SCALE and figures.n:
            figures.mean = sum(v * c for v, c in figures.counts.items()) / figures.n
        if figures.kind == KIND_YES_NO and figures.n:
            figures.counts = {
                "yes": figures.counts.get(True, 0),
                "no": figures.counts.get(False, 0),
            }
    by_year = {
        key: {year: (total / n, n) for year, (total, n) in per_year.items() if n}
        for key, per_year in yearly.items()
    }
    texts = {key: (q.text_de, q.text_en) for key, q in named.items()}
    return SurveyFigures(result, by_year, sorted(years), texts)


def _released_texts(held, minimum: int, by_key: dict[str, QuestionFigures]) -> None:
    """The newest released texts of every text question, from safe units only."""
    rows = answers(minimum, seminars=held, text_only=True)
    ranked = (
        select(
            rows.c.key,
            rows.c.value,
            func.row_number()
            .over(partition_by=rows.c.key, order_by=rows.c.response_id.desc())
            .label("rank"),
        )
        .where(rows.c.safe == 1, rows.c.state == RELEASED)
        .subquery("ranked")
    )
    for key, text in db.session.execute(
        select(ranked.c.key, ranked.c.value)
        .where(ranked.c.rank <= TEXTS_SHOWN)
        .order_by(ranked.c.key, ranked.c.rank)
    ):
        if key in by_key:
            by_key[key].texts.append(text)


def response_rate(held, minimum: int) -> ResponseRate:
    """Responses per invitation over the seminars with at least the minimum of responses."""
    per_seminar = (
        select(SurveyResponse.seminar_id.label("seminar_id"), func.count().label("n"))
        .join(held, held.c.id == SurveyResponse.seminar_id)
        .group_by(SurveyResponse.seminar_id)
        .subquery("per_seminar")
    )
    enough = per_seminar.c.n >= minimum
    invited = (
        select(func.count())
        .select_from(SurveyInvitation)
        .where(SurveyInvitation.seminar_id.in_(select(per_seminar.c.seminar_id).where(enough)))
        .scalar_subquery()
    )
    responses, left_out, invitations = db.session.execute(
        select(
            func.coalesce(func.sum(per_seminar.c.n).filter(enough), 0),
            func.count().filter(~enough),
            invited,
        ).select_from(per_seminar)
    ).one()
    return ResponseRate(int(invitations or 0), int(responses or 0), int(left_out or 0))
