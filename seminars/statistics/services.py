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
from sqlalchemy import extract, func, select

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
            func.count(func.distinct(Registration.email_normalized)).filter(
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


def _questions(held, minimum: int) -> tuple[list[QuestionFigures], dict, list[int]]:
    questions = {q.id: q for q in db.session.scalars(select(SurveyQuestion))}
    rows = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.answers, SurveyResponse.hidden, held.c.year,
               Topic.name_de)
        .join(held, held.c.id == SurveyResponse.seminar_id)
        .join(Topic, Topic.id == held.c.topic_id)
    ).all()  # fmt: skip
    by_key: dict[str, QuestionFigures] = {}
    yearly: dict = defaultdict(lambda: defaultdict(list))
    years: set[int] = set()
    for response_id, answers, hidden, year, topic_name in rows:
        years.add(int(year))
        for raw_id, value in (answers or {}).items():
            question = questions.get(int(raw_id))
            if question is None:
                continue
            figures = by_key.get(question.key)
            if figures is None:
                figures = by_key[question.key] = QuestionFigures(
                    question.key, question.kind, question.text_de, question.text_en, 0
                )
            if not question.retired:  # the current wording names the question
                figures.text_de, figures.text_en = question.text_de, question.text_en
            figures.n += 1
            if question.kind == KIND_TEXT:
                if question.id not in (hidden or []):
                    figures.texts.append((response_id, question.id, value))
            else:
                figures.counts[value] = figures.counts.get(value, 0) + 1
            if question.kind == KIND_SCALE:
                yearly[(topic_name, question.key)][int(year)].append(value)
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
            year: (sum(values) / len(values), len(values))
            if len(values) >= minimum
            else (None, len(values))
            for year, values in per_year.items()
        }
        for key, per_year in yearly.items()
    }
    return result, by_year, sorted(years)


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


def filter_choices(now: datetime):
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
    seminars = list(
        db.session.scalars(
            select(Seminar).where(Seminar.status != STATUS_CANCELLED).order_by(Seminar.title)
        )
    )
    return topics, years, seminars


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
