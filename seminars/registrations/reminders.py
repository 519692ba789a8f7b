"""The reminder before a seminar: claimed once, then queued, however many runners race."""

from __future__ import annotations

from datetime import datetime

from seminars.core.changed_rows import claim_once
from seminars.extensions import db
from seminars.registrations import mails
from seminars.registrations.models import Registration


def send_reminder_once(registration_id: int, *, now: datetime) -> bool:
    """Claim the reminder with a conditional update and queue its mail; a second runner's
    update finds nothing left to claim (False)."""
    if not claim_once(Registration.reminder_sent_at, registration_id, now):
        return False
    registration = db.session.get(Registration, registration_id)
    assert registration is not None  # the update above has just changed (and locked) it
    mails.queue(registration, mails.REMINDER)
    return True
