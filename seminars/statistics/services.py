"""Figures for the steering committee: reach, demand and evaluation, never names.

Every figure is an aggregate computed in SQL over the seminars that match the filters. Survey
figures built from fewer than ``SURVEY_MIN_RESPONSES`` answers are withheld, and so are county
counts below that number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import cast, extract, func, select, true

from seminars.catalogue.models import (
    STATUS_CANCELLED,
    STATUS_PUBLISHED,
    Seminar,
    SeminarSession,
    Topic,
)
from seminars.core.errors import NotFoundError
from seminars.core.locking import begin_write
from seminars.extensions import db
from seminars.registrations.models import (
    STATUS_CANCELLED as REG_CANCELLED,
)
from seminars.registrations.models import (
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    STATUS_WAITLISTED,
    Attendance,
    Registration,
    seats_expression,
)
from seminars.surveys.models import (
    KIND_SCALE,
    KIND_TEXT,
    KIND_YES_NO,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    topic: str | None = None
    format: str | None = None
    seminar_id: int | None = None


@dataclass
class Headline:
    seminars_held: int = 0
    registrations: int = 0
    people_reached: int = 0
    seats: int = 0
    capacity: int = 0
    waitlist_demand: int = 0
    cancelled: int = 0
    no_shows: int = 0
    with_attendance: int = 0
    invitations: int = 0
    responses: int = 0

    @property
    def fill_rate(self) -> float | None:
        return self.seats / self.capacity if self.capacity else None

    @property
    def cancellation_rate(self) -> float | None:
        base = self.registrations
        return self.cancelled / base if base else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.with_attendance if self.with_attendance else None

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None


@dataclass
class QuestionFigures:
    key: str
    kind: str
    text_de: str
    text_en: str
    n: int
    counts: dict = field(default_factory=dict)
    mean: float | None = None
    texts: list = field(default_factory=list)  # (response id, question id, text)
    shown: bool = True


@dataclass
class Statistics:
    filters: Filters
    minimum: int
    headline: Headline
    questions: list[QuestionFigures]
    counties: list[tuple[str | None, int | None]]
    overflow: list[tuple[Seminar, int]]
    by_year: dict  # (topic name, question key) -> {year: (mean, n)}
    years: list[int]


def _held(filters: Filters, now: datetime):
    """Subquery of the ids of held seminars matching the filters, with their year."""
    bounds = (
        select(
            SeminarSession.seminar_id.label("seminar_id"),
            func.min(SeminarSession.starts_at).label("starts_at"),
            func.max(SeminarSession.ends_at).label("ends_at"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    year = extract("year", bounds.c.starts_at)
    stmt = (
        select(Seminar.id.label("id"), year.label("year"), Seminar.topic_id.label("topic_id"))
        .join(bounds, bounds.c.seminar_id == Seminar.id)
        .join(Topic, Topic.id == Seminar.topic_id)
        .where(Seminar.status == STATUS_PUBLISHED, bounds.c.ends_at <= now)
    )
    if filters.year:
        stmt = stmt.where(year == filters.year)
    if filters.topic:
        stmt = stmt.where(Topic.key == filters.topic)
    if filters.format:
        stmt = stmt.where(Seminar.format == filters.format)
    if filters.seminar_id:
        stmt = stmt.where(Seminar.id == filters.seminar_id)
    return stmt.subquery("held")


def _headline(held) -> Headline:
    confirmed_once = Registration.confirmed_at.is_not(None)
    row = db.session.execute(
        select(
            func.count(func.distinct(held.c.id)),
            func.count(Registration.id).filter(confirmed_once),
            func.count(func.distinct(Registration.person_key)).filter(
                Registration.status == STATUS_CONFIRMED
            ),
            func.coalesce(
                func.sum(seats_expression).filter(Registration.status == STATUS_CONFIRMED), 0
            ),
            func.count(Registration.id).filter(
                Registration.status.in_((STATUS_WAITLISTED, STATUS_EXPIRED)), confirmed_once
            ),
            func.count(Registration.id).filter(
                Registration.status == REG_CANCELLED, confirmed_once
            ),
        )
        .select_from(held)
        .outerjoin(Registration, Registration.seminar_id == held.c.id)
    ).one()
    capacity = db.session.scalar(
        select(func.coalesce(func.sum(Seminar.capacity), 0)).where(
            Seminar.id.in_(select(held.c.id))
        )
    )
    attended = (
        select(Attendance.registration_id).where(Attendance.present.is_(True)).distinct().subquery()
    )
    recorded_seminars = (
        select(SeminarSession.seminar_id)
        .join(Attendance, Attendance.session_id == SeminarSession.id)
        .distinct()
        .subquery()
    )
    attendance_row = db.session.execute(
        select(
            func.count(Registration.id),
            func.count(Registration.id).filter(attended.c.registration_id.is_(None)),
        )
        .select_from(Registration)
        .join(held, held.c.id == Registration.seminar_id)
        .join(recorded_seminars, recorded_seminars.c.seminar_id == Registration.seminar_id)
        .outerjoin(attended, attended.c.registration_id == Registration.id)
        .where(Registration.status == STATUS_CONFIRMED)
    ).one()
    invitations = db.session.scalar(
        select(func.count())
        .select_from(SurveyInvitation)
        .where(SurveyInvitation.seminar_id.in_(select(held.c.id)))
    )
    responses = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.seminar_id.in_(select(held.c.id)))
    )
    seminars, registrations, people, seats, demand, cancelled = row
    return Headline(
        seminars_held=seminars, registrations=registrations, people_reached=people,
        seats=int(seats), capacity=int(capacity or 0), waitlist_demand=demand,
        cancelled=cancelled, with_attendance=attendance_row[0], no_shows=attendance_row[1],
        invitations=invitations, responses=responses,
    )  # fmt: skip


# Free-text answers listed per question: the newest ones; the count says how many there are.
TEXTS_SHOWN = 50
# Without a chosen year, the seminar filter offers the latest seminars only.
SEMINAR_CHOICES = 100


def _answer_pairs():
    """(question id, value) rows of every response's answers, as a table the database
    expands itself, so that counting happens in SQL, not in Python."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        expanded = func.jsonb_each_text(cast(SurveyResponse.answers, JSONB))
    else:
        expanded = func.json_each(SurveyResponse.answers)
    return expanded.table_valued("key", "value", name="pairs")


def _value(kind: str, raw):
    if kind == KIND_SCALE:
        return int(raw)
    if kind == KIND_YES_NO:
        return raw in (True, 1, "1", "true")
    return raw


def _figures_for(question: SurveyQuestion, by_key: dict) -> QuestionFigures:
    figures = by_key.get(question.key)
    if figures is None:
        figures = by_key[question.key] = QuestionFigures(
            question.key, question.kind, question.text_de, question.text_en, 0
        )
    if not question.retired:  # the current wording names the question
        figures.text_de, figures.text_en = question.text_de, question.text_en
    return figures


def _questions(held, minimum: int) -> tuple[list[QuestionFigures], dict, list[int]]:
    questions = {q.id: q for q in db.session.scalars(select(SurveyQuestion))}
    pairs = _answer_pairs()
    counted = db.session.execute(
        select(held.c.year, Topic.name_de, pairs.c.key, pairs.c.value, func.count())
        .select_from(SurveyResponse)
        .join(held, held.c.id == SurveyResponse.seminar_id)
        .join(Topic, Topic.id == held.c.topic_id)
        .join(pairs, true())
        .where(pairs.c.key.in_([str(q.id) for q in questions.values() if q.kind != KIND_TEXT]))
        .group_by(held.c.year, Topic.name_de, pairs.c.key, pairs.c.value)
    ).all()
    texts_counted = db.session.execute(
        select(pairs.c.key, func.count())
        .select_from(SurveyResponse)
        .join(held, held.c.id == SurveyResponse.seminar_id)
        .join(pairs, true())
        .where(pairs.c.key.in_([str(q.id) for q in questions.values() if q.kind == KIND_TEXT]))
        .group_by(pairs.c.key)
    ).all()
    by_key: dict[str, QuestionFigures] = {}
    yearly: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # sum, n
    years: set[int] = set()
    for year, topic_name, raw_id, raw_value, count in counted:
        question = questions[int(raw_id)]
        figures = _figures_for(question, by_key)
        value = _value(question.kind, raw_value)
        years.add(int(year))
        figures.n += count
        figures.counts[value] = figures.counts.get(value, 0) + count
        if question.kind == KIND_SCALE:
            cell = yearly[(topic_name, question.key)][int(year)]
            cell[0] += value * count
            cell[1] += count
    for raw_id, count in texts_counted:
        _figures_for(questions[int(raw_id)], by_key).n += count
    _newest_texts(held, questions, by_key)
    result = []
    order = {q.key: (q.position, q.id) for q in questions.values()}
    for key in sorted(by_key, key=lambda k: order.get(k, (999, 0))):
        figures = by_key[key]
        if figures.kind == KIND_SCALE and figures.n:
            figures.mean = sum(v * c for v, c in figures.counts.items()) / figures.n
        if figures.kind == KIND_YES_NO:
            figures.counts = {
                "yes": figures.counts.get(True, 0),
                "no": figures.counts.get(False, 0),
            }
        figures.shown = figures.n >= minimum
        result.append(figures)
    by_year = {
        key: {
            year: (total / n, n) if n >= minimum else (None, n)
            for year, (total, n) in per_year.items()
        }
        for key, per_year in yearly.items()
    }
    return result, by_year, sorted(years)


def _newest_texts(held, questions: dict, by_key: dict) -> None:
    text_ids = {q.id for q in questions.values() if q.kind == KIND_TEXT}
    if not text_ids:
        return
    rows = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.answers, SurveyResponse.hidden)
        .join(held, held.c.id == SurveyResponse.seminar_id)
        .order_by(SurveyResponse.id.desc())
        .limit(TEXTS_SHOWN * 3)
    ).all()
    for response_id, answers, hidden in rows:
        for raw_id, value in (answers or {}).items():
            question_id = int(raw_id)
            if question_id not in text_ids or question_id in (hidden or []):
                continue
            figures = _figures_for(questions[question_id], by_key)
            if len(figures.texts) < TEXTS_SHOWN:
                figures.texts.append((response_id, question_id, value))


def _counties(held, minimum: int) -> list[tuple[str | None, int | None]]:
    rows = db.session.execute(
        select(Registration.county, func.count())
        .join(held, held.c.id == Registration.seminar_id)
        .where(Registration.status == STATUS_CONFIRMED)
        .group_by(Registration.county)
        .order_by(func.count().desc())
    ).all()
    return [(county, count if count >= minimum else None) for county, count in rows]


def _overflow(held) -> list[tuple[Seminar, int]]:
    rows = db.session.execute(
        select(Seminar, func.count(Registration.id))
        .join(held, held.c.id == Seminar.id)
        .join(Registration, Registration.seminar_id == Seminar.id)
        .where(
            Registration.status.in_((STATUS_WAITLISTED, STATUS_EXPIRED)),
            Registration.confirmed_at.is_not(None),
        )
        .group_by(Seminar.id)
        .order_by(func.count(Registration.id).desc())
    ).all()
    return [(seminar, count) for seminar, count in rows]


def statistics(filters: Filters, *, now: datetime) -> Statistics:
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    held = _held(filters, now)
    questions, by_year, years = _questions(held, minimum)
    return Statistics(
        filters=filters,
        minimum=minimum,
        headline=_headline(held),
        questions=questions,
        counties=_counties(held, minimum),
        overflow=_overflow(held),
        by_year=by_year,
        years=years,
    )


def filter_choices(year: int | None):
    """Topics, years, and the seminars to pick from: those of the chosen year, or the latest."""
    topics = list(db.session.scalars(select(Topic).order_by(Topic.position)))
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("s"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    years = sorted(
        {int(y) for y in db.session.scalars(select(extract("year", first.c.s)).distinct()) if y},
        reverse=True,
    )
    stmt = (
        select(Seminar.id, Seminar.title, Seminar.code)
        .join(first, first.c.seminar_id == Seminar.id)
        .where(Seminar.status != STATUS_CANCELLED)
    )
    if year:
        stmt = stmt.where(extract("year", first.c.s) == year).order_by(Seminar.title)
    else:
        stmt = stmt.order_by(first.c.s.desc()).limit(SEMINAR_CHOICES)
    return topics, years, db.session.execute(stmt).all()


def hide_text(response_id: int, question_id: int, *, actor) -> None:
    """Hide a free-text answer that names a person. The response itself stays."""
    from seminars.audit.services import record

    begin_write()
    response = db.session.get(SurveyResponse, response_id)
    if response is None or str(question_id) not in (response.answers or {}):
        raise NotFoundError()
    if question_id not in (response.hidden or []):
        response.hidden = [*(response.hidden or []), question_id]
    db.session.flush()
    record(actor, "survey.hide_text", after={"response": response_id, "question": question_id})
