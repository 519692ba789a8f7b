"""What the accessibility services cost, per year, topic and kind: the evidence the funder
asks for (sign-language and speech-to-text interpreting are fundable costs).

What counts: the tasks whose service was provided (``TASK_PROVIDED``: booked or confirmed) of
the held seminars, the same set every other figure counts (published, last session ended;
cancelled seminars and seminars still to come count nowhere). Per row: the number of services,
for interpreting the sessions and hours interpreted, and the cost: the actual cost where staff
entered it, else the planned one, with the part that is still only planned and the number of
services without any cost given beside it.

Disclosure control (DESIGN.md rule 5): a service exists only because somebody needed it, so a
row is built from the people who needed it (``peak_people``, summed over the seminars). The
rows are published as the reach by county is (``disclosure.publish_year``): per year and kind,
topics with fewer than the minimum of people join an "other topics" row; while that row is
below the minimum, the smallest shown topics join it too; if even all topics together are
below it, nothing of that year and kind is published. Every total is the sum of published
rows, so no total minus shown rows isolates fewer than the minimum. Within a row, the cost
splits into the actual and the still planned part, and the services into those with and
without a cost: the planned-only amount and the count without cost are shown only where every
part is empty or of at least the minimum of people (a sum: where every summed row shows its
split); else the row says only that it holds planned costs. The topic filter only
picks published rows; a format or seminar filter would cut a year into parts whose
differences isolate people, so with those the table is not offered. Like every figure of the
statistics, these are the same for every role; staff see the exact costs of each seminar on
its accessibility tasks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from seminars.accessibility.kinds import KIND_KEYS, kind
from seminars.accessibility.models import TASK_PROVIDED, ServiceTask
from seminars.extensions import db
from seminars.programme.models import Topic
from seminars.statistics.disclosure import publish_year


@dataclass
class ServiceFigures:
    services: int = 0
    # The people who needed them (summed per seminar): the base of disclosure, not shown.
    people: int = 0
    sessions: int = 0
    minutes: int = 0
    cost_cents: int = 0
    # Of ``cost_cents``: services with a planned cost but no actual cost yet.
    planned_only_cents: int = 0
    # Services with neither a planned nor an actual cost.
    unpriced: int = 0
    # The parts of the row (services, people): with an actual cost, with a planned cost only,
    # without a cost. The split is a figure about each part.
    actual_services: int = 0
    actual_people: int = 0
    planned_services: int = 0
    planned_people: int = 0
    unpriced_people: int = 0
    # Whether the split (planned-only amount, services without cost) may be shown: every
    # part is empty or of at least the minimum of people (for a sum: in every summed row).
    split_shown: bool = True

    def add(self, other: ServiceFigures) -> None:
        self.services += other.services
        self.people += other.people
        self.sessions += other.sessions
        self.minutes += other.minutes
        self.cost_cents += other.cost_cents
        self.planned_only_cents += other.planned_only_cents
        self.unpriced += other.unpriced
        self.actual_services += other.actual_services
        self.actual_people += other.actual_people
        self.planned_services += other.planned_services
        self.planned_people += other.planned_people
        self.unpriced_people += other.unpriced_people
        self.split_shown = self.split_shown and other.split_shown

    def split_is_safe(self, minimum: int) -> bool:
        """Cost minus planned-only amount is the actual part, services minus those without
        cost the priced part: each part must be empty or of at least the minimum."""
        parts = (
            (self.actual_services, self.actual_people),
            (self.planned_services, self.planned_people),
            (self.unpriced, self.unpriced_people),
        )
        return all(services == 0 or people >= minimum for services, people in parts)

    @property
    def has_planned(self) -> bool:
        return self.planned_services > 0

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def cost_euros(self) -> float:
        return self.cost_cents / 100

    @property
    def planned_only_euros(self) -> float:
        return self.planned_only_cents / 100


@dataclass
class ServiceRow:
    year: int
    # None: the pooled row "other topics".
    topic: Topic | None
    # A kind key, or None for the sum of a year over all kinds.
    kind: str | None
    figures: ServiceFigures

    @property
    def interpreting(self) -> bool:
        found = kind(self.kind) if self.kind else None
        return found is not None and found.interpreting


@dataclass
class YearServices:
    year: int
    rows: list[ServiceRow] = field(default_factory=list)
    # Per kind over all topics of the year, where a kind has more than one row.
    kind_totals: list[ServiceRow] = field(default_factory=list)
    # All kinds (sessions and hours: of interpreting only).
    total: ServiceFigures = field(default_factory=ServiceFigures)


@dataclass
class ServiceCosts:
    offered: bool = True
    # The minimum of people a published row is built from.
    minimum: int = 0
    years: list[YearServices] = field(default_factory=list)
    total: ServiceFigures = field(default_factory=ServiceFigures)
    # Some services were needed by too few people to be published at all.
    left_out: bool = False

    @property
    def empty(self) -> bool:
        return not self.years

    @property
    def split_hidden(self) -> bool:
        return not self.total.split_shown


def _figures(kind_key: str, row) -> ServiceFigures:
    services, people, sessions, minutes, cost, planned_only, unpriced, *parts = row
    actual_services, actual_people, planned_services, planned_people, unpriced_people = parts
    found = kind(kind_key)
    # Sessions and hours are counted for interpreting only.
    interpreting = found is not None and found.interpreting
    return ServiceFigures(
        services=int(services or 0),
        people=int(people or 0),
        sessions=int(sessions or 0) if interpreting else 0,
        minutes=int(minutes or 0) if interpreting else 0,
        cost_cents=int(cost or 0),
        planned_only_cents=int(planned_only or 0),
        unpriced=int(unpriced or 0),
        actual_services=int(actual_services or 0),
        actual_people=int(actual_people or 0),
        planned_services=int(planned_services or 0),
        planned_people=int(planned_people or 0),
        unpriced_people=int(unpriced_people or 0),
    )


def publish(
    cells: dict[int, dict[str, dict[int, ServiceFigures]]],
    topics: dict[int, Topic],
    minimum: int,
) -> ServiceCosts:
    """Publish (year -> kind -> topic id -> figures) by the rules above."""
    table = ServiceCosts(minimum=minimum)
    order = {key: index for index, key in enumerate(KIND_KEYS)}
    for year in sorted(cells):
        published = YearServices(year)
        for kind_key in sorted(cells[year], key=lambda key: (order.get(key, 99), key)):
            per_topic = cells[year][kind_key]
            shown, other = publish_year(
                {topic_id: figures.people for topic_id, figures in per_topic.items()}, minimum
            )
            pooled = ServiceFigures()
            for topic_id, figures in per_topic.items():
                if topic_id not in shown:
                    pooled.add(figures)
                else:
                    figures.split_shown = figures.split_is_safe(minimum)
            pooled.split_shown = pooled.split_is_safe(minimum)
            if pooled.services and not other:
                table.left_out = True
            rows = [
                ServiceRow(year, topics[topic_id], kind_key, per_topic[topic_id])
                for topic_id in shown
            ]
            rows.sort(key=lambda row: (row.topic.position, row.topic.id) if row.topic else (0, 0))
            if other:
                rows.append(ServiceRow(year, None, kind_key, pooled))
            if not rows:
                continue
            kind_total = ServiceFigures()
            for row in rows:
                kind_total.add(row.figures)
            published.rows += rows
            if len(rows) > 1:
                published.kind_totals.append(ServiceRow(year, None, kind_key, kind_total))
            published.total.add(kind_total)
        if published.rows:
            table.years.append(published)
            table.total.add(published.total)
    return table


def only_topic(table: ServiceCosts, topic_key: str) -> ServiceCosts:
    """The published rows of one topic, with totals over those rows only."""
    picked = ServiceCosts(minimum=table.minimum, left_out=table.left_out)
    for year in table.years:
        rows = [row for row in year.rows if row.topic is not None and row.topic.key == topic_key]
        if not rows:
            continue
        published = YearServices(year.year, rows=rows)
        for row in rows:
            published.total.add(row.figures)
        picked.years.append(published)
        picked.total.add(published.total)
    return picked


def service_costs(held, *, offered: bool, topic_key: str | None, minimum: int) -> ServiceCosts:
    """The provided services of the held seminars (``held``: every topic, all formats) by
    year, topic and kind, published per the rules above."""
    if not offered:
        return ServiceCosts(offered=False, minimum=minimum)
    cost = func.coalesce(ServiceTask.actual_cost_cents, ServiceTask.planned_cost_cents)
    actual = ServiceTask.actual_cost_cents.is_not(None)
    planned_only = ServiceTask.actual_cost_cents.is_(None) & ServiceTask.planned_cost_cents.is_not(
        None
    )
    rows = db.session.execute(
        select(
            held.c.year,
            held.c.topic_id,
            ServiceTask.kind,
            func.count(ServiceTask.id),
            func.sum(ServiceTask.peak_people),
            func.sum(ServiceTask.sessions),
            func.sum(ServiceTask.minutes),
            func.sum(cost),
            func.sum(ServiceTask.planned_cost_cents).filter(planned_only),
            func.count(ServiceTask.id).filter(cost.is_(None)),
            func.count(ServiceTask.id).filter(actual),
            func.sum(ServiceTask.peak_people).filter(actual),
            func.count(ServiceTask.id).filter(planned_only),
            func.sum(ServiceTask.peak_people).filter(planned_only),
            func.sum(ServiceTask.peak_people).filter(cost.is_(None)),
        )
        .join(held, held.c.id == ServiceTask.seminar_id)
        .where(ServiceTask.status.in_(TASK_PROVIDED))
        .group_by(held.c.year, held.c.topic_id, ServiceTask.kind)
    ).all()
    cells: dict[int, dict[str, dict[int, ServiceFigures]]] = defaultdict(lambda: defaultdict(dict))
    for year, topic_id, kind_key, *figures in rows:
        cells[int(year)][kind_key][topic_id] = _figures(kind_key, figures)
    if not cells:
        return ServiceCosts(minimum=minimum)
    topics = {topic.id: topic for topic in db.session.scalars(select(Topic))}
    table = publish(cells, topics, minimum)
    return only_topic(table, topic_key) if topic_key else table
