"""What came of a call on the call list, and answers to seat offers given on the phone:
staff record them here (see ``call_records``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db
from seminars.outbox.done import correct_outcome, mark_done
from seminars.outbox.models import CHANNEL_CALL, STATUS_PENDING, OutboxMessage
from seminars.registrations import allocation, mails, seat_state
from seminars.registrations.call_records import (
    ACCEPTED,
    DECLINED,
    NOT_REACHED,
    OBSOLETE,
    TOLD,
    CallNotOpen,
    count_attempt,
    finish,
    last_message_id,
    open_calls,
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
    ``NOT_REACHED``. Refused for a call that is done already (or by someone else meanwhile)
    or whose offer no longer holds."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != CHANNEL_CALL:
        raise CallNotOpen(_l("Diesen Anruf gibt es nicht."))
    if message.status != STATUS_PENDING:
        raise CallNotOpen()
    kind = message.kind
    if outcome not in outcomes_for(kind):
        raise DomainError(_l("Bitte wählen Sie aus, was das Gespräch ergeben hat."))
    registration = registration_of(message)
    if kind in mails.OFFER_KINDS and (
        registration is None or registration.status != STATUS_OFFERED
    ):
        raise CallNotOpen(_l("Das Platzangebot gilt nicht mehr; der Anruf ist nicht mehr nötig."))
    if outcome == NOT_REACHED:
        attempts = count_attempt(message)
        if attempts is None:
            raise CallNotOpen()
        record(
            actor,
            "call.not_reached",
            registration=registration,
            after={"kind": kind, "attempts": attempts},
        )
        db.session.flush()
        return CallResult(NOT_REACHED, kind)
    if kind not in mails.OFFER_KINDS or registration is None:
        if not finish(message, TOLD, actor=actor, now=now):
            raise CallNotOpen()
        return CallResult(TOLD, kind)
    answered = answer_offer(registration.id, outcome, actor=actor, now=now, call_id=message.id)
    return CallResult(answered.answer, kind, status=answered.status)


@dataclass(frozen=True)
class OfferAnswer:
    # ACCEPTED, DECLINED, or OBSOLETE for an acceptance after the deadline (the offer expired).
    answer: str
    # The registration's status now.
    status: str


def answer_offer(
    registration_id: int,
    answer: str,
    *,
    actor: Actor | None,
    now: datetime,
    call_id: int | None = None,
) -> OfferAnswer:
    """The person answered their seat offer on the phone (``ACCEPTED`` or ``DECLINED``):
    as if they had answered on their personal page, whatever their channel. Staff record it
    on the call list (``call_id``, the offer's call) or on the registration's page.

    The offer's open call is the person's answer; the messages the answer writes go by the
    person's channel: a letter or a mail as usual, a call is done at once (staff said it on
    the phone). Accepted after the deadline, the offer expires instead (``allocation``)."""
    if answer not in (ACCEPTED, DECLINED):
        raise DomainError(_l("Bitte wählen Sie aus, was das Gespräch ergeben hat."))
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundError()
    # The seminar's lock first, as every seat change takes it, then the call: an offer that
    # ends inside that lock closes its call, in the same order.
    seat_state.lock_seminar(registration.seminar_id)
    db.session.refresh(registration)
    if registration.status != STATUS_OFFERED:
        raise CallNotOpen(_l("Für diese Anmeldung liegt kein Platzangebot vor."))
    if answer == ACCEPTED and allocation.nameless(registration):
        # A place from an interest list holds only the address: the confirmation, the
        # attendance list and the certificate need the name, which staff enter first.
        raise DomainError(
            _l(
                "Für diesen Platz fehlt noch der Name. Bitte tragen Sie zuerst Vor- und "
                "Nachnamen bei den Kontaktdaten ein und erfassen Sie dann die Zusage."
            )
        )
    offer_calls = (
        [call_id]
        if call_id is not None
        else [m.id for m in open_calls(registration_id, kinds=mails.OFFER_KINDS)]
    )
    # The open call is the answer: claimed before the seat moves (an offer's end closes its
    # calls as not needed any more).
    marked = [message_id for message_id in offer_calls if _claim(message_id, answer, actor, now)]
    if call_id is not None and not marked:
        raise CallNotOpen()  # someone else recorded the call meanwhile
    mark = last_message_id(registration_id)
    if answer == ACCEPTED:
        answered = allocation.accept_offer(registration_id, now=now)
    else:
        answered = allocation.decline_offer(registration_id, now=now)
    if answer == ACCEPTED and answered.status != STATUS_CONFIRMED:
        answer = OBSOLETE  # the deadline had passed: the offer expired, its seat went on
    for message_id in marked:
        _call_answered(message_id, answered, answer, actor)
    record(
        actor,
        "registration.offer_answered_by_phone",
        registration=answered,
        before={"status": STATUS_OFFERED},
        after={"status": answered.status, "answer": answer},
    )
    told_on_the_phone(registration_id, after_id=mark, outcome=TOLD, actor=actor, now=now)
    return OfferAnswer(answer, answered.status)


def _claim(message_id: int, answer: str, actor: Actor | None, now: datetime) -> bool:
    """Mark the open call ``message_id`` done with ``answer``; False when it was done (or
    removed) meanwhile."""
    return mark_done(
        message_id,
        channel=CHANNEL_CALL,
        done_by_id=getattr(actor, "id", None),
        now=now,
        outcome=answer,
    )


def _call_answered(
    message_id: int, registration: Registration, answer: str, actor: Actor | None
) -> None:
    """The claimed call's outcome is the answer as it turned out; staff made the call."""
    if answer == OBSOLETE:
        correct_outcome(message_id, outcome=answer)
    if actor is not None:
        record(
            actor,
            "call.done",
            registration=registration,
            after={"kind": mails.offer_kind(registration), "outcome": answer},
        )
    db.session.flush()
