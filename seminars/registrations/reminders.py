"""The reminder before a seminar: claimed once, then queued, however many runners race."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from seminars.extensions import db
from seminars.registrations import mails
from seminars.registrations.models import Registration


def send_reminder_once(registration_id: int, *, now: datetime) -> bool:
    """Claim the reminder with a conditional update and queue its mail; a second runner's
    update finds nothing left to claim (False)."""
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        mails.queue(db.session.get(Registration, registration_id), mails.REMINDER)
    return bool(claimed)
