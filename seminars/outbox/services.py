"""Queueing and delivering outbox messages.

``queue_mail`` writes a row in the caller's transaction. After that transaction commits, the
request sends the rows it queued (``send_committed``, registered as an ``after_request``
hook) for at most ``MAIL_REQUEST_DEADLINE`` seconds together (0 in production: requests send
nothing); whatever is not sent there is left for ``flask outbox work`` (woken by the queuing
transaction's commit, ``wakeup.py``), ``flask outbox send`` and ``housekeeping``. Each message is
claimed just before it is sent and its result recorded only by the holder of that claim
(``claims.py``), so several senders never send it twice; a permanent refusal (5xx) is given
up at once, a temporary one (4xx, server down) retried with back-off.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_mail import BadHeaderError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox import claims, wakeup
from seminars.outbox.models import CHANNEL_EMAIL, STATUS_PENDING, STATUS_SENT, OutboxMessage
from seminars.outbox.refusals import describe, is_permanent
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
    # Left untried because the time for sending ran out (they stay due).
    deferred: int = 0
    # Why the mail server could not be reached or dropped the connection (empty: it could).
    connection_error: str = ""


def queue_mail(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Attachment] = (),
    registration_id: int | None = None,
    send_after_commit: bool = True,
    channel: str = CHANNEL_EMAIL,
) -> OutboxMessage:
    """Write a message to the outbox in the current transaction (flushes, never commits).
    With ``send_after_commit=False`` the request does not send it after its commit; the
    outbox worker does (when the time a request takes must not depend on the mail).
    A letter (``channel``) has the postal address as its recipient and waits in the print
    queue; a call has the phone number and waits on the call list: no sender takes either."""
    message = OutboxMessage(
        kind=kind,
        channel=channel,
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
    if channel == CHANNEL_EMAIL:
        wakeup.announce(db.session())
        if send_after_commit:
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
        event.listen(session_class, "after_transaction_end", wakeup.forget_announcement)
        event.listen(session_class, "after_soft_rollback", wakeup.forget_rolled_back)


def send_committed() -> DeliveryReport:
    """Send what this session queued and committed. Never raises: mail waits in the outbox."""
    ids = db.session.info.pop(_COMMITTED, [])
    seconds = float(current_app.config["MAIL_REQUEST_DEADLINE"])
    if not ids or seconds <= 0:
        return DeliveryReport()
    try:
        return deliver(ids=ids, deadline=time.monotonic() + seconds)
    except Exception:  # a request must never fail because mail could not go out now
        # Every claim and result is a unit of its own and rolled back where it failed.
        log.exception("sending right after commit failed; the outbox keeps the messages")
        return DeliveryReport()


def deliver(
    *,
    ids: Sequence[int] | None = None,
    limit: int = 200,
    transport: MailTransport | None = None,
    deadline: float | None = None,
    lease: timedelta | None = None,
) -> DeliveryReport:
    """Send due messages (or the given ones, when due) over one connection, each claimed just
    before it goes out; every claim and every result is a unit of its own (``claims.py``).
    With ``deadline`` (``time.monotonic()``) nothing waits on the mail server past it; what
    was not sent by then stays due for the next sender."""
    report = DeliveryReport()
    candidates = claims.due_ids(ids, utcnow(), limit)
    if not candidates:
        return report
    config = current_app.config
    lease = lease or timedelta(seconds=float(config["OUTBOX_LEASE_SECONDS"]))
    transport = transport or MailTransport.from_config(config)
    try:
        _send_each(candidates, transport, deadline, lease, report)
    except claims.DatabaseAway:
        # The mail went out, but the database cannot say so: the message stays claimed until
        # its lease runs out and is then sent again, with the same Message-ID.
        log.error(
            "the database stayed unreachable while recording sent mail; "
            "the outbox sends the message again after its lease"
        )
    return report


def _passed(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _send_each(
    candidates: Sequence[int],
    transport: MailTransport,
    deadline: float | None,
    lease: timedelta,
    report: DeliveryReport,
) -> None:
    remaining = list(candidates)
    held: claims.Claim | None = None
    try:
        with ExitStack() as stack:
            connection = None
            held = _claim_next(remaining, deadline, lease, report)
            while held is not None:
                if connection is None:
                    connection = stack.enter_context(transport.connect(deadline))
                try:
                    connection.send(held.message)
                except _MESSAGE_ERRORS as exc:
                    # This message is at fault (a refused address, say): the others still go.
                    report.failed += 1
                    report.given_up += claims.mark_failed(
                        held, describe(exc), utcnow(), permanent=is_permanent(exc)
                    )
                    held = _claim_next(remaining, deadline, lease, report)
                    continue
                held = _mark_sent_and_claim_next(held, remaining, deadline, lease, report)
    except (MailTransportError, smtplib.SMTPException, OSError) as exc:
        if held is None:
            log.warning("closing the mail connection failed (%s)", type(exc).__name__)
        elif _passed(deadline):
            log.warning("the time for sending mail ran out; the outbox keeps the rest")
            claims.release(held)
            report.deferred += 1
        else:
            log.warning(
                "mail delivery failed (%s); the outbox keeps the message", type(exc).__name__
            )
            report.failed += 1
            report.connection_error = describe(exc)
            report.given_up += claims.mark_failed(held, describe(exc), utcnow(), permanent=False)


def _claim_next(
    remaining: list[int], deadline: float | None, lease: timedelta, report: DeliveryReport
) -> claims.Claim | None:
    """Claim the next of ``remaining`` that is still due (taking it off the list); None when
    none is left, or the time for sending ran out (the rest stay due)."""
    while remaining:
        if _passed(deadline):
            report.deferred += len(remaining)
            remaining.clear()
            return None
        held = claims.claim(remaining.pop(0), utcnow(), lease)
        if held is not None:
            return held
        # another sender has it, or it went out meanwhile
    return None


def _mark_sent_and_claim_next(
    sent: claims.Claim,
    remaining: list[int],
    deadline: float | None,
    lease: timedelta,
    report: DeliveryReport,
) -> claims.Claim | None:
    """Record ``sent`` and, in the same transaction, claim the next message to send."""
    if not remaining or _passed(deadline):
        claims.mark_sent(sent, utcnow())
        report.sent += 1
        return _claim_next(remaining, deadline, lease, report)
    held = claims.mark_sent_and_claim(sent, utcnow(), remaining.pop(0), lease)
    report.sent += 1
    return held if held is not None else _claim_next(remaining, deadline, lease, report)


def waiting_count() -> int:
    """Messages still to be sent (due now or after their back-off)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == STATUS_PENDING, OutboxMessage.channel == CHANNEL_EMAIL)
        )
        or 0
    )


def forget_registrations(registration_ids: Sequence[int]) -> None:
    """Erasure: every message to these registrations goes, sent or not."""
    if registration_ids:
        db.session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(registration_ids))
            .execution_options(synchronize_session=False)
        )


# A letter or call that was never done when retention took the person's data: without an
# address or a text there is nothing left to print or to say.
OUTCOME_OBSOLETE = "obsolete"


def blank_registrations(registration_ids: Sequence[int]) -> None:
    """Retention: messages to these registrations keep only what they were and when; letters
    and calls still waiting leave the print queue and the call list as no longer needed."""
    if registration_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.registration_id.in_(registration_ids),
                OutboxMessage.channel != CHANNEL_EMAIL,
                OutboxMessage.status == STATUS_PENDING,
            )
            .values(status=STATUS_SENT, outcome=OUTCOME_OBSOLETE, sent_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.registration_id.in_(registration_ids))
            .values(**claims.BLANK)
            .execution_options(synchronize_session=False)
        )


def blank_subscriptions(subscription_ids: Sequence[int]) -> None:
    """An interest subscription ended (unsubscribed, erased, retention): its mails keep only
    what they were and when. One still waiting is not sent any more: it is done, as no longer
    needed (the address is gone)."""
    if subscription_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.subscription_id.in_(subscription_ids),
                OutboxMessage.status == STATUS_PENDING,
            )
            .values(status=STATUS_SENT, outcome=OUTCOME_OBSOLETE, sent_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.subscription_id.in_(subscription_ids))
            # The headers hold the unsubscribe link: no use once the subscription ended.
            .values(**claims.BLANK)
            .execution_options(synchronize_session=False)
        )
