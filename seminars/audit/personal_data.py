"""What the audit log holds about a person, for privacy (``privacy/services.py``): entries
about a registration. Same three functions as ``registrations/personal_data.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from seminars.audit import services
from seminars.audit.models import AuditEntry
from seminars.extensions import db


def export(registration_ids: Sequence[int]) -> dict[int, dict]:
    result: dict[int, dict] = {}
    for registration_id in registration_ids:
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.registration_id == registration_id)
            .order_by(AuditEntry.id)
        ).all()
        result[registration_id] = {
            "audit_entries": [
                {"action": e.action, "at": _iso(e.at), "before": e.before, "after": e.after}
                for e in entries
            ]
        }
    return result


def erase(registrations: Sequence, *, now: datetime) -> None:
    """Nothing beyond anonymising: the entries stay, without their values."""


def anonymise(
    registration_ids: Sequence[int], *, now: datetime, person_key: str | None = None
) -> None:
    """Entries keep who did what and when, not the values."""
    services.blank_for_registrations(list(registration_ids))


def _iso(value):
    return value.isoformat() if value else None
