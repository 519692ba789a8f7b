"""The people of registrations, by name, for lists that mention them (the audit log)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from seminars.extensions import db
from seminars.registrations.models import Registration


def names_of(registration_ids: Collection[int]) -> dict[int, str]:
    """First and last name of each registration; "" once it is anonymised. One query."""
    if not registration_ids:
        return {}
    rows = db.session.execute(
        select(Registration.id, Registration.first_name, Registration.last_name).where(
            Registration.id.in_(set(registration_ids))
        )
    )
    return {
        registration_id: f"{first or ''} {last or ''}".strip()
        for registration_id, first, last in rows
    }
