"""What came of a call on the call list: staff record it here (see ``call_records``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError
from seminars.extensions import db
from seminars.outbox.models import CHANNEL_CALL, STATUS_PENDING, OutboxMessage
from seminars.registrations import allocation, mails
from seminars.registrations.call_records import (
    ACCEPTED,
    NOT_REACHED,
    OBSOLETE,
    TOLD,
    CallNotOpen,
    finish,
    last_message_id,
    outcomes_for,
    registration_of,
    told_on_the_phone,
)
from seminars.registrations.models import STATUS_CONFIRMED, STATUS_OFFERED, Registration


@dataclass(frozen=True)
class CallResult:
    outcome: str
    kind: str
    # After an answer to an offer: the registration's status now (an offer answered after
    # its deadline expired instead).
    status: str | None = None


def record_outcome(
    message_id: int, outcome: str, *, actor: Actor | None, now: datetime
) -> CallResult:
    """Record what came of the call ``message_id``: for a seat offer the person's answer
    (``ACCEPTED``/``DECLINED``) or ``NOT_REACHED``; for any other call ``TOLD`` or
    ``NOT_REACHED``. Refused for a call that is done already or whose offer no longer holds."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != CHANNEL_CALL:
        raise CallNotOpen(_l("Diesen Anruf gibt es nicht."))
    if message.status != STATUS_PENDING:
        raise CallNotOpen()
    if outcome not in outcomes_for(message.kind):
        raise DomainError(_l("Bitte wählen Sie aus, was das Gespräch ergeben hat."))
    registration = registration_of(message)
    if message.kind == mails.SEAT_OFFERED and (
        registration is None or registration.status != STATUS_OFFERED
    ):
        raise CallNotOpen(_l("Das Platzangebot gilt nicht mehr; der Anruf ist nicht mehr nötig."))
    if outcome == NOT_REACHED:
        message.attempts = (message.attempts or 0) + 1
        message.outcome = NOT_REACHED
        record(
            actor,
            "call.not_reached",
            registration=registration,
            after={"kind": message.kind, "attempts": message.attempts},
        )
        db.session.flush()
        return CallResult(NOT_REACHED, message.kind)
    if message.kind != mails.SEAT_OFFERED or registration is None:
        finish(message, TOLD, actor=actor, now=now)
        return CallResult(TOLD, message.kind)
    return _answer_offer(message, registration, outcome, actor=actor, now=now)


def _answer_offer(
    message: OutboxMessage,
    registration: Registration,
    answer: str,
    *,
    actor: Actor | None,
    now: datetime,
) -> CallResult:
    """The person answered the offer on the phone: as if they had answered online."""
    registration_id = registration.id
    mark = last_message_id(registration_id)
    if answer == ACCEPTED:
        answered = allocation.accept_offer(registration_id, now=now)
    else:
        answered = allocation.decline_offer(registration_id, now=now)
    if answer == ACCEPTED and answered.status != STATUS_CONFIRMED:
        answer = OBSOLETE  # the deadline had passed: the offer expired, its seat went on
    # The offer's end marked its call obsolete; it is the person's answer (or was too late).
    finish(message, answer, actor=actor, now=now)
    record(
        actor,
        "registration.offer_answered_by_phone",
        registration=answered,
        before={"status": STATUS_OFFERED},
        after={"status": answered.status, "answer": answer},
    )
    told_on_the_phone(registration_id, after_id=mark, outcome=TOLD, actor=actor, now=now)
    return CallResult(answer, message.kind, status=answered.status)
