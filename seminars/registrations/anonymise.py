"""Removing the personal data from registrations (retention and erasure).

What stays is what the figures need: seminar, county, status, times, attendance and the
pseudonymous person key. The records of reminders sent before each session go: no reminder is
due any more (the seminar has ended, or the person's registration was cancelled on erasure).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, literal, update

from seminars.extensions import db
from seminars.registrations.models import Registration, SessionReminder
from seminars.registrations.needs import NEED_KEYS


def anonymise(ids: list[int], now: datetime, *, person_key: str | None = None) -> None:
    """Blank names, addresses, phone, group, remarks, needs and the link of these rows.
    ``person_key`` replaces their key (erasure: one random value for the whole person)."""
    if not ids:
        return
    values = dict(
        first_name="",
        last_name="",
        email="",
        email_normalized=literal("anonymised-") + cast(Registration.id, String),
        phone="",
        address_extra="",
        street="",
        postcode="",
        city="",
        organisation="",
        remarks="",
        needs_other="",
        **dict.fromkeys(NEED_KEYS, False),
        token_hash=None,
        token_salt="",
        client_key=None,
        anonymised_at=now,
    )
    if person_key is not None:
        values["person_key"] = person_key
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(ids))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(SessionReminder)
        .where(SessionReminder.registration_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
