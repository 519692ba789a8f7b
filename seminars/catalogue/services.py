"""Reading the public programme: lists with filters, one seminar, filter choices.

Every function here runs a fixed number of SQL queries, whatever the number of seminars:
seat use and session dates come from subqueries of one statement, and the collections shown
on a page are loaded with one ``selectin`` query each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property, lru_cache

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.sql.elements import BindParameter

from seminars.catalogue.filters import CatalogueFilters
from seminars.core.errors import NotFoundError
from seminars.core.text_search import contains_word
from seminars.core.timezone import berlin_date, month_bounds_utc
from seminars.extensions import db
from seminars.programme.availability import Availability, availability_of
from seminars.programme.models import (
    STATUS_CANCELLED,
    STATUS_PUBLISHED,
    Instructor,
    Seminar,
    SeminarSession,
    Topic,
    Venue,
)
from seminars.registrations.models import Registration, seats_expression

# Largest id PostgreSQL's integer column holds; larger path values cannot name a seminar.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class CatalogueEntry:
    seminar: Seminar
    starts_at: datetime
    ends_at: datetime
    availability: Availability
    session_count: int = 1


@dataclass(frozen=True)
class CataloguePage:
    entries: list[CatalogueEntry]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class TopicChoice:
    """A topic as the filter form offers it: plain values, usable after the request."""

    id: int
    key: str
    name_de: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_de


@dataclass(frozen=True)
class FilterChoices:
    topics: list[TopicChoice]
    towns: list[str]
    # (status, first session) of every published or cancelled seminar: the months to offer.
    starts: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def topic_keys(self) -> list[str]:
        return [topic.key for topic in self.topics]

    def months(self, *, now: datetime, archive: bool) -> list[tuple[int, int]]:
        """The (year, month) pairs in Berlin with a seminar the list shows: published
        upcoming ones (soonest first), or for the archive past ones (latest first)."""
        found = {
            month
            for status, starts_at, month in self._start_months
            if (starts_at <= now if archive else status == STATUS_PUBLISHED and starts_at > now)
        }
        return sorted(found, reverse=archive)

    @cached_property
    def _start_months(self) -> list[tuple[str, datetime, tuple[int, int]]]:
        """``starts`` with the (year, month) in Berlin of each, worked out once."""
        return [
            (status, starts_at, (day.year, day.month))
            for status, starts_at in self.starts
            for day in [berlin_date(starts_at)]
        ]


def _session_bounds():
    return (
        select(
            SeminarSession.seminar_id.label("seminar_id"),
            func.min(SeminarSession.starts_at).label("starts_at"),
            func.max(SeminarSession.ends_at).label("ends_at"),
            func.count().label("sessions"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery("bounds")
    )


def _seat_use_of_row():
    """Seats taken and places on the waitlist, as subqueries correlated to the row's seminar:
    a page counts only its own seminars' registrations (PostgreSQL evaluates them after the
    sort and the limit)."""
    mine = Registration.seminar_id == Seminar.id
    taken = (
        select(
            func.coalesce(func.sum(seats_expression).filter(Registration.holds_seat.is_(True)), 0)
        )
        .where(mine)
        .scalar_subquery()
    )
    waiting = select(func.count().filter(Registration.on_waitlist)).where(mine).scalar_subquery()
    return taken, waiting


def _seat_use():
    """Seats taken and places on the waitlist of every seminar, for filtering by them."""
    return (
        select(
            Registration.seminar_id.label("seminar_id"),
            func.coalesce(
                func.sum(seats_expression).filter(Registration.holds_seat.is_(True)), 0
            ).label("taken"),
            func.count().filter(Registration.on_waitlist).label("waiting"),
        )
        .group_by(Registration.seminar_id)
        .subquery("seat_use")
    )


SCOPE_UPCOMING = "upcoming"
SCOPE_ARCHIVE = "archive"
SCOPE_PUBLIC = "public"
SCOPE_FEED = "feed"
# Calendar feeds keep seminars this long after they ended, so subscribers see recent changes.
FEED_DAYS_BACK = 60


def search_words(q: str) -> list[str]:
    """Each word of the search once (ignoring case): a seminar must match all of them. The
    query is at most ``MAX_QUERY_LENGTH`` characters, so there are at most half as many."""
    words: dict[str, str] = {}
    for word in q.split():
        words.setdefault(word.lower(), word)
    return list(words.values())


# The clock is a parameter of the statements, so that one built statement serves every
# request with the same filters (``_page_statement``): building one costs more than running it.
NOW: BindParameter[datetime] = bindparam("now")
FEED_SINCE: BindParameter[datetime] = bindparam("feed_since")


def _listing(filters: CatalogueFilters, *, scope: str) -> Select:
    """The filtered statement, shared by the count, the page query and the detail page; it
    takes the parameter ``now`` (and ``feed_since`` for the feed)."""
    bounds = _session_bounds()
    seats = _seat_use() if filters.free else None
    if seats is None:
        taken, waiting = _seat_use_of_row()
    else:
        taken, waiting = func.coalesce(seats.c.taken, 0), func.coalesce(seats.c.waiting, 0)
    stmt = (
        select(Seminar, bounds.c.starts_at, bounds.c.ends_at, taken, waiting, bounds.c.sessions)
        .join(bounds, bounds.c.seminar_id == Seminar.id)
        .join(Seminar.topic)
        .outerjoin(Seminar.venue)
    )
    if seats is not None:
        stmt = stmt.outerjoin(seats, seats.c.seminar_id == Seminar.id)
    if scope == SCOPE_UPCOMING:
        stmt = stmt.where(Seminar.status == STATUS_PUBLISHED, bounds.c.starts_at > NOW)
    else:
        stmt = stmt.where(Seminar.status.in_((STATUS_PUBLISHED, STATUS_CANCELLED)))
        if scope == SCOPE_ARCHIVE:
            stmt = stmt.where(bounds.c.starts_at <= NOW)
        elif scope == SCOPE_FEED:
            stmt = stmt.where(bounds.c.ends_at >= FEED_SINCE)
    for word in search_words(filters.q):
        stmt = stmt.where(
            or_(
                contains_word(Seminar.title, word),
                contains_word(Seminar.summary, word),
                contains_word(Seminar.description, word),
                contains_word(Venue.town, word),
                Seminar.instructors.any(contains_word(Instructor.name, word)),
            )
        )
    if filters.topic:
        stmt = stmt.where(Topic.key == filters.topic)
    if filters.format:
        stmt = stmt.where(Seminar.format == filters.format)
    if filters.month:
        start, end = month_bounds_utc(*filters.month)
        stmt = stmt.where(bounds.c.starts_at >= start, bounds.c.starts_at < end)
    if filters.town:
        stmt = stmt.where(func.lower(Venue.town) == filters.town.lower())
    if filters.free:
        stmt = stmt.where(
            Seminar.capacity - taken > 0,
            or_(Seminar.registration_closes_at.is_(None), Seminar.registration_closes_at > NOW),
        )
    order = bounds.c.starts_at.desc() if scope == SCOPE_ARCHIVE else bounds.c.starts_at.asc()
    return stmt.order_by(order, Seminar.id)


def _entry(row, now: datetime) -> CatalogueEntry:
    seminar, starts_at, ends_at, taken, waiting, session_count = row[:6]
    return CatalogueEntry(
        seminar=seminar,
        starts_at=starts_at,
        ends_at=ends_at,
        availability=availability_of(
            cancelled=seminar.status == STATUS_CANCELLED,
            capacity=seminar.capacity,
            seats_taken=int(taken),
            waiting=int(waiting),
            waitlist_capacity=seminar.waitlist_capacity,
            opens_at=seminar.registration_opens_at,
            closes_at=seminar.registration_closes_at,
            starts_at=starts_at,
            now=now,
        ),
        session_count=int(session_count),
    )


def _with_display_relations(stmt: Select, *, details: bool = True) -> Select:
    """Topic and venue come with the row; ``details`` adds sessions and instructors (one
    ``selectin`` query each), which the catalogue's list does not show."""
    stmt = stmt.options(contains_eager(Seminar.topic), contains_eager(Seminar.venue))
    if details:
        stmt = stmt.options(selectinload(Seminar.sessions), selectinload(Seminar.instructors))
    return stmt


@lru_cache(maxsize=256)
def _page_statement(filters: CatalogueFilters, scope: str, details: bool) -> Select:
    """The page query for these filters (whatever the page), with the total of all pages in
    each row; parameters ``now``, ``limit`` and ``offset``."""
    stmt = _listing(filters, scope=scope).add_columns(func.count().over())
    return (
        _with_display_relations(stmt, details=details)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def list_seminars(
    filters: CatalogueFilters,
    *,
    now: datetime,
    page_size: int,
    archive: bool = False,
    details: bool = True,
) -> CataloguePage:
    """One page of the catalogue (or the archive): one query counts and reads the page, a
    second one only for a page beyond the last; ``details`` adds two (sessions, instructors).
    """
    scope = SCOPE_ARCHIVE if archive else SCOPE_UPCOMING
    paged = _page_statement(replace(filters, page=1), scope, details)

    def rows_of(page: int) -> list:
        offset = (page - 1) * page_size
        params = {"now": now, "limit": page_size, "offset": offset}
        return list(db.session.execute(paged, params).all())

    page = filters.page
    rows = rows_of(page)
    if rows or page == 1:
        total = int(rows[0][-1]) if rows else 0
    else:
        everything = _listing(filters, scope=scope).order_by(None).subquery()
        total = db.session.execute(
            select(func.count()).select_from(everything), {"now": now}
        ).scalar_one()
        last = max(1, math.ceil(total / page_size))
        if page > last:
            page = last
            rows = rows_of(page)
    return CataloguePage([_entry(row, now) for row in rows], total, page, page_size)


def filter_choices() -> FilterChoices:
    """Topics, towns and months to offer in the filter form: two queries."""
    topics = [
        TopicChoice(*row)
        for row in db.session.execute(
            select(Topic.id, Topic.key, Topic.name_de, Topic.name_en).order_by(
                Topic.position, Topic.name_de
            )
        )
    ]
    bounds = _session_bounds()
    rows = db.session.execute(
        select(Seminar.status, Venue.town, bounds.c.starts_at)
        .join(bounds, bounds.c.seminar_id == Seminar.id)
        .outerjoin(Seminar.venue)
        .where(Seminar.status.in_((STATUS_PUBLISHED, STATUS_CANCELLED)))
        .distinct()
    ).all()
    towns = sorted({town for status, town, _start in rows if town and status == STATUS_PUBLISHED})
    starts = [(status, starts_at) for status, _town, starts_at in rows]
    return FilterChoices(topics, towns, starts)


def get_public_seminar(seminar_id: int, *, now: datetime) -> CatalogueEntry:
    """A published or cancelled seminar with everything its page shows; drafts are not found."""
    if not 0 < seminar_id <= MAX_ID:
        raise NotFoundError()
    stmt = _with_display_relations(
        _listing(CatalogueFilters(), scope=SCOPE_PUBLIC).where(Seminar.id == seminar_id)
    )
    row = db.session.execute(stmt, {"now": now}).first()
    if row is None:
        raise NotFoundError()
    return _entry(row, now)


def feed_seminars(*, now: datetime) -> list[CatalogueEntry]:
    """Published and cancelled seminars for the calendar feed: three queries."""
    stmt = _with_display_relations(_listing(CatalogueFilters(), scope=SCOPE_FEED))
    params = {"now": now, "feed_since": now - timedelta(days=FEED_DAYS_BACK)}
    return [_entry(row, now) for row in db.session.execute(stmt, params)]
