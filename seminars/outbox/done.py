"""Letters and calls that staff have done: printed and posted, or made.

Marking is a conditional update of one pending message of the channel: of two people who
mark the same letter at once, one changes it (True) and the other finds it done (False), so
each letter is recorded once. The message keeps its kind, subject, registration and times,
no address and no text (``claims.BLANK``), like a sent mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from seminars.core.changed_rows import changed_rows
from seminars.extensions import db
from seminars.outbox.claims import BLANK
from seminars.outbox.models import CHANNEL_EMAIL, STATUS_PENDING, STATUS_SENT, OutboxMessage

# A letter or call that has nothing left to say (the person left, the seminar was called off,
# the person now hears from us another way): it leaves the print queue and the call list.
OBSOLETE = "obsolete"


def mark_done(
    message_id: int, *, channel: str, done_by_id: int | None, now: datetime, outcome: str = ""
) -> bool:
    """Mark the pending message ``message_id`` of ``channel`` as done by ``done_by_id``;
    False when it is not (or no longer) pending on that channel."""
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.channel == channel,
            OutboxMessage.status == STATUS_PENDING,
        )
        .values(status=STATUS_SENT, sent_at=now, done_by_id=done_by_id, outcome=outcome, **BLANK)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(statement) == 1


def close_waiting(registration_id: int, *, now: datetime, channel: str | None = None) -> int:
    """Close the letters and calls (or those of ``channel``) still waiting for the
    registration as no longer needed, like a sent message without address and text.
    Returns how many."""
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.registration_id == registration_id,
            OutboxMessage.channel != CHANNEL_EMAIL,
            OutboxMessage.status == STATUS_PENDING,
        )
        .values(status=STATUS_SENT, sent_at=now, outcome=OBSOLETE, **BLANK)
        .execution_options(synchronize_session=False)
    )
    if channel is not None:
        statement = statement.where(OutboxMessage.channel == channel)
    return changed_rows(statement)


def count_attempt(message_id: int, *, channel: str, outcome: str) -> int | None:
    """One more attempt at the pending message ``message_id`` of ``channel`` (a call nobody
    answered), counted in the row itself so no attempt is lost when two count at once; the
    number of attempts now, or None when it is not (or no longer) pending on that channel."""
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.channel == channel,
            OutboxMessage.status == STATUS_PENDING,
        )
        .values(attempts=func.coalesce(OutboxMessage.attempts, 0) + 1, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(statement) != 1:
        return None
    return db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))


def correct_outcome(message_id: int, *, outcome: str) -> None:
    """Say what came of the message ``message_id`` this transaction marked done, once known."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == STATUS_SENT)
        .values(outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    changed_rows(statement)
