"""The lifecycle of accessibility tasks: one task per seminar and kind of service.

``reconcile`` keeps the tasks of a seminar in step with its registrations and sessions: a
need creates the task (or joins it: the count goes up), a person leaving lowers the count,
and when nobody needs it any more the task says so (``unneeded_since``) instead of silently
staying. It runs for every seminar whose registrations or sessions a transaction changed,
just before that transaction commits (``watch.py``), so every path that registers, cancels,
expires or changes needs is covered without each calling it. Once a seminar has ended its
tasks stand still: retention may remove the people, the counts, dates, provider and costs
stay for the funder.

Staff own the rest (``update_task``): owner, status, provider, costs and note, each change
in the change log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from seminars.accessibility.kinds import KINDS, Kind, lead_days
from seminars.accessibility.models import (
    TASK_PENDING,
    TASK_STATUSES,
    ServiceProvider,
    ServiceTask,
)
from seminars.accessibility.providers import may_own
from seminars.audit.services import changes, record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_row
from seminars.core.timezone import berlin_date
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations import seat_state
from seminars.registrations.models import Registration


@dataclass(frozen=True)
class Change:
    """What ``reconcile`` found new about one task, for the alerts."""

    task: ServiceTask
    # People holding a seat who need it, before and now (0 before: the task is new).
    before: int
    now: int
    created: bool

    @property
    def arrived(self) -> bool:
        return self.now > self.before

    @property
    def last_left(self) -> bool:
        return self.before > 0 and self.now == 0 and self.task.waiting == 0


@dataclass(frozen=True)
class _Need:
    people: int = 0
    waiting: int = 0


def reconcile(seminar_id: int, *, now: datetime) -> list[Change]:
    """Bring the seminar's tasks in step with its registrations and sessions (locks the
    seminar; flushes). Returns the tasks that were created or whose count changed."""
    # The seminar's lock, as every seat change takes it (PostgreSQL). Called before a commit,
    # the transaction has written already: on SQLite it holds the database's write lock.
    if not seat_state.hold_seminar_lock(seminar_id):
        return []
    sessions = list(
        db.session.execute(
            select(SeminarSession.starts_at, SeminarSession.ends_at).where(
                SeminarSession.seminar_id == seminar_id
            )
        )
    )
    if sessions and max(ends for _, ends in sessions) <= now:
        return []  # over: the tasks keep what they recorded
    needs = _needs_of(seminar_id)
    tasks = {
        task.kind: task
        for task in db.session.scalars(
            select(ServiceTask).where(ServiceTask.seminar_id == seminar_id)
        )
    }
    first_start = min((starts for starts, _ in sessions), default=None)
    minutes = sum(int((ends - starts).total_seconds() // 60) for starts, ends in sessions)
    found: list[Change] = []
    for kind in KINDS:
        need = needs.get(kind.need, _Need())
        task = tasks.get(kind.key)
        if task is None:
            if not (need.people or need.waiting):
                continue
            task = ServiceTask(seminar_id=seminar_id, kind=kind.key, people=0, waiting=0)
            task.peak_people = 0
            db.session.add(task)
            created = True
        else:
            created = False
        before = task.people or 0
        task.people, task.waiting = need.people, need.waiting
        task.peak_people = max(task.peak_people or 0, need.people)
        task.sessions, task.minutes = len(sessions), minutes
        if task.status in TASK_PENDING or task.due_on is None:
            task.due_on = _due_on(kind, first_start)
        if need.people or need.waiting:
            task.unneeded_since = None
        elif task.unneeded_since is None:
            task.unneeded_since = now
        if created or before != need.people:
            found.append(Change(task=task, before=before, now=need.people, created=created))
    db.session.flush()
    return found


def _need_columns() -> list:
    columns = []
    for kind in KINDS:
        flag = getattr(Registration, kind.need)
        columns.append(func.sum(case((Registration.holds_seat & flag, 1), else_=0)))
        columns.append(func.sum(case((Registration.on_waitlist & flag, 1), else_=0)))
    return columns


def _needs_from(row) -> dict[str, _Need]:
    return {
        kind.need: _Need(people=int(row[2 * i] or 0), waiting=int(row[2 * i + 1] or 0))
        for i, kind in enumerate(KINDS)
    }


def _needs_of(seminar_id: int) -> dict[str, _Need]:
    """Per need key: the people holding a seat and those on the waitlist who need it."""
    row = db.session.execute(
        select(*_need_columns()).where(Registration.seminar_id == seminar_id)
    ).one()
    return _needs_from(row)


def seminars_out_of_step(now: datetime) -> list[int]:
    """Seminars that have not ended whose tasks do not match their registrations (a task
    missing, or a count that differs): what an older version or a bulk change left behind,
    for housekeeping to reconcile. Two queries, whatever the number of seminars."""
    last_end = (
        select(SeminarSession.seminar_id, func.max(SeminarSession.ends_at).label("ends_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    running = select(last_end.c.seminar_id).where(last_end.c.ends_at > now)
    counted = {
        row[0]: _needs_from(row[1:])
        for row in db.session.execute(
            select(Registration.seminar_id, *_need_columns())
            .where(Registration.seminar_id.in_(running))
            .group_by(Registration.seminar_id)
        )
    }
    recorded: dict[int, dict[str, tuple[int, int]]] = {}
    for seminar_id, kind_key, people, waiting in db.session.execute(
        select(
            ServiceTask.seminar_id, ServiceTask.kind, ServiceTask.people, ServiceTask.waiting
        ).where(ServiceTask.seminar_id.in_(running))
    ):
        recorded.setdefault(seminar_id, {})[kind_key] = (people, waiting)
    out = []
    for seminar_id in sorted(set(counted) | set(recorded)):
        needs = counted.get(seminar_id, {})
        known = recorded.get(seminar_id, {})
        for kind in KINDS:
            need = needs.get(kind.need, _Need())
            wanted = (need.people, need.waiting)
            if kind.key in known and known[kind.key] != wanted:
                out.append(seminar_id)
                break
            if kind.key not in known and wanted != (0, 0):
                out.append(seminar_id)
                break
    return out


def _due_on(kind: Kind, first_start: datetime | None) -> date | None:
    if first_start is None:
        return None
    return berlin_date(first_start) - timedelta(days=lead_days(kind.key, current_app.config))


def update_task(
    task_id: int,
    *,
    actor: Actor | None,
    status: str,
    owner_id: int | None,
    provider_id: int | None,
    provider_text: str,
    planned_cost_cents: int | None,
    actual_cost_cents: int | None,
    note: str,
    now: datetime,
) -> ServiceTask:
    """Staff's part of a task, in one go; every change goes into the change log."""
    task = lock_row(ServiceTask, task_id)
    if task is None:
        raise NotFoundError()
    if status not in TASK_STATUSES:
        raise DomainError(_l("Bitte wählen Sie einen der angebotenen Stände."), field="status")
    if owner_id is not None and owner_id != task.owner_id and not may_own(owner_id):
        raise DomainError(_l("Bitte wählen Sie eine Person aus der Liste."), field="owner_id")
    if provider_id is not None and db.session.get(ServiceProvider, provider_id) is None:
        raise DomainError(_l("Diesen Anbieter gibt es nicht (mehr)."), field="provider_id")
    for cents, field in ((planned_cost_cents, "planned_cost"), (actual_cost_cents, "actual_cost")):
        if cents is not None and cents < 0:
            raise DomainError(_l("Kosten können nicht negativ sein."), field=field)
    before = _staff_fields(task)
    task.status = status
    task.owner_id = owner_id
    task.provider_id = provider_id
    task.provider_text = provider_text.strip()
    task.planned_cost_cents = planned_cost_cents
    task.actual_cost_cents = actual_cost_cents
    task.note = note.strip()
    if before["status"] != status:
        task.status_changed_at = now
    old, new = changes(before, _staff_fields(task))
    if new:
        record(
            actor,
            "service_task.update",
            seminar=db.session.get(Seminar, task.seminar_id),
            before={"task": task.kind, **old},
            after={"task": task.kind, **new},
        )
    db.session.flush()
    return task


def _staff_fields(task: ServiceTask) -> dict:
    return {
        "status": task.status,
        "owner_id": task.owner_id,
        "provider_id": task.provider_id,
        "provider_text": task.provider_text,
        "planned_cost_cents": task.planned_cost_cents,
        "actual_cost_cents": task.actual_cost_cents,
        "note": task.note,
    }
