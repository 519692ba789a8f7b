"""Demand figures for the programme: per topic, county and format, how many people waited in
vain, joined an interest list, were offered and took a new date.

What counts (all years are counted; a year is picked afterwards):

- *Waited in vain*: people (``Registration.person_key``) on the waitlist of a seminar that has
  begun (waitlisted, or unconfirmed without a seat), and people moved from a seminar's
  waitlist to a new date (a confirmed registration on another seminar has ``moved_from_id``
  pointing at theirs, and theirs is not confirmed: who declined the new date keeps the old
  place and counts if still waiting at the start). By the old seminar's topic, format and
  the year of its first session, and the county the person gave.
- *Joined an interest list*: subscriptions ever confirmed, also those ended since (the row
  stays, without the address). By the year of the confirmation; the topic of the
  subscription or of its seminar; the county chosen (or of the seminar's venue), "online" as
  a format, no choice as "anywhere".
- *Offered a new date*: people offered a seat on a new date (``Seminar.repeat_of_id``) because
  they waited on the old one or were on its interest list; *took a new date*: those of them
  now confirmed there. By the year of the first offer, the new seminar's topic and format
  and the county the person gave.

Disclosure control (DESIGN.md rule 5), per year and per table (topic, county, format), per
column: every figure is built from disjoint parts (waited in vain: still waiting at the start,
and moved; offered: took it from the waitlist, took it from an interest list, did not take
it), and a row shows a figure only when every part is empty or of at least the minimum
(``disclosure.publish_parts``); the others join the row "Übrige (zusammengefasst)", and while
that row is not safe, the smallest shown rows join it too. So no figure, no total minus shown
rows and no "offered minus took" is about fewer people. A figure below the minimum says
"weniger als n". The table for all years adds up what each year published, so comparing it
with a year's table reveals nothing a year's table did not publish. The cells are summed from
one grid (year, topic, county, format), so the three tables have the same totals; a person
who waited in vain on seminars of two topics in a year counts in both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import aliased

from seminars.extensions import db
from seminars.interest.models import REGION_ONLINE, InterestSubscription
from seminars.programme.labels import format_label
from seminars.programme.models import FORMAT_ONLINE, FORMATS, Seminar, SeminarSession, Topic, Venue
from seminars.registrations.counties import COUNTY_KEYS
from seminars.registrations.labels import county_label
from seminars.registrations.models import STATUS_CONFIRMED, Registration
from seminars.statistics.disclosure import PublishedParts, publish_parts

# County or format of an interest list that did not choose one.
ANYWHERE = "*"
# County of a registration that named none.
NO_COUNTY = "-"

WAITED, JOINED, OFFERED, TOOK = "waited", "joined", "offered", "took"
MEASURES = (WAITED, JOINED, OFFERED, TOOK)
TOPIC, COUNTY, FORMAT = "topic", "county", "format"
DIMENSIONS = (TOPIC, COUNTY, FORMAT)

# The parts of a cell, and which parts make up which column. Offered and took are published
# together (one column of parts), so that their difference is safe too.
_STAYED, _MOVED, _JOINED, _TOOK_WAITING, _TOOK_INTEREST, _DECLINED = range(6)
_COLUMNS = {
    WAITED: (_STAYED, _MOVED),
    JOINED: (_JOINED,),
    OFFERED: (_TOOK_WAITING, _TOOK_INTEREST, _DECLINED),
}
_FIGURES = {
    WAITED: (WAITED, (_STAYED, _MOVED)),
    JOINED: (JOINED, (_JOINED,)),
    OFFERED: (OFFERED, (_TOOK_WAITING, _TOOK_INTEREST, _DECLINED)),
    TOOK: (OFFERED, (_TOOK_WAITING, _TOOK_INTEREST)),
}

Key = tuple[int, str, str]  # topic id, county, format
Parts = list[int]


@dataclass
class Figure:
    # The published count; None when the figure is not shown on its own.
    value: int | None = None
    # Not shown: the count is below the minimum (else it is merely pooled with others).
    small: bool = False
    # All years: some years' figures of this row count under the pooled row instead.
    partial: bool = False


@dataclass
class DemandRow:
    label: str
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class DemandTable:
    dimension: str
    rows: list[DemandRow] = field(default_factory=list)
    pooled: DemandRow | None = None
    total: DemandRow = field(default_factory=lambda: DemandRow(""))


@dataclass
class Demand:
    # The chosen year, None for all years.
    year: int | None
    years: list[int]
    minimum: int
    tables: list[DemandTable] = field(default_factory=list)
    # All years: years of which a column published nothing (too few people).
    years_left_out: int = 0

    @property
    def empty(self) -> bool:
        return not any(table.rows or table.pooled for table in self.tables)

    @property
    def partial(self) -> bool:
        return any(
            figure.partial
            for table in self.tables
            for row in table.rows
            for figure in row.figures.values()
        )


def _cells(now: datetime) -> dict[int, dict[Key, Parts]]:
    """The grid: year -> (topic id, county, format) -> parts, in three statements."""
    grid: dict[int, dict[Key, Parts]] = defaultdict(lambda: defaultdict(lambda: [0] * 6))
    first = (
        select(
            SeminarSession.seminar_id.label("seminar_id"),
            func.min(SeminarSession.starts_at).label("starts_at"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    new_place = aliased(Registration)
    moved = Registration.id.in_(
        select(new_place.moved_from_id).where(
            new_place.moved_from_id.is_not(None), new_place.status == STATUS_CONFIRMED
        )
    ) & (Registration.status != STATUS_CONFIRMED)
    waiting = Registration.on_waitlist & (first.c.starts_at <= now)
    year = extract("year", first.c.starts_at)
    for waited in db.session.execute(
        select(
            year,
            Seminar.topic_id,
            Registration.county,
            Seminar.format,
            func.count(func.distinct(Registration.person_key)),
            func.count(func.distinct(Registration.person_key)).filter(moved),
        )
        .join(Seminar, Seminar.id == Registration.seminar_id)
        .join(first, first.c.seminar_id == Seminar.id)
        .where(or_(waiting, moved))
        .group_by(year, Seminar.topic_id, Registration.county, Seminar.format)
    ):
        year_of, topic, county, fmt, people, moved_people = waited
        cell = grid[int(year_of)][(topic, _county(county), fmt)]
        cell[_STAYED] += people - moved_people
        cell[_MOVED] += moved_people

    subscription = InterestSubscription
    confirmed_year = extract("year", subscription.confirmed_at)
    topic_id = func.coalesce(subscription.topic_id, Seminar.topic_id)
    for joined in db.session.execute(
        select(
            confirmed_year,
            topic_id,
            subscription.region,
            Seminar.format,
            Venue.county,
            func.count(subscription.id),
        )
        .outerjoin(Seminar, Seminar.id == subscription.seminar_id)
        .outerjoin(Venue, Venue.id == Seminar.venue_id)
        .where(subscription.confirmed_at.is_not(None))
        .group_by(confirmed_year, topic_id, subscription.region, Seminar.format, Venue.county)
    ):
        year_of, topic, region, seminar_format, venue_county, count = joined
        county, fmt = _wish(region, seminar_format, venue_county)
        grid[int(year_of)][(topic, county, fmt)][_JOINED] += count

    offered_year = extract("year", Registration.first_offered_at)
    took = Registration.status == STATUS_CONFIRMED
    for offers in db.session.execute(
        select(
            offered_year,
            Seminar.topic_id,
            Registration.county,
            Seminar.format,
            func.count(func.distinct(Registration.person_key)),
            func.count(func.distinct(Registration.person_key)).filter(took),
            func.count(func.distinct(Registration.person_key)).filter(
                took, Registration.moved_from_id.is_not(None)
            ),
        )
        .join(Seminar, Seminar.id == Registration.seminar_id)
        .where(
            Seminar.repeat_of_id.is_not(None),
            or_(
                Registration.moved_from_id.is_not(None),
                Registration.interest_subscription_id.is_not(None),
            ),
            Registration.first_offered_at.is_not(None),
        )
        .group_by(offered_year, Seminar.topic_id, Registration.county, Seminar.format)
    ):
        year_of, topic, county, fmt, offered, taken, from_waitlist = offers
        cell = grid[int(year_of)][(topic, _county(county), fmt)]
        cell[_TOOK_WAITING] += from_waitlist
        cell[_TOOK_INTEREST] += taken - from_waitlist
        cell[_DECLINED] += offered - taken
    return grid


def _county(value: str | None) -> str:
    return value if value in COUNTY_KEYS else NO_COUNTY


def _wish(region: str | None, seminar_format: str | None, venue_county: str | None):
    """County and format an interest subscription asks for."""
    if seminar_format is not None:  # a seminar's new date: where and how that seminar is
        if seminar_format == FORMAT_ONLINE:
            return ANYWHERE, seminar_format
        return _county(venue_county), seminar_format
    if region is None:
        return ANYWHERE, ANYWHERE
    if region == REGION_ONLINE:
        return ANYWHERE, FORMAT_ONLINE
    return _county(region), ANYWHERE


def _key_of(dimension: str, key: Key):
    return key[DIMENSIONS.index(dimension)]


def _sum(vectors) -> Parts:
    total = [0] * 6
    for parts in vectors:
        for index, part in enumerate(parts):
            total[index] += part
    return total


def _value(parts: Parts, figure: str) -> int:
    return sum(parts[index] for index in _FIGURES[figure][1])


@dataclass
class _Published:
    """One year of one table: per column, what ``publish_parts`` let through."""

    cells: dict = field(default_factory=dict)  # dimension key -> parts
    columns: dict[str, PublishedParts] = field(default_factory=dict)


def _publish(grid: dict[Key, Parts], dimension: str, minimum: int) -> _Published:
    cells: dict = defaultdict(lambda: [0] * 6)
    for key, parts in grid.items():
        cells[_key_of(dimension, key)] = _sum([cells[_key_of(dimension, key)], parts])
    published = _Published(cells=dict(cells))
    for column, indices in _COLUMNS.items():
        published.columns[column] = publish_parts(
            {key: [parts[i] for i in indices] for key, parts in cells.items()}, minimum
        )
    return published


def _table(dimension: str, years: list[_Published], labels, order, minimum: int) -> DemandTable:
    """One table over the given years (one, or all): shown figures are sums of what each year
    published."""
    keys = {key for year in years for key, parts in year.cells.items() if any(parts)}
    table = DemandTable(dimension)
    pooled: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    raw_totals: dict[str, int] = defaultdict(int)
    for key in sorted(keys, key=order):
        row = DemandRow(labels(key))
        for figure, (column, _indices) in _FIGURES.items():
            shown, hidden = 0, 0
            any_shown = False
            for year in years:
                value = _value(year.cells.get(key, [0] * 6), figure)
                if key in year.columns[column].shown:
                    shown += value
                    any_shown = True
                else:
                    hidden += value
            if any_shown:
                row.figures[figure] = Figure(value=shown, partial=hidden > 0)
            elif hidden == 0:
                row.figures[figure] = Figure(value=0)
            else:
                row.figures[figure] = Figure(small=hidden < minimum)
        table.rows.append(row)
    for figure, (column, indices) in _FIGURES.items():
        for year in years:
            published = year.columns[column]
            raw = sum(_value(parts, figure) for parts in year.cells.values())
            raw_totals[figure] += raw
            if published.withheld:
                continue
            totals[figure] += raw
            if published.pooled:
                pooled[figure] += sum(published.pooled[indices_of(column, i)] for i in indices)
    table.total = DemandRow(
        _("Zusammen"),
        {
            figure: (
                Figure(value=totals[figure])
                if totals[figure] or not raw_totals[figure]
                else Figure(small=raw_totals[figure] < minimum)
            )
            for figure in MEASURES
        },
    )
    if any(pooled.values()):
        # A column that published nothing says so here too, not 0.
        table.pooled = DemandRow(
            _("Übrige (zusammengefasst)"),
            {
                figure: Figure(value=pooled[figure])
                if table.total.figures[figure].value is not None
                else table.total.figures[figure]
                for figure in MEASURES
            },
        )
    return table


def indices_of(column: str, index: int) -> int:
    """The position of a part in the vector of its column."""
    return _COLUMNS[column].index(index)


def demand(year: int | None, *, now: datetime, locale: str) -> Demand:
    """The demand figures of one year, or of all years (``year`` None), published per the
    rules above, in four statements."""
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    grid = _cells(now)
    topics = {topic.id: topic for topic in db.session.scalars(select(Topic))}
    years = sorted(grid, reverse=True)
    result = Demand(year=year, years=years, minimum=minimum)
    picked = [year] if year is not None else sorted(grid)
    labels = {
        TOPIC: lambda key: topics[key].name(locale) if key in topics else "–",
        COUNTY: _county_text,
        FORMAT: _format_text,
    }
    orders = {
        TOPIC: lambda key: (topics[key].position, key) if key in topics else (0, key),
        COUNTY: lambda key: (key in (ANYWHERE, NO_COUNTY), key == NO_COUNTY, _county_text(key)),
        FORMAT: lambda key: (key == ANYWHERE, FORMATS.index(key) if key in FORMATS else 0),
    }
    for dimension in DIMENSIONS:
        published = [_publish(grid.get(y, {}), dimension, minimum) for y in picked]
        result.tables.append(
            _table(dimension, published, labels[dimension], orders[dimension], minimum)
        )
        if dimension == TOPIC and year is None:
            result.years_left_out = sum(
                1
                for year_published in published
                if any(c.withheld for c in year_published.columns.values())
            )
    return result


def _county_text(key: str) -> str:
    if key == ANYWHERE:
        return _("überall (kein Landkreis gewählt)")
    if key == NO_COUNTY:
        return _("ohne Angabe")
    return county_label(key)


def _format_text(key: str) -> str:
    if key == ANYWHERE:
        return _("jede Form (keine gewählt)")
    return format_label(key)
