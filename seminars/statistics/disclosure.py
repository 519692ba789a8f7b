"""Reach by county, published so that no count and no difference of counts is about fewer
than the minimum of people.

The smallest unit is (county, year) of confirmed registrations. Per year, counties below the
minimum join one pooled row "other counties or none given" (with the registrations that name
no county); while that row is below the minimum, the smallest shown counties join it too. The
all-years table is the sum of the published cells of every year, so that comparing it with a
year's table reveals nothing a year's table did not publish. Only the year filter narrows the
table: a topic, format or seminar filter cuts a year into parts whose differences could
isolate single people, so with those the table is not offered at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select

from seminars.extensions import db
from seminars.registrations.models import STATUS_CONFIRMED, Registration

K = TypeVar("K", bound=Hashable)


@dataclass
class CountyTable:
    offered: bool = True
    # Published counties with their count, largest first; each at least the minimum.
    rows: list[tuple[str, int]] = field(default_factory=list)
    # Counties below the minimum and registrations without a county: 0 or at least the minimum.
    other: int = 0
    # Years with registrations, but too few to publish any count.
    years_left_out: int = 0

    @property
    def empty(self) -> bool:
        return not self.rows and not self.other


def publish_year(cells: Mapping[K | None, int], minimum: int) -> tuple[dict[K, int], int]:
    """The published counties of one year and the pooled rest (0 when the whole year is below
    the minimum: then nothing of it is published). Also for other cells than counties (the
    topics of ``service_costs``); a key of None always joins the pooled rest."""
    shown = {county: n for county, n in cells.items() if county and n >= minimum}
    other = sum(n for county, n in cells.items() if county not in shown)
    # Secondary suppression: a pooled row below the minimum takes in the smallest counties.
    for county in sorted(shown, key=lambda key: (shown[key], key)):
        if other == 0 or other >= minimum:
            break
        other += shown.pop(county)
    if other < minimum:
        return shown, 0
    return shown, other


def combine(years: dict[int, dict[str | None, int]], minimum: int) -> CountyTable:
    """Publish every year on its own, then add up what was published."""
    table = CountyTable()
    totals: dict[str, int] = defaultdict(int)
    for _year, cells in sorted(years.items()):
        shown, other = publish_year(cells, minimum)
        if not shown and not other and any(cells.values()):
            table.years_left_out += 1
        for county, n in shown.items():
            totals[county] += n
        table.other += other
    table.rows = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return table


def county_table(held, *, offered: bool, minimum: int) -> CountyTable:
    """Confirmed registrations of the held seminars by county, per the rules above."""
    if not offered:
        return CountyTable(offered=False)
    rows = db.session.execute(
        select(held.c.year, Registration.county, func.count())
        .join(held, held.c.id == Registration.seminar_id)
        .where(Registration.status == STATUS_CONFIRMED)
        .group_by(held.c.year, Registration.county)
    ).all()
    years: dict[int, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for year, county, count in rows:
        years[int(year)][county or None] += count
    return combine(years, minimum)


@dataclass
class PublishedParts:
    """One column of a table published by ``publish_parts``."""

    # The keys shown with their own figure.
    shown: set = field(default_factory=set)
    # The sum of the parts of every other key: all zero, or a safe vector.
    pooled: tuple[int, ...] = ()
    # Even all keys together are not safe: nothing of the column is published.
    withheld: bool = False


def safe_parts(parts: Sequence[int], minimum: int) -> bool:
    """A figure made of disjoint groups of people may be shown when it is about at least the
    minimum, and each group is empty or also of at least the minimum: then neither the figure
    nor the difference of two figures made of these groups is about fewer people."""
    return sum(parts) >= minimum and all(part == 0 or part >= minimum for part in parts)


def publish_parts(cells: Mapping[K | None, Sequence[int]], minimum: int) -> PublishedParts:
    """``publish_year`` for cells made of disjoint parts (for example the people who took a
    new date and those who did not: "offered" is their sum, "took" the first part, so that
    "offered" minus "took" is a figure too). Keys whose parts are not safe join the pooled
    rest; while the pooled rest is neither empty nor safe, the smallest shown keys join it
    too. Every shown key and the pooled rest are safe, so every sum of them is safe, and so is
    every difference between a total and the shown keys. A key of None always joins the rest."""
    width = max((len(parts) for parts in cells.values()), default=0)

    def total(parts: Sequence[int]) -> int:
        return sum(parts)

    shown = {key for key, parts in cells.items() if key is not None and safe_parts(parts, minimum)}
    pooled = [0] * width
    for key, parts in cells.items():
        if key not in shown:
            for index, part in enumerate(parts):
                pooled[index] += part
    for key in sorted(shown, key=lambda key: (total(cells[key]), str(key))):
        if not any(pooled) or safe_parts(pooled, minimum):
            break
        shown.remove(key)
        for index, part in enumerate(cells[key]):
            pooled[index] += part
    if any(pooled) and not safe_parts(pooled, minimum):
        return PublishedParts(withheld=True, pooled=(0,) * width)
    return PublishedParts(shown=shown, pooled=tuple(pooled))
