"""Queueing and delivering outbox messages.

``queue_mail`` writes a row in the caller's transaction. After that transaction commits, the
request sends the rows it queued (``send_committed``, registered as an ``after_request``
hook); whatever could not be sent is left for ``flask outbox send`` / ``housekeeping``, with
back-off. A message is claimed before it is sent, so several senders never send it twice:
on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, everywhere with a lease that runs out if a
sender dies.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import BadHeaderError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from seminars.core.locking import begin_write
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import (
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENDING,
    STATUS_SENT,
    OutboxMessage,
)
from seminars.outbox.smtp import MailTransport, MailTransportError

log = logging.getLogger(__name__)

# Errors that concern one message only; the connection is still good for the next.
_MESSAGE_ERRORS = (
    BadHeaderError,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    UnicodeError,
)

_QUEUED = "outbox_queued_ids"
_COMMITTED = "outbox_committed_ids"
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: str


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def queue_mail(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Attachment] = (),
    registration_id: int | None = None,
) -> OutboxMessage:
    """Write a message to the outbox in the current transaction (flushes, never commits)."""
    message = OutboxMessage(
        kind=kind,
        registration_id=registration_id,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[
            {"filename": a.filename, "content_type": a.content_type, "data": a.data}
            for a in attachments
        ],
        status=STATUS_PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_QUEUED, []).append(message.id)
    return message


def _after_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, [])
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def install_session_hooks(session_class) -> None:
    from sqlalchemy import event

    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)


def send_committed() -> DeliveryReport:
    """Send what this session queued and committed. Never raises: mail waits in the outbox."""
    ids = db.session.info.pop(_COMMITTED, [])
    if not ids:
        return DeliveryReport()
    try:
        return deliver(ids=ids)
    except Exception:  # a request must never fail because mail could not go out now
        log.exception("sending right after commit failed; the outbox keeps the messages")
        db.session.rollback()
        return DeliveryReport()


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == STATUS_PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == STATUS_SENDING, OutboxMessage.locked_until < now),
    )


def _claim(ids: Sequence[int] | None, now: datetime, limit: int) -> list[OutboxMessage]:
    begin_write()
    stmt = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    claimed_ids = list(db.session.scalars(stmt))
    if not claimed_ids:
        db.session.commit()
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed_ids), _due(now))
        .values(status=STATUS_SENDING, locked_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed_ids))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# What a message keeps once it left: its kind, subject, registration and times, no address,
# no text (survey links and personal links must not stay readable in the database).
_BLANK = {"recipient": "", "body_text": "", "body_html": "", "attachments": []}


def _mark_sent(message_id: int, now: datetime) -> None:
    begin_write()
    content = {} if current_app.config["OUTBOX_KEEP_SENT_BODIES"] else _BLANK
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=STATUS_SENT, sent_at=now, locked_until=None, last_error="", **content)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _mark_failed(message: OutboxMessage, error: str, now: datetime) -> bool:
    """Record a failed attempt; returns True when the message is given up."""
    begin_write()
    attempts = message.attempts + 1
    give_up = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(
            status=STATUS_FAILED if give_up else STATUS_PENDING,
            attempts=attempts,
            next_attempt_at=now + _backoff(attempts),
            locked_until=None,
            last_error=error[:500],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return give_up


def deliver(
    *, ids: Sequence[int] | None = None, limit: int = 200, transport: MailTransport | None = None
) -> DeliveryReport:
    """Claim due messages (or the given ones, when due) and send them over one connection."""
    report = DeliveryReport()
    now = utcnow()
    claimed = _claim(ids, now, limit)
    if not claimed:
        return report
    transport = transport or MailTransport.from_config(current_app.config)
    remaining = list(claimed)
    try:
        with transport.connect() as connection:
            while remaining:
                message = remaining[0]
                try:
                    connection.send(message)
                except _MESSAGE_ERRORS as exc:
                    # This message is at fault (a bad address, say): the others still go.
                    remaining.pop(0)
                    report.failed += 1
                    report.given_up += _mark_failed(message, _describe(exc), utcnow())
                    continue
                remaining.pop(0)
                _mark_sent(message.id, utcnow())
                report.sent += 1
    except (MailTransportError, smtplib.SMTPException, OSError) as exc:
        log.warning("mail delivery failed (%s); %d message(s) stay in the outbox",
                    type(exc).__name__, len(remaining))  # fmt: skip
        # The message that failed counts an attempt; the others were never tried.
        for index, message in enumerate(remaining):
            if index == 0:
                report.failed += 1
                report.given_up += _mark_failed(message, _describe(exc), utcnow())
            else:
                _release(message.id)
    return report


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _release(message_id: int) -> None:
    begin_write()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == STATUS_SENDING)
        .values(status=STATUS_PENDING, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def forget_registrations(registration_ids: Sequence[int]) -> None:
    """Erasure: every message to these registrations goes, sent or not."""
    if registration_ids:
        db.session.execute(
            OutboxMessage.__table__.delete().where(
                OutboxMessage.registration_id.in_(registration_ids)
            )
        )


def blank_registrations(registration_ids: Sequence[int]) -> None:
    """Retention: messages to these registrations keep only what they were and when."""
    if registration_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(registration_ids))
            .values(**_BLANK)
            .execution_options(synchronize_session=False)
        )
