"""Reminders before a seminar: claimed once, then queued, however many runners race.

The reminder before the first session is claimed on ``Registration.reminder_sent_at`` (as
it always was, so a single-session seminar behaves as before); the reminder before each
later session of a series is claimed by inserting its ``SessionReminder`` row, whose unique
pair lets exactly one runner in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from seminars.core.changed_rows import claim_once
from seminars.extensions import db
from seminars.programme.models import SeminarSession
from seminars.registrations import mails
from seminars.registrations.models import STATUS_CONFIRMED, Registration, SessionReminder


def send_reminder_once(registration_id: int, *, now: datetime) -> bool:
    """Claim the reminder before the first session with a conditional update and queue its
    mail; a second runner's update finds nothing left to claim (False)."""
    if not claim_once(Registration.reminder_sent_at, registration_id, now):
        return False
    registration = db.session.get(Registration, registration_id)
    assert registration is not None  # the update above has just changed (and locked) it
    mails.queue(registration, mails.REMINDER)
    return True


def send_session_reminder_once(registration_id: int, session_id: int, *, now: datetime) -> bool:
    """The reminder before a later session of a series: claimed by inserting its row (a
    second runner's insert finds the pair taken and inserts nothing: False), then queued."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status != STATUS_CONFIRMED:
        return False
    if not _claim(registration_id, session_id, now):
        return False
    session = db.session.get(SeminarSession, session_id)
    mails.queue(registration, mails.REMINDER, session=session)
    return True


def _claim(registration_id: int, session_id: int, now: datetime) -> bool:
    """Insert the pair unless it is there; on PostgreSQL a concurrent insert of the same pair
    waits for the other transaction and then inserts nothing. (Whether a row went in is read
    from RETURNING: an ORM insert reports no row count on PostgreSQL.)"""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    insert = postgresql.insert if postgres else sqlite.insert
    statement = (
        insert(SessionReminder)
        .values(registration_id=registration_id, session_id=session_id, sent_at=now)
        .on_conflict_do_nothing(index_elements=["registration_id", "session_id"])
        .returning(SessionReminder.id)
    )
    return db.session.execute(statement).first() is not None
