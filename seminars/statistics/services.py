"""Figures for the steering committee: reach, demand and evaluation, never names.

Every figure is an aggregate computed in SQL over the seminars that match the filters. Survey
figures and the response rate count only units of at least ``SURVEY_MIN_RESPONSES`` people
(``survey_figures``), and reach by county is published by the rules of ``disclosure``, so that
no figure and no difference of two figures is about fewer people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import extract, func, select

from seminars.extensions import db
from seminars.programme.models import (
    STATUS_PUBLISHED,
    Seminar,
    SeminarSession,
    Topic,
)
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
from seminars.statistics.disclosure import CountyTable, county_table
from seminars.statistics.service_costs import ServiceCosts, service_costs
from seminars.statistics.survey_figures import (
    QuestionFigures,
    ResponseRate,
    question_text,
    response_rate,
    survey_figures,
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
    # How ``waitlist_demand`` may be shown (``_publishable_demand``): "" exactly, "at_least"
    # as a lower bound, "small_only" not at all (only seminars below the minimum waited).
    waitlist_demand_shown: str = ""
    cancelled: int = 0
    no_shows: int = 0
    with_attendance: int = 0
    # The survey's response rate, over seminars with at least the minimum of responses only.
    survey: ResponseRate = field(default_factory=ResponseRate)

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
        return self.survey.rate


@dataclass
class Statistics:
    filters: Filters
    minimum: int
    headline: Headline
    questions: list[QuestionFigures]
    counties: CountyTable
    overflow: list[tuple[SeminarName, int]]
    by_year: dict  # (topic name, question key) -> {year: (mean, n)}, n always >= minimum
    years: list[int]
    question_texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    services: ServiceCosts = field(default_factory=ServiceCosts)

    def question_text(self, key: str, locale: str) -> str:
        """The wording of the question with this key (its current version), else the key."""
        text_de, text_en = self.question_texts.get(key, (key, ""))
        return question_text(text_de, text_en, locale)


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
    seminars, registrations, people, seats, demand, cancelled = row
    return Headline(
        seminars_held=seminars,
        registrations=registrations,
        people_reached=people,
        seats=int(seats),
        capacity=int(capacity or 0),
        waitlist_demand=demand,
        cancelled=cancelled,
        with_attendance=attendance_row[0],
        no_shows=attendance_row[1],
    )


# Without a chosen year, the seminar filter offers the latest seminars only.
SEMINAR_CHOICES = 100


def _publishable_demand(
    headline: Headline, overflow: list[tuple[SeminarName, int]], minimum: int
) -> list[tuple[SeminarName, int]]:
    """The minimum rule for waitlist demand: a seminar is named as a candidate for a repeat
    with at least ``minimum`` people without a seat only, and the total shown is the sum of
    the named seminars: exact when no other seminar of the view had people waiting, else as
    "at least" (or, when none is named, as "only small waitlists"). Any difference between
    two views (a year, a topic, a format) is then a sum of named seminars, never a group of
    fewer than ``minimum``."""
    named = [(seminar, count) for seminar, count in overflow if count >= minimum]
    named_sum = sum(count for _seminar, count in named)
    if headline.waitlist_demand > named_sum:
        headline.waitlist_demand = named_sum
        headline.waitlist_demand_shown = "at_least" if named_sum else "small_only"
    return named


@dataclass(frozen=True)
class SeminarName:
    """What the figures name of a seminar (not the whole seminar: a long list loads fast)."""

    id: int
    title: str
    code: str


def _overflow(held) -> list[tuple[SeminarName, int]]:
    rows = db.session.execute(
        select(Seminar.id, Seminar.title, Seminar.code, func.count(Registration.id))
        .join(held, held.c.id == Seminar.id)
        .join(Registration, Registration.seminar_id == Seminar.id)
        .where(
            Registration.status.in_((STATUS_WAITLISTED, STATUS_EXPIRED)),
            Registration.confirmed_at.is_not(None),
        )
        .group_by(Seminar.id, Seminar.title, Seminar.code)
        .order_by(func.count(Registration.id).desc())
    ).all()
    return [(SeminarName(id_, title, code), count) for id_, title, code, count in rows]


def services_of(filters: Filters, *, now: datetime) -> ServiceCosts:
    """Accessibility services and their costs by year, topic and kind (``service_costs``):
    built from whole years of every topic and format, so that the topic filter only picks
    published rows; with a format or seminar filter, not offered."""
    return service_costs(
        _held(Filters(year=filters.year), now),
        offered=not (filters.format or filters.seminar_id),
        topic_key=filters.topic,
        minimum=current_app.config["SURVEY_MIN_RESPONSES"],
    )


def statistics(filters: Filters, *, now: datetime) -> Statistics:
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    held = _held(filters, now)
    survey = survey_figures(held, minimum)
    headline = _headline(held)
    headline.survey = response_rate(held, minimum)
    overflow = _publishable_demand(headline, _overflow(held), minimum)
    # County counts only for whole years: other filters would let differences isolate people.
    whole_years = not (filters.topic or filters.format or filters.seminar_id)
    return Statistics(
        filters=filters,
        minimum=minimum,
        headline=headline,
        questions=survey.questions,
        counties=county_table(held, offered=whole_years, minimum=minimum),
        overflow=overflow,
        by_year=survey.by_year,
        years=survey.years,
        question_texts=survey.texts,
        services=services_of(filters, now=now),
    )


def filter_choices(year: int | None, *, now: datetime):
    """Topics, years, and the seminars to pick from: those of the chosen year, or the latest.

    Years and seminars are those the figures can count (``_held``): published seminars whose
    last session has ended. Drafts and seminars still to come have no figures; cancelled
    seminars count in no figure either (their registrations were released), so none of them
    is offered: picking one would only show zeros."""
    topics = list(db.session.scalars(select(Topic).order_by(Topic.position)))
    every = _held(Filters(), now)
    years = sorted(
        {int(y) for y in db.session.scalars(select(every.c.year).distinct()) if y},
        reverse=True,
    )
    held = _held(Filters(year=year), now)
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("s"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    stmt = (
        select(Seminar.id, Seminar.title, Seminar.code)
        .join(held, held.c.id == Seminar.id)
        .join(first, first.c.seminar_id == Seminar.id)
    )
    if year:
        stmt = stmt.order_by(Seminar.title)
    else:
        stmt = stmt.order_by(first.c.s.desc()).limit(SEMINAR_CHOICES)
    return topics, years, db.session.execute(stmt).all()
