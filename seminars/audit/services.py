"""Writing and reading audit entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from seminars.audit.models import AuditEntry
from seminars.core.actor import Actor
from seminars.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(
    actor: Actor | None,
    action: str,
    *,
    seminar=None,
    registration=None,
    user=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """Add an entry in the current transaction. ``actor`` is a User or None (the system)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        seminar_id=getattr(seminar, "id", None) or getattr(registration, "seminar_id", None),
        registration_id=getattr(registration, "id", None),
        user_id=getattr(user, "id", None),
        before=_plain(before or {}),
        after=_plain(after or {}),
        note=note[:500],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def entries_for(*, seminar_id: int | None = None, registration_id: int | None = None):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(500)
    if seminar_id is not None:
        stmt = stmt.where(AuditEntry.seminar_id == seminar_id)
    if registration_id is not None:
        stmt = stmt.where(AuditEntry.registration_id == registration_id)
    return list(db.session.scalars(stmt))


def blank_for_registrations(registration_ids: list[int]) -> None:
    """Retention and erasure: entries about these registrations keep who did what and when,
    not the values (which held names, addresses and needs)."""
    if registration_ids:
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.registration_id.in_(registration_ids))
            .values(before={}, after={}, note="")
            .execution_options(synchronize_session=False)
        )
