"""Calls done: how a call on the call list is closed, and which calls are open.

A call (an outbox row with channel "call") stays pending until staff reached the person;
then it is done like a sent mail: status "sent", ``sent_at``, who made it (``done_by_id``),
what came of it (``outcome``), and no number and no text left (``claims.BLANK``). A call
nobody answered stays on the list and counts the attempt. For a seat offer the answer on the
phone is the person's answer: accepted or declined through ``allocation``, as on the personal
page; a seat nobody answered for moves on when the offer runs out (``allocation.expire_due``).
The mail those answers produce (confirmation, cancellation) would be one more call: staff
said it on the phone already, so it is done at once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError
from seminars.extensions import db
from seminars.outbox import done
from seminars.outbox.claims import BLANK
from seminars.outbox.models import CHANNEL_CALL, STATUS_PENDING, OutboxMessage
from seminars.registrations import mails
from seminars.registrations.message_kinds import message_kind_label
from seminars.registrations.models import Registration

ACCEPTED = "accepted"
DECLINED = "declined"
NOT_REACHED = "not_reached"
TOLD = "told"
# Staff booked the person on the phone and told them there and then.
TOLD_AT_BOOKING = "told_at_booking"
# The call had nothing left to say (the offer ran out or was answered online).
OBSOLETE = "obsolete"

OFFER_OUTCOMES = (ACCEPTED, DECLINED, NOT_REACHED)
OTHER_OUTCOMES = (TOLD, NOT_REACHED)

OUTCOME_LABELS = {
    ACCEPTED: _l("Angenommen"),
    DECLINED: _l("Abgelehnt"),
    NOT_REACHED: _l("Nicht erreicht"),
    TOLD: _l("Erledigt"),
    TOLD_AT_BOOKING: _l("Bei der Anmeldung gesagt"),
    OBSOLETE: _l("Nicht mehr nötig"),
}

# What a call is about, in words (the same words as the print queue).
kind_label = message_kind_label


def audit_value_text(action: str, name: str, value) -> str | None:
    """Words for the values the call entries record (the audit log asks, see
    ``audit/directory.py``); None for anything else."""
    if not action.startswith(("call.", "registration.offer_answered")):
        return None
    if name == "kind":
        return kind_label(str(value))
    if name in ("outcome", "answer"):
        return str(OUTCOME_LABELS.get(str(value), value))
    return None


class CallNotOpen(DomainError):
    status_code = 409
    default_message = _l("Dieser Anruf ist schon erledigt.")


def outcomes_for(kind: str) -> tuple[str, ...]:
    """The answers staff can record for a call of ``kind``."""
    return OFFER_OUTCOMES if kind in mails.OFFER_KINDS else OTHER_OUTCOMES


def finish(message: OutboxMessage, outcome: str, *, actor: Actor | None, now: datetime) -> bool:
    """Mark one call done with ``outcome``; staff (``actor``) are in the audit log.

    A conditional update (``outbox.done.mark_done``): of two people who mark the same call at
    once, one changes it and is recorded (True); the other finds it done, or gone, and
    nothing is written (False)."""
    kind, registration_id = message.kind, message.registration_id
    marked = done.mark_done(
        message.id,
        channel=CHANNEL_CALL,
        done_by_id=getattr(actor, "id", None),
        now=now,
        outcome=outcome,
    )
    if not marked:
        return False
    db.session.expire(message, _MARKED)
    if actor is not None:
        record(
            actor,
            "call.done",
            registration=_registration(registration_id),
            after={"kind": kind, "outcome": outcome},
        )
    db.session.flush()
    return True


# What marking a call done changes in its row: the session's copy reloads them.
_MARKED = ["status", "sent_at", "done_by_id", "outcome", *BLANK]


def count_attempt(message: OutboxMessage) -> int | None:
    """Nobody answered the open call: count the attempt in one conditional update (no
    attempt is lost when two people count at once). The number of attempts now, or None
    when the call is done already or gone."""
    attempts = done.count_attempt(message.id, channel=CHANNEL_CALL, outcome=NOT_REACHED)
    if attempts is None:
        return None
    db.session.expire(message, ["attempts", "outcome"])
    return attempts


def registration_of(message: OutboxMessage) -> Registration | None:
    return _registration(message.registration_id)


def _registration(registration_id: int | None) -> Registration | None:
    if registration_id is None:
        return None
    return db.session.get(Registration, registration_id)


def open_calls(registration_id: int, *, after_id: int = 0, kinds=None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(
        OutboxMessage.registration_id == registration_id,
        OutboxMessage.channel == CHANNEL_CALL,
        OutboxMessage.status == STATUS_PENDING,
        OutboxMessage.id > after_id,
    )
    if kinds is not None:
        stmt = stmt.where(OutboxMessage.kind.in_(kinds))
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id)))


def last_message_id(registration_id: int) -> int:
    """A mark: the calls written for the registration after it are new."""
    found = db.session.scalar(
        select(func.max(OutboxMessage.id)).where(OutboxMessage.registration_id == registration_id)
    )
    return found or 0


def told_on_the_phone(
    registration_id: int, *, after_id: int, outcome: str, actor: Actor | None, now: datetime
) -> int:
    """Calls written for the registration after ``after_id`` (a booking's confirmation, an
    answer's confirmation) are done: staff were on the phone with the person. Seat offers stay
    open: they wait for an answer."""
    done = [
        message
        for message in open_calls(registration_id, after_id=after_id)
        if message.kind not in mails.OFFER_KINDS
    ]
    return sum(finish(message, outcome, actor=actor, now=now) for message in done)


def offer_calls_obsolete(registration_id: int, *, now: datetime) -> None:
    """The offer ended (answered, run out, cancelled): its open call has nothing to say."""
    for message in open_calls(registration_id, kinds=mails.OFFER_KINDS):
        finish(message, OBSOLETE, actor=None, now=now)
