"""One outbox message at a time: claim it, then record what became of it.

A sender claims a message just before it sends it: a conditional update that succeeds for
one sender only and writes a random claim value and a lease (``OUTBOX_LEASE_SECONDS``). The
result (sent, failed, released) is recorded only where the claim value is still the one the
sender wrote, so a sender that lost its lease can never overwrite what another one did. A
sender that dies leaves the message claimed until the lease runs out; then any sender takes
it over. A sender working through several messages records one as sent and claims the next
in the same transaction (``mark_sent_and_claim``). Recording the result is retried for a few
seconds (``OUTBOX_RECORD_RETRY_SECONDS``) while the database is unreachable, so that a
restart of the database does not make a sent message go out again.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from seminars.core.changed_rows import changed_rows
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.outbox.models import (
    CHANNEL_EMAIL,
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENDING,
    STATUS_SENT,
    OutboxMessage,
)

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
# What a message keeps once it left: its kind, subject, registration and times, no address,
# no text (survey links and personal links must not stay readable in the database), and no
# headers (a List-Unsubscribe link would let anyone with a copy end a subscription).
BLANK = {"recipient": "", "body_text": "", "body_html": "", "attachments": [], "headers": {}}

T = TypeVar("T")


class DatabaseAway(Exception):
    """The database stayed unreachable while a result was to be recorded."""


@dataclass(frozen=True)
class Claim:
    message: OutboxMessage
    value: str


def due(now: datetime):
    """E-mail due to be sent (letters and calls are done by staff, never by a sender)."""
    return and_(
        OutboxMessage.channel == CHANNEL_EMAIL,
        or_(
            and_(OutboxMessage.status == STATUS_PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == STATUS_SENDING, OutboxMessage.locked_until < now),
        ),
    )


def due_ids(ids: Sequence[int] | None, now: datetime, limit: int) -> list[int]:
    """Candidates to send, oldest first; claiming each one decides who sends it."""
    stmt = select(OutboxMessage.id).where(due(now)).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    with unit():  # a short unit of its own: no transaction stays open while mail goes out
        found = list(db.session.scalars(stmt))
    return found


def claim(message_id: int, now: datetime, lease: timedelta) -> Claim | None:
    """Claim one due message for ``lease``; None when it is not due or another sender won."""
    # The claim is a unit of its own, committed before the (slow) sending, so that every
    # other sender sees at once that this message is taken.
    with unit():
        return _claim(message_id, now, lease)


def _claim(message_id: int, now: datetime, lease: timedelta) -> Claim | None:
    """The claim, in the current unit. The message comes back with it (RETURNING) and leaves
    the session: no transaction (and no pooled connection) waits on the mail server."""
    value = secrets.token_hex(16)
    message = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, due(now))
        .values(status=STATUS_SENDING, locked_until=now + lease, claim=value)
        .returning(OutboxMessage),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).one_or_none()
    if message is None:
        return None
    db.session.expunge(message)
    return Claim(message, value)


def _held(held: Claim):
    return and_(
        OutboxMessage.id == held.message.id,
        OutboxMessage.status == STATUS_SENDING,
        OutboxMessage.claim == held.value,
    )


def _record(values: dict, held: Claim) -> bool:
    """Write the result while the claim is still ours; False if another sender took over."""

    def write() -> bool:
        with unit():  # one unit: the result of one message
            return _write_result(values, held)

    return _retrying(write)


def _write_result(values: dict, held: Claim) -> bool:
    """The result, in the current unit, if the claim is still ours."""
    changed = changed_rows(
        update(OutboxMessage)
        .where(_held(held))
        .values(locked_until=None, claim=None, **values)
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        log.warning(
            "outbox message %d: the claim was lost before its result was recorded",
            held.message.id,
        )
    return changed == 1


def _retrying(write: Callable[[], T]) -> T:
    window = float(current_app.config["OUTBOX_RECORD_RETRY_SECONDS"])
    give_up_at = time.monotonic() + window
    pause = 0.1
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() + pause > give_up_at:
                raise DatabaseAway from exc
            log.warning(
                "database unreachable while recording a mail (%s); trying again",
                type(exc).__name__,
            )
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _sent(now: datetime) -> dict:
    content = {} if current_app.config["OUTBOX_KEEP_SENT_BODIES"] else BLANK
    return {"status": STATUS_SENT, "sent_at": now, "last_error": "", **content}


def mark_sent(held: Claim, now: datetime) -> bool:
    return _record(_sent(now), held)


def mark_sent_and_claim(held: Claim, now: datetime, next_id: int, lease: timedelta) -> Claim | None:
    """Record ``held`` as sent and claim the message ``next_id`` in one unit (one transaction
    a message instead of two, when a sender works through several). Each claim is still
    taken just before its message is sent, and each result written just after: if the
    database is away, nothing is claimed that could not be sent. Returns the new claim, or
    None when that message is not due or another sender won it."""

    def write() -> Claim | None:
        with unit():
            _write_result(_sent(now), held)
            return _claim(next_id, now, lease)

    return _retrying(write)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def mark_failed(held: Claim, error: str, now: datetime, *, permanent: bool) -> bool:
    """Record a failed attempt; returns True when the message is given up (now or after the
    last allowed attempt). A permanent refusal is given up at once."""
    attempts = held.message.attempts + 1
    give_up = permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    recorded = _record(
        {
            "status": STATUS_FAILED if give_up else STATUS_PENDING,
            "attempts": attempts,
            "next_attempt_at": now + backoff(attempts),
            "last_error": error[:500],
        },
        held,
    )
    return give_up and recorded


def release(held: Claim) -> bool:
    """Give the message back untried: due again for the next sender, no attempt counted."""
    return _record({"status": STATUS_PENDING}, held)
