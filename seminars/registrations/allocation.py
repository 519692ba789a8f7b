"""The one place that decides who holds a seat.

Every change of seat use goes through a function here (or, for places on a new date, in
``new_dates``): a new registration, a confirmation, a
cancellation, an accepted, declined or expired offer, an expired confirmation hold, a change of
capacity, a cancelled seminar. Each one

1. locks the seminar row and counts its active registrations inside the lock
   (``seat_state``; a new registration counts in one SQL aggregate, ``seat_counts``),
2. writes, and passes any freed seat on to the waitlist (``offers.offer_free_seats_of``),
   also the seats of holds and offers that it finds run out while it handles something else,
3. queues the mails the change promises, in the same transaction.

Who gets a free seat is decided by ``offers.seats_to_offer`` alone.

Functions flush but never commit: the caller commits once. The waitlist is served in order of
registration: by ``id``, which the database assigns at the insert, inside the lock, so it
follows the order in which the lock was granted (``created_at`` comes from the caller's clock
and may differ by microseconds between concurrent requests).

Unconfirmed registrations hold their seat or waitlist place for ``CONFIRMATION_HOURS`` only,
and one e-mail address (``PENDING_MAX_PER_ADDRESS``) or one client (``PENDING_MAX_PER_CLIENT``)
holds only a few unconfirmed seats and places at a time, across all seminars. A registration
with a personal assistant holds its two seats from the start (so the confirmation never has
to take a seat back that the first mail promised) and counts twice against these caps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from seminars.core.email_address import normalise_email
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_name
from seminars.extensions import db
from seminars.programme import availability as av
from seminars.programme.models import STATUS_CANCELLED as SEMINAR_CANCELLED
from seminars.programme.models import STATUS_PUBLISHED, Seminar
from seminars.registrations import mails, tokens
from seminars.registrations.applicant import Applicant
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
)
from seminars.registrations.needs import needs_of
from seminars.registrations.offers import (
    expire_and_pass_on,
    leave,
    offer_ends,
    offer_free_seats_of,
    release_overdue,
    seats_to_offer,
)
from seminars.registrations.person_key import key_without_email, person_key
from seminars.registrations.seat_counts import (
    counted_from,
    counted_in_sql,
    latest_unconfirmed,
    over_cap,
    same_person_without_email,
    unconfirmed_seats,
)
from seminars.registrations.seat_state import (
    SeatState,
    config_hours,
    lock_for_registration,
    lock_keeping_details,
    lock_state,
    past,
    state_of,
    waitlist_position,
)


class RegistrationClosed(DomainError):
    status_code = 409
    default_message = _l("Für dieses Seminar ist keine Anmeldung möglich.")


class NotPossible(DomainError):
    status_code = 409
    default_message = _l("Das ist bei dieser Anmeldung nicht (mehr) möglich.")


class TooManyUnconfirmed(DomainError):
    """The client (not the address: that would tell whether the address is registered) holds
    as many unconfirmed registrations as it may. Raised while a request is answered, so the
    message is translated at once."""

    status_code = 429

    def __init__(self, hours: int):
        super().__init__(
            ngettext(
                "Von Ihrem Internetanschluss aus warten schon mehrere Anmeldungen auf die "
                "Bestätigung. Bitte bestätigen Sie diese zuerst mit dem Link aus unserer E-Mail. "
                "Unbestätigte Anmeldungen verfallen nach %(num)d Stunde; danach ist eine neue "
                "Anmeldung möglich. Sie können sich auch telefonisch bei uns anmelden.",
                "Von Ihrem Internetanschluss aus warten schon mehrere Anmeldungen auf die "
                "Bestätigung. Bitte bestätigen Sie diese zuerst mit dem Link aus unserer E-Mail. "
                "Unbestätigte Anmeldungen verfallen nach %(num)d Stunden; danach ist eine neue "
                "Anmeldung möglich. Sie können sich auch telefonisch bei uns anmelden.",
                hours,
            )
        )


# -- registering -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    registration: Registration
    created: bool
    # True when the address already held as many unconfirmed seats as it may.
    over_cap: bool = False
    # The applicant would join the waitlist (decided before looking at the address, so the
    # answer is the same for a new registration and for an address that already has one).
    waitlisted: bool = False


def register(
    seminar_id: int,
    applicant: Applicant,
    *,
    now: datetime,
    by_staff: bool = False,
    client_key: str | None = None,
) -> RegisterResult:
    """Hold a seat (or a waitlist place) for a new, unconfirmed registration.

    An address that already has an active registration for the seminar gets no second one;
    its owner is mailed the existing link instead. Nor does an address that already holds
    ``PENDING_MAX_PER_ADDRESS`` unconfirmed seats or places: its owner is mailed the link of
    one of them, to confirm first. The caller shows the same answer in all three cases, and
    everything that can refuse before (closed, full) is decided without looking at the address.
    ``client_key`` (a pseudonym of the client address, from the view) caps a client's
    unconfirmed seats and places at ``PENDING_MAX_PER_CLIENT``; it is kept on the registration
    only while that is unconfirmed. Staff registering someone by phone (``by_staff``) need no
    e-mail confirmation: the registration is confirmed or waitlisted at once, outside the caps.
    """
    # Without e-mail (staff bookings only) the address rules do not apply.
    email = normalise_email(applicant.email) if applicant.email.strip() else None
    client_cap = current_app.config["PENDING_MAX_PER_CLIENT"] if client_key else 0
    address_cap = 0 if by_staff else current_app.config["PENDING_MAX_PER_ADDRESS"]
    # The caps count across seminars, which no seminar row covers: lock their names (always
    # in this order, before the seminar; only this function takes them) until the new
    # registration is written, and count before the seminar's lock, which is held briefly.
    client_held = address_held = 0
    if client_key and client_cap > 0 and not by_staff:
        lock_name("pending-client", client_key)
        client_held = unconfirmed_seats(Registration.client_key == client_key, now)
    if address_cap > 0 and email:
        lock_name("pending-address", email)
        address_held = unconfirmed_seats(Registration.email_normalized == email, now)

    seminar = lock_keeping_details(seminar_id)
    if seminar.status not in (STATUS_PUBLISHED, SEMINAR_CANCELLED):
        raise NotFoundError()
    if not applicant.email.strip() and not by_staff:
        raise NotPossible(_l("Bitte geben Sie Ihre E-Mail-Adresse an."), field="email")
    counted = None if by_staff else counted_in_sql(seminar, email, now)
    if counted is None:
        # Seats behind run-out holds and offers are free again: they go to the waitlist
        # first, before the newcomer is counted.
        state = state_of(seminar)
        release_overdue(state, now)
        counted = counted_from(state, email)
        if by_staff and counted.existing is not None:
            raise RegistrationClosed(
                _l("Diese Adresse ist für das Seminar schon angemeldet."), field="email"
            )
        if by_staff and email is None and same_person_without_email(state, applicant):
            raise RegistrationClosed(
                _l("Eine Person mit diesem Namen ist für das Seminar schon angemeldet."),
                field="last_name",
            )
    existing = counted.existing
    if client_cap > 0 and not by_staff and over_cap(client_held, applicant.seats, client_cap):
        raise TooManyUnconfirmed(current_app.config["CONFIRMATION_HOURS"])

    availability = av.availability_of(
        cancelled=seminar.status == SEMINAR_CANCELLED,
        capacity=seminar.capacity,
        seats_taken=counted.seats_taken,
        waiting=counted.waiting,
        waitlist_capacity=seminar.waitlist_capacity,
        opens_at=seminar.registration_opens_at,
        closes_at=seminar.registration_closes_at,
        starts_at=counted.starts_at,
        now=now,
    )
    if availability.state == av.NOT_YET_OPEN:
        raise RegistrationClosed(_l("Die Anmeldung für dieses Seminar ist noch nicht geöffnet."))
    if availability.state in (av.REGISTRATION_CLOSED, av.CANCELLED):
        raise RegistrationClosed()
    seat = counted.free_seats >= applicant.seats and not counted.waiting
    if not seat and counted.waiting >= seminar.waitlist_capacity:
        raise RegistrationClosed(_l("Das Seminar ist ausgebucht und die Warteliste ist voll."))
    if existing is not None:
        mails.queue(existing, mails.ALREADY_REGISTERED)
        return RegisterResult(existing, created=False, waitlisted=not seat)
    if address_cap > 0 and email and over_cap(address_held, applicant.seats, address_cap):
        waiting = latest_unconfirmed(email, now)
        mails.queue(waiting, mails.PENDING_LIMIT, requested=seminar.title)
        return RegisterResult(waiting, created=False, over_cap=True, waitlisted=not seat)

    registration = Registration(
        seminar_id=seminar.id,
        status=STATUS_PENDING,
        holds_seat=seat,
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        email=applicant.email.strip(),
        email_normalized=email,
        person_key=person_key(email) if email else key_without_email(applicant),
        phone=applicant.phone,
        channel=applicant.channel,
        address_extra=applicant.address_extra,
        street=applicant.street,
        postcode=applicant.postcode,
        city=applicant.city,
        organisation=applicant.organisation,
        county=applicant.county,
        locale=applicant.locale,
        **needs_of(applicant),
        remarks=applicant.remarks,
        consent_at=now,
        registered_by_staff=by_staff,
        token_salt=tokens.new_salt(),
        created_at=now,
        hold_expires_at=now + config_hours("CONFIRMATION_HOURS"),
        client_key=None if by_staff else client_key,
    )
    db.session.add(registration)
    db.session.flush()
    registration.token_hash = tokens.token_hash(
        tokens.token_for(registration.id, registration.token_salt)
    )
    db.session.flush()
    if by_staff:
        confirm(registration.id, now=now)
    else:
        mails.queue(registration, mails.CONFIRM_REQUEST)
    return RegisterResult(registration, created=True, waitlisted=not seat)


# -- the volunteer's own actions -----------------------------------------------------------


def confirm(registration_id: int, *, now: datetime) -> Registration:
    """Confirm the e-mail address: seat holders are confirmed, the others join the waitlist.

    A hold that has run out is expired here (its seat passed on) and returned as expired.
    """
    state, registration = lock_for_registration(registration_id)
    if registration.status != STATUS_PENDING:
        return registration  # confirming twice changes nothing
    if past(registration.hold_expires_at, now):
        return expire_and_pass_on(state, registration, now)
    registration.confirmed_at = now
    registration.hold_expires_at = None
    registration.client_key = None  # kept only while unconfirmed
    if registration.holds_seat:
        registration.status = STATUS_CONFIRMED
        mails.queue(registration, mails.CONFIRMED)
    else:
        registration.status = STATUS_WAITLISTED
        db.session.flush()
        offered = offer_free_seats_of(state, now)
        if registration not in offered:
            mails.queue(
                registration, mails.WAITLISTED, position=waitlist_position(state, registration)
            )
    db.session.flush()
    return registration


_NOT_ACTIVE = _l("Diese Anmeldung ist nicht mehr aktiv.")


_NO_OFFER = _l("Für diese Anmeldung liegt kein Platzangebot vor.")


NO_OFFER = _NO_OFFER


def cancel(registration_id: int, *, now: datetime) -> Registration:
    """The registrant withdraws; a seat they held goes to the waitlist."""
    return _withdraw(registration_id, ACTIVE_STATUSES, _NOT_ACTIVE, now=now)


def decline_offer(registration_id: int, *, now: datetime) -> Registration:
    """Declining an offered seat withdraws the registration; the seat goes to the next person."""
    return _withdraw(registration_id, (STATUS_OFFERED,), _NO_OFFER, now=now)


def _withdraw(
    registration_id: int, from_statuses: tuple[str, ...], refusal, *, now: datetime
) -> Registration:
    """Cancel at the registrant's wish, if the registration is in one of ``from_statuses``
    (else refuse with ``refusal``); a seat it held goes to the waitlist."""
    state, registration = lock_for_registration(registration_id)
    if registration.status not in from_statuses:
        raise NotPossible(refusal)
    leave(registration, STATUS_CANCELLED, now)
    mails.queue(registration, mails.CANCELLED_BY_YOU)
    db.session.flush()
    offer_free_seats_of(state, now)
    return registration


NAME_FIRST = _l(
    "Für diesen Platz fehlt noch der Name. Bitte geben Sie zuerst Vor- und Nachnamen an; "
    "dann kann der Platz bestätigt werden."
)


def nameless(registration: Registration) -> bool:
    """The registration came without a name (from an interest list) and has none yet."""
    return not ((registration.first_name or "").strip() and (registration.last_name or "").strip())


def accept_offer(registration_id: int, *, now: datetime) -> Registration:
    """Accept an offered seat. Refused while the registration has no name (a place from an
    interest list): a confirmation, attendance list and certificate need one. A place on a
    new date (``new_dates``) ends the registrations it was moved from; refused while one of
    them holds a confirmed seat (the person took a seat on the earlier date meanwhile)."""
    state, registration = lock_for_registration(registration_id)
    if registration.status != STATUS_OFFERED:
        raise NotPossible(_NO_OFFER)
    if past(registration.offer_expires_at, now):
        return expire_and_pass_on(state, registration, now)
    if nameless(registration):
        raise NotPossible(NAME_FIRST, field="first_name")
    old_dates = _old_dates(registration)
    if any(origin.status == STATUS_CONFIRMED for _state, origin in old_dates):
        raise NotPossible(SEAT_ON_EARLIER_DATE)
    offer_ends(registration, now)
    registration.status = STATUS_CONFIRMED
    registration.offer_expires_at = None
    mails.queue(registration, mails.CONFIRMED)
    db.session.flush()
    for old_state, origin in old_dates:
        _leave_old_date(old_state, origin, now)
    return registration


SEAT_ON_EARLIER_DATE = _l(
    "Für einen früheren Termin dieses Seminars besteht schon ein fester Platz. Wer lieber "
    "den neuen Termin möchte, sagt bitte zuerst den Platz am früheren Termin ab."
)


def _old_dates(registration: Registration) -> list[tuple[SeatState, Registration]]:
    """The registrations a place on a new date was moved from (``moved_from_id``: a new date
    of a new date goes back to the first one), each under its seminar's lock: newest first,
    as an older date always has the lower seminar id, so every path that locks several
    seminars takes them in descending order of id and none waits for another."""
    chain: list[tuple[SeatState, Registration]] = []
    seen = {registration.id}
    origin_id = registration.moved_from_id
    while origin_id is not None and origin_id not in seen:
        seen.add(origin_id)
        old_state, origin = lock_for_registration(origin_id)
        chain.append((old_state, origin))
        origin_id = origin.moved_from_id
    return chain


def _leave_old_date(state: SeatState, origin: Registration, now: datetime) -> None:
    """Someone took a place on a new date (``new_dates``): their registration for the old
    date ends, without a message of its own (the confirmation of the new date says so); a
    seat it held there (offered meanwhile) goes to the next person."""
    if origin.status not in ACTIVE_STATUSES:
        return
    leave(origin, STATUS_CANCELLED, now)
    db.session.flush()
    offer_free_seats_of(state, now)


def change_assistant(registration_id: int, wanted: bool, *, now: datetime) -> Registration:
    """The registrant comes with a personal assistant after all, or no longer. A held seat
    for the assistant is taken from the free seats (refused when none is free); a seat no
    longer needed goes to the waitlist."""
    state, registration = lock_for_registration(registration_id)
    if registration.status not in ACTIVE_STATUSES:
        raise NotPossible(_NOT_ACTIVE)
    if registration.need_personal_assistant == wanted:
        return registration
    if wanted and registration.holds_seat and state.free_seats < 1:
        raise NotPossible(
            _l(
                "Für eine persönliche Assistenz ist leider kein weiterer Platz frei. Bitte "
                "wenden Sie sich an die Akademie."
            ),
            field="need_personal_assistant",
        )
    registration.need_personal_assistant = wanted
    db.session.flush()
    if not wanted:
        offer_free_seats_of(state, now)
    return registration


# -- the clock and staff -------------------------------------------------------------------


def expire_due(seminar_id: int, *, now: datetime) -> int:
    """Expire run-out confirmation holds and seat offers of one seminar; pass seats on."""
    state = lock_state(seminar_id)
    return release_overdue(state, now)


def offer_free_seats(seminar_id: int, *, now: datetime) -> list[Registration]:
    """Offer the seminar's free seats to the waitlist, as every change of seats does; for
    ``housekeeping`` to repair a seminar where that did not happen (or could not yet: the
    start was moved later, the seminar published again)."""
    return offer_free_seats_of(lock_state(seminar_id), now)


def unserved_waitlist(seminar: Seminar, *, now: datetime) -> list[Registration]:
    """Who would be offered a seat now, read without a lock (for the consistency check):
    anyone here means a seat stays free while a confirmed person waits for it."""
    return [offer.registration for offer in seats_to_offer(state_of(seminar), now)]


def change_capacity(seminar_id: int, capacity: int, *, now: datetime) -> list[Registration]:
    """More seats are offered to the waitlist; fewer never remove anyone, they stop new ones."""
    if capacity < 0:
        raise DomainError(_l("Die Zahl der Plätze darf nicht negativ sein."))
    state = lock_state(seminar_id)
    state.seminar.capacity = capacity
    db.session.flush()
    return offer_free_seats_of(state, now)


def move_ahead(registration_id: int, *, now: datetime) -> Registration:
    """Staff put someone first on the waitlist (the reason goes to the audit log); a free seat
    is offered to them at once."""
    state, registration = lock_for_registration(registration_id)
    if registration not in state.queue:
        raise NotPossible(_l("Nur wer auf der Warteliste steht, kann vorgezogen werden."))
    priorities = [r.queue_priority for r in state.queue if r.queue_priority is not None]
    registration.queue_priority = min(priorities, default=0) - 1
    db.session.flush()
    offer_free_seats_of(state, now)
    return registration


def cancel_seminar(seminar_id: int, *, now: datetime) -> int:
    """Cancel a seminar: everyone still registered is released and told."""
    state = lock_state(seminar_id)
    state.seminar.status = SEMINAR_CANCELLED
    for registration in state.active:
        leave(registration, STATUS_CANCELLED, now)
        mails.queue(registration, mails.SEMINAR_CANCELLED)
    db.session.flush()
    return len(state.active)
