"""The reminder before a seminar: claimed once, then queued, however many runners race."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from seminars.core.changed_rows import changed_rows
from seminars.extensions import db
from seminars.registrations import mails
from seminars.registrations.models import Registration


def send_reminder_once(registration_id: int, *, now: datetime) -> bool:
    """Claim the reminder with a conditional update and queue its mail; a second runner's
    update finds nothing left to claim (False)."""
    claimed = changed_rows(
        update(Registration)
        .where(Registration.id == registration_id, Registration.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed:
        registration = db.session.get(Registration, registration_id)
        assert registration is not None  # the update above has just changed (and locked) it
        mails.queue(registration, mails.REMINDER)
    return bool(claimed)
