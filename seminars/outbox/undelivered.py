"""Mails that could not be delivered, as staff need to see them.

A failed message stays failed; it stops being an open problem once a later mail to the same
registration went out (staff corrected the address and sent the mail again, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from seminars.extensions import db
from seminars.outbox.models import STATUS_FAILED, STATUS_SENT, OutboxMessage


def _delivered_later():
    later = aliased(OutboxMessage)
    return exists().where(
        later.registration_id == OutboxMessage.registration_id,
        later.id > OutboxMessage.id,
        later.status == STATUS_SENT,
    )


def open_failure(since: datetime):
    """Failed mails to a registration, written since ``since``, with no later mail sent."""
    return and_(
        OutboxMessage.status == STATUS_FAILED,
        OutboxMessage.registration_id.is_not(None),
        OutboxMessage.created_at >= since,
        ~_delivered_later(),
    )


@dataclass(frozen=True)
class FailedMail:
    subject: str
    recipient: str
    reason: str
    written_at: datetime
    # A later mail to the same registration was delivered.
    delivered_later: bool


def failed_mails_of(registration_id: int) -> list[FailedMail]:
    rows = db.session.execute(
        select(OutboxMessage, _delivered_later())
        .where(
            OutboxMessage.registration_id == registration_id,
            OutboxMessage.status == STATUS_FAILED,
        )
        .order_by(OutboxMessage.id.desc())
    ).all()
    return [
        FailedMail(
            subject=message.subject,
            recipient=message.recipient,
            reason=message.last_error,
            written_at=message.created_at,
            delivered_later=bool(later),
        )
        for message, later in rows
    ]
