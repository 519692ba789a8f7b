"""The whole audit log for administrators: filtered by who, what, when and which seminar,
newest first, a page at a time.

Filters come from the query string; a malformed value is dropped and reported, never an
error page. A page costs a constant number of queries, whatever its length (the rows are
worded by ``presentation.present``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.directory import directory
from seminars.audit.labels import ACTION_LABELS, action_label
from seminars.audit.models import AuditEntry
from seminars.audit.presentation import AuditRow, present
from seminars.core.timezone import berlin_to_utc
from seminars.extensions import db
from seminars.programme.models import Seminar

PER_PAGE = 50
MAX_PAGE = 100_000
SYSTEM = "system"


@dataclass(frozen=True)
class LogFilters:
    actor: int | str | None = None  # a user id, or SYSTEM for entries without an actor
    action: str | None = None
    seminar: int | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1

    @property
    def active(self) -> bool:
        return any(
            value is not None
            for value in (self.actor, self.action, self.seminar, self.since, self.until)
        )

    def query_args(self, **changes) -> dict[str, str | int]:
        state = replace(self, **changes)
        args: dict[str, str | int] = {}
        if state.actor is not None:
            args["actor"] = state.actor
        if state.action:
            args["action"] = state.action
        if state.seminar is not None:
            args["seminar"] = state.seminar
        if state.since:
            args["since"] = state.since.isoformat()
        if state.until:
            args["until"] = state.until.isoformat()
        if state.page != 1:
            args["page"] = state.page
        return args


@dataclass(frozen=True)
class LogPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class LogChoices:
    actors: list[tuple[str, str]]
    actions: list[tuple[str, str]]
    seminars: list[tuple[int, str]]


@dataclass
class _Reader:
    args: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def text(self, name: str) -> str:
        return (self.args.get(name) or "").strip()[:100]

    def number(self, name: str, problem) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        if raw.isdigit() and len(raw) <= 9 and int(raw) > 0:
            return int(raw)
        self.problems.append(str(problem))
        return None

    def day(self, name: str, problem) -> date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or not 1900 < value.year < 3000:
            self.problems.append(str(problem))
            return None
        return value


def read_filters(args: Mapping[str, str]) -> tuple[LogFilters, list[str]]:
    """The filters in ``args`` and what could not be read (as sentences for the page)."""
    reader = _Reader(args)
    actor: int | str | None = None
    if reader.text("actor") == SYSTEM:
        actor = SYSTEM
    else:
        actor = reader.number("actor", _l("Die gewählte Person ist unbekannt."))
    action = reader.text("action") or None
    seminar = reader.number("seminar", _l("Das gewählte Seminar ist unbekannt."))
    since = reader.day("since", _l("„Von“ ist kein Datum der Form 2027-03-14."))
    until = reader.day("until", _l("„Bis“ ist kein Datum der Form 2027-03-14."))
    if since and until and until < since:
        reader.problems.append(str(_l("„Bis“ liegt vor „Von“: das Datum „Bis“ gilt nicht.")))
        until = None
    raw_page = reader.text("page")
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) <= 6 else 1
    page = min(max(page, 1), MAX_PAGE)
    return LogFilters(actor, action, seminar, since, until, page), reader.problems


def _where(filters: LogFilters) -> list:
    conditions = []
    if filters.actor == SYSTEM:
        conditions += [AuditEntry.actor_id.is_(None), AuditEntry.actor_email == ""]
    elif filters.actor is not None:
        conditions.append(AuditEntry.actor_id == filters.actor)
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.seminar is not None:
        conditions.append(AuditEntry.seminar_id == filters.seminar)
    if filters.since:
        conditions.append(AuditEntry.at >= berlin_to_utc(filters.since, time(0, 0)))
    if filters.until:
        end = berlin_to_utc(filters.until + timedelta(days=1), time(0, 0))
        conditions.append(AuditEntry.at < end)
    return conditions


def search(filters: LogFilters, *, per_page: int | None = None) -> LogPage:
    """One page of matching entries, newest first, worded for an administrator."""
    per_page = per_page or PER_PAGE
    conditions = _where(filters)
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    total = int(total or 0)
    pages = max(1, -(-total // per_page))
    page = min(filters.page, pages)
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return LogPage(present(entries, show_people=True), total, page, pages)


def choices() -> LogChoices:
    """What the filters offer: who and which seminars appear in the log, every action."""
    actor_ids = {
        actor_id
        for actor_id in db.session.scalars(select(AuditEntry.actor_id).distinct())
        if actor_id is not None
    }
    names = directory().user_names(actor_ids)
    actors = sorted(
        ((str(i), names.get(i) or f"#{i}") for i in actor_ids), key=lambda a: a[1].casefold()
    )
    used = set(db.session.scalars(select(AuditEntry.action).distinct()))
    actions = sorted(
        ((action, action_label(action)) for action in set(ACTION_LABELS) | used),
        key=lambda a: a[1].casefold(),
    )
    seminars = [
        (i, f"{code} – {title}")
        for i, code, title in db.session.execute(
            select(Seminar.id, Seminar.code, Seminar.title)
            .where(Seminar.id.in_(select(AuditEntry.seminar_id).distinct()))
            .order_by(Seminar.code)
        )
    ]
    return LogChoices(actors, actions, seminars)
