"""The accessibility tasks as staff read them: by urgency, each with its seminar, first date,
owner and provider, loaded in one query whatever their number.

Urgency, most pressing first:

- ``overdue``: still to be arranged (open or requested) and the day to book it by has passed;
- ``due_soon``: still to be arranged, due within ``SERVICE_DUE_SOON_DAYS``;
- ``unneeded``: not closed, but nobody needs it any more (to be called off or closed);
- ``open``: still to be arranged, later;
- ``provided``: booked or confirmed;
- ``closed``: not needed or cancelled.

The rows count people, never name them: the registrations page shows who.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from seminars.accessibility.kinds import kind_label
from seminars.accessibility.labels import task_status_label
from seminars.accessibility.models import (
    TASK_CLOSED,
    TASK_ENGAGED,
    TASK_PENDING,
    TASK_PROVIDED,
    ServiceProvider,
    ServiceTask,
)
from seminars.accounts.models import User
from seminars.accounts.names import names_of
from seminars.audit.presentation import EMPTY, AuditRow, plain_text, present
from seminars.audit.presentation import Change as AuditChange
from seminars.audit.services import entries_for
from seminars.core.timezone import berlin_date
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession

URGENCIES = ("overdue", "due_soon", "unneeded", "open", "provided", "closed")
# What the start page lists: what must be done now, or has nobody to do it.
ATTENTION = ("overdue", "due_soon", "unneeded")
# Enough for every task of a year's programme; the list says when it shows fewer.
LIST_LIMIT = 500


@dataclass(frozen=True)
class TaskRow:
    task: ServiceTask
    seminar_id: int
    seminar_title: str
    seminar_code: str
    first_start: datetime | None
    ended: bool
    owner_name: str | None
    urgency: str

    @property
    def nobody_needs_it(self) -> bool:
        return self.task.people == 0 and self.task.waiting == 0

    @property
    def overdue(self) -> bool:
        return self.urgency == "overdue"

    @property
    def without_owner(self) -> bool:
        return self.task.owner_id is None


def urgency_of(task: ServiceTask, today: date, soon_days: int) -> str:
    nobody = task.people == 0 and task.waiting == 0
    if task.status in TASK_CLOSED:
        return "closed"
    if nobody:
        return "unneeded"
    if task.status in TASK_PENDING and task.due_on is not None:
        if task.due_on < today:
            return "overdue"
        if task.due_on <= today + timedelta(days=soon_days):
            return "due_soon"
    if task.status in TASK_PENDING:
        return "open"
    return "provided" if task.status in TASK_PROVIDED else "open"


def _sort_key(row: TaskRow) -> tuple:
    start = row.first_start
    return (
        URGENCIES.index(row.urgency),
        row.task.due_on or date.max,
        start is None,
        start.timestamp() if start is not None else 0.0,
        row.seminar_title,
        row.task.kind,
    )


def _statement():
    spans = (
        select(
            SeminarSession.seminar_id,
            func.min(SeminarSession.starts_at).label("first_start"),
            func.max(SeminarSession.ends_at).label("last_end"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    return (
        select(
            ServiceTask,
            Seminar.title,
            Seminar.code,
            spans.c.first_start,
            spans.c.last_end,
            User.name,
            User.email,
        )
        .join(Seminar, Seminar.id == ServiceTask.seminar_id)
        .outerjoin(spans, spans.c.seminar_id == ServiceTask.seminar_id)
        .outerjoin(User, User.id == ServiceTask.owner_id)
        .options(joinedload(ServiceTask.provider))
    ), spans


def _rows(stmt, now: datetime) -> list[TaskRow]:
    today = berlin_date(now)
    soon = int(current_app.config["SERVICE_DUE_SOON_DAYS"])
    rows = []
    for task, title, code, first_start, last_end, owner_name, owner_email in db.session.execute(
        stmt
    ).unique():
        rows.append(
            TaskRow(
                task=task,
                seminar_id=task.seminar_id,
                seminar_title=title,
                seminar_code=code,
                first_start=first_start,
                ended=last_end is not None and last_end <= now,
                owner_name=(owner_name or owner_email) if task.owner_id else None,
                urgency=urgency_of(task, today, soon),
            )
        )
    return sorted(rows, key=_sort_key)


def task_list(now: datetime, *, with_ended: bool = False) -> list[TaskRow]:
    """Every task of the seminars still to come or running (with ``with_ended``, of the
    ended ones too), most urgent first. One query."""
    stmt, spans = _statement()
    if not with_ended:
        stmt = stmt.where(or_(spans.c.last_end.is_(None), spans.c.last_end > now))
    return _rows(stmt.limit(LIST_LIMIT), now)


def needing_attention(now: datetime, limit: int = 30) -> list[TaskRow]:
    """For the start page: overdue, due soon, nobody needs it any more, or still to be
    arranged with nobody in charge; seminars not yet over. One query."""
    stmt, spans = _statement()
    nobody = and_(ServiceTask.people == 0, ServiceTask.waiting == 0)
    stmt = stmt.where(
        or_(spans.c.last_end.is_(None), spans.c.last_end > now),
        or_(
            ServiceTask.status.in_(TASK_PENDING),
            and_(nobody, ServiceTask.status.in_(TASK_ENGAGED)),
        ),
    )
    rows = [
        row
        for row in _rows(stmt.limit(LIST_LIMIT), now)
        if row.urgency in ATTENTION or row.without_owner
    ]
    return rows[:limit]


def tasks_of_seminar(seminar_id: int, now: datetime) -> list[TaskRow]:
    """The tasks of one seminar, most urgent first (the seminar's page). One query."""
    stmt, _spans = _statement()
    return _rows(stmt.where(ServiceTask.seminar_id == seminar_id), now)


def task_row(task_id: int, now: datetime) -> TaskRow | None:
    stmt, _spans = _statement()
    found = _rows(stmt.where(ServiceTask.id == task_id), now)
    return found[0] if found else None


# The fields of a task's change-log entries, in words.
LOG_FIELDS = {
    "status": _l("Stand"),
    "owner_id": _l("Zuständig"),
    "provider_id": _l("Anbieter"),
    "provider_text": _l("Anbieter (weitere Angaben)"),
    "planned_cost_cents": _l("Geplante Kosten"),
    "actual_cost_cents": _l("Tatsächliche Kosten"),
    "note": _l("Notiz"),
}


def task_log(task: ServiceTask) -> list[AuditRow]:
    """The change-log entries of one task, newest first, their values in words (states,
    names of owners and providers, amounts in euros). Four queries."""
    entries = [
        entry
        for entry in entries_for(seminar_id=task.seminar_id)
        if entry.action == "service_task.update"
        and task.kind in (_task_of(entry.before), _task_of(entry.after))
    ]
    rows = present(entries, show_people=False)
    ids = {
        name: {
            value
            for entry in entries
            for values in (entry.before, entry.after)
            if isinstance(values, dict)
            for value in [values.get(name)]
            if isinstance(value, int) and not isinstance(value, bool)
        }
        for name in ("owner_id", "provider_id")
    }
    owners = names_of(ids["owner_id"])
    providers = (
        dict(
            db.session.execute(
                select(ServiceProvider.id, ServiceProvider.name).where(
                    ServiceProvider.id.in_(ids["provider_id"])
                )
            ).all()
        )
        if ids["provider_id"]
        else {}
    )

    def text(name: str, value) -> str:
        if value is None or value == "":
            return EMPTY
        if name == "status":
            return task_status_label(str(value))
        if name in ("planned_cost_cents", "actual_cost_cents") and isinstance(value, int):
            return format_currency(value / 100, "EUR")
        if name == "owner_id":
            return owners.get(value) or _("Nr. %(id)s (nicht mehr vorhanden)", id=value)
        if name == "provider_id":
            return providers.get(value) or _("Nr. %(id)s (nicht mehr vorhanden)", id=value)
        return plain_text(value)

    worded = []
    for row, entry in zip(rows, entries, strict=True):
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        found = [
            AuditChange(
                label=str(label),
                before=text(name, before.get(name)),
                after=text(name, after.get(name)),
            )
            for name, label in LOG_FIELDS.items()
            if name in after and before.get(name) != after.get(name)
        ]
        worded.append(replace(row, changes=found))
    return worded


def audit_value_text(action: str, name: str, value) -> str | None:
    """Words for the values the change log records about tasks and providers (the log
    asks through its directory); None for everything else."""
    if value is None or value == "":
        return None
    if action == "service_task.update":
        if name == "status":
            return task_status_label(str(value))
        if name == "task":
            return kind_label(str(value))
        if name in ("planned_cost_cents", "actual_cost_cents") and isinstance(value, int):
            return format_currency(value / 100, "EUR")
    if action == "service_provider.save" and name == "kinds" and isinstance(value, str):
        return ", ".join(kind_label(key) for key in value.split(",") if key)
    return None


def _task_of(values) -> str | None:
    return values.get("task") if isinstance(values, dict) else None
