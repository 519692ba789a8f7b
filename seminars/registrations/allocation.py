"""The one place that decides who holds a seat.

Every change of seat use goes through a function here: a new registration, a confirmation, a
cancellation, an accepted, declined or expired offer, an expired confirmation hold, a change of
capacity, a cancelled seminar. Each one

1. locks the seminar row (``lock_row``: ``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
   SQLite),
2. loads the seminar's active registrations fresh, inside the lock, and counts,
3. writes, and passes any freed seat on to the waitlist (``_offer_free_seats``), also the
   seats of holds and offers that it finds run out while it handles something else,
4. queues the mails the change promises, in the same transaction.

Who gets a free seat is decided by ``seats_to_offer`` alone: the consistency check and the
repair in ``housekeeping`` ask it too (``unserved_waitlist``, ``offer_free_seats``), so that
"a seat stays free while someone waits" means the same everywhere.

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

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy import false as sa_false
from sqlalchemy.exc import InvalidRequestError

from seminars.core.email_address import normalise_email
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import begin_write, lock_name, lock_row
from seminars.extensions import db
from seminars.outbox import done as outbox_done
from seminars.programme import availability as av
from seminars.programme.models import STATUS_CANCELLED as SEMINAR_CANCELLED
from seminars.programme.models import STATUS_PUBLISHED, Seminar, SeminarSession
from seminars.programme.queries import seminar_for_mails
from seminars.registrations import call_records, mails, tokens
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_POST
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
    queue_key,
    seats_expression,
)
from seminars.registrations.needs import needs_of
from seminars.registrations.person_key import key_without_email, person_key


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


@dataclass(frozen=True)
class Applicant:
    """What a volunteer (or staff on their behalf) enters; plain values only. The needs are
    those of ``needs.NEEDS`` (one field each, checked by the tests) and ``needs_other``."""

    first_name: str
    last_name: str
    email: str
    organisation: str = ""
    county: str | None = None
    phone: str = ""
    need_sign_language: bool = False
    need_speech_to_text: bool = False
    need_step_free: bool = False
    need_hearing_loop: bool = False
    need_personal_assistant: bool = False
    need_seat_near_screen: bool = False
    need_large_print: bool = False
    need_braille: bool = False
    need_easy_read: bool = False
    need_handouts_in_advance: bool = False
    need_dietary: bool = False
    needs_other: str = ""
    remarks: str = ""
    locale: str = "de"
    # How the person hears from the academy (``channels.py``), and where letters go.
    channel: str = CHANNEL_EMAIL
    address_extra: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def seats(self) -> int:
        return 2 if self.need_personal_assistant else 1


@dataclass
class SeatState:
    """The seminar's active registrations, counted inside the lock."""

    seminar: Seminar
    starts_at: datetime | None
    active: list[Registration] = field(default_factory=list)

    @property
    def seats_taken(self) -> int:
        return sum(r.seats for r in self.active if r.holds_seat)

    @property
    def free_seats(self) -> int:
        return self.seminar.capacity - self.seats_taken

    @property
    def queue(self) -> list[Registration]:
        """Everyone holding a waitlist place, confirmed or not: those staff moved ahead first,
        then in order of registration."""
        return sorted((r for r in self.active if r.on_waitlist), key=queue_key)


def _config_hours(name: str) -> timedelta:
    return timedelta(hours=current_app.config[name])


def _lock(seminar_id: int) -> SeatState:
    return _state_of(lock_seminar(seminar_id))


def lock_seminar(seminar_id: int) -> Seminar:
    """Take the seminar's lock (the one every seat change takes) before reading the seminar,
    for a caller that checks and changes it along with its seats (the planning form); the
    seat changes it asks for afterwards find that lock already held."""
    seminar = lock_row(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    return seminar


# What the seat decision reads of the seminar, read again inside the lock (and the version
# the mapper checks writes against).
_SEAT_COLUMNS = (
    "version",
    "status",
    "capacity",
    "waitlist_capacity",
    "registration_opens_at",
    "registration_closes_at",
)


def _lock_keeping_details(seminar_id: int) -> Seminar:
    """The seminar with what its mails show (title, sessions, venue) read before the lock,
    so that the lock is held for the seat decision and the writes only; what the decision
    depends on is read again under the lock."""
    begin_write()
    seminar = seminar_for_mails(seminar_id)
    try:
        db.session.refresh(seminar, attribute_names=_SEAT_COLUMNS, with_for_update=True)
    except InvalidRequestError as exc:  # deleted in between
        raise NotFoundError() from exc
    return seminar


def hold_seminar_lock(seminar_id: int) -> bool:
    """Take the seminar's row lock inside a transaction that already is a write transaction
    (a write request's, or one that has written): ``FOR UPDATE`` on PostgreSQL; on SQLite
    the write transaction holds the database's lock already. False if there is no seminar."""
    found = db.session.scalar(select(Seminar.id).where(Seminar.id == seminar_id).with_for_update())
    return found is not None


def _state_of(seminar: Seminar) -> SeatState:
    seminar_id = seminar.id
    starts_at = db.session.scalar(
        select(SeminarSession.starts_at)
        .where(SeminarSession.seminar_id == seminar_id)
        .order_by(SeminarSession.starts_at)
        .limit(1)
    )
    active = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.status.in_(ACTIVE_STATUSES))
            .order_by(Registration.id)
            .execution_options(populate_existing=True)
        )
    )
    return SeatState(seminar, starts_at, active)


def _lock_for_registration(registration_id: int) -> tuple[SeatState, Registration]:
    seminar_id = db.session.scalar(
        select(Registration.seminar_id).where(Registration.id == registration_id)
    )
    if seminar_id is None:
        raise NotFoundError()
    state = _lock(seminar_id)
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    ).one()
    return state, registration


def waitlist_position(state: SeatState, registration: Registration) -> int | None:
    for position, entry in enumerate(state.queue, start=1):
        if entry.id == registration.id:
            return position
    return None


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
        client_held = _unconfirmed_seats(Registration.client_key == client_key, now)
    if address_cap > 0 and email:
        lock_name("pending-address", email)
        address_held = _unconfirmed_seats(Registration.email_normalized == email, now)

    seminar = _lock_keeping_details(seminar_id)
    if seminar.status not in (STATUS_PUBLISHED, SEMINAR_CANCELLED):
        raise NotFoundError()
    if not applicant.email.strip() and not by_staff:
        raise NotPossible(_l("Bitte geben Sie Ihre E-Mail-Adresse an."), field="email")
    counted = None if by_staff else _counted_in_sql(seminar, email, now)
    if counted is None:
        # Seats behind run-out holds and offers are free again: they go to the waitlist
        # first, before the newcomer is counted.
        state = _state_of(seminar)
        _release_overdue(state, now)
        counted = _counted_from(state, email)
        if by_staff and counted.existing is not None:
            raise RegistrationClosed(
                _l("Diese Adresse ist für das Seminar schon angemeldet."), field="email"
            )
        if by_staff and email is None and _same_person_without_email(state, applicant):
            raise RegistrationClosed(
                _l("Eine Person mit diesem Namen ist für das Seminar schon angemeldet."),
                field="last_name",
            )
    existing = counted.existing
    if client_cap > 0 and not by_staff and _over_cap(client_held, applicant.seats, client_cap):
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
    if address_cap > 0 and email and _over_cap(address_held, applicant.seats, address_cap):
        waiting = _latest_unconfirmed(email, now)
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
        hold_expires_at=now + _config_hours("CONFIRMATION_HOURS"),
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


@dataclass(frozen=True)
class _Counted:
    """What a new registration is decided on, counted inside the seminar's lock."""

    seminar: Seminar
    starts_at: datetime | None
    seats_taken: int
    waiting: int
    existing: Registration | None

    @property
    def free_seats(self) -> int:
        return self.seminar.capacity - self.seats_taken


def _counted_from(state: SeatState, email: str | None) -> _Counted:
    existing = next((r for r in state.active if email and r.email_normalized == email), None)
    return _Counted(state.seminar, state.starts_at, state.seats_taken, len(state.queue), existing)


def _counted_in_sql(seminar: Seminar, email: str | None, now: datetime) -> _Counted | None:
    """The counts a new registration needs, in one aggregate query instead of loading every
    registration of the seminar, so that a rush holds the lock briefly. None when there is
    more to do first (a hold or offer has run out, or a free seat waits for someone on the
    waitlist): then the full state is loaded and put right (``_release_overdue``)."""
    overdue = or_(
        and_(Registration.status == STATUS_PENDING, Registration.hold_expires_at <= now),
        and_(Registration.status == STATUS_OFFERED, Registration.offer_expires_at <= now),
    )
    first_start = (
        select(func.min(SeminarSession.starts_at))
        .where(SeminarSession.seminar_id == seminar.id)
        .scalar_subquery()
    )
    same_address = Registration.email_normalized == email if email else sa_false()
    seats_taken, waiting, overdue_count, registered, starts_at = db.session.execute(
        select(
            func.coalesce(func.sum(case((Registration.holds_seat, seats_expression), else_=0)), 0),
            func.count().filter(Registration.on_waitlist),
            func.count().filter(overdue),
            func.count().filter(same_address),
            first_start,
        ).where(Registration.seminar_id == seminar.id, Registration.status.in_(ACTIVE_STATUSES))
    ).one()
    if overdue_count or (waiting and seminar.capacity - seats_taken > 0):
        return None
    existing = None
    if registered:
        existing = db.session.scalars(
            select(Registration)
            .where(
                Registration.seminar_id == seminar.id,
                Registration.status.in_(ACTIVE_STATUSES),
                Registration.email_normalized == email,
            )
            .order_by(Registration.id)
            .limit(1)
            .execution_options(populate_existing=True)
        ).first()
    return _Counted(seminar, starts_at, int(seats_taken), int(waiting), existing)


def _same_person_without_email(state: SeatState, applicant: Applicant) -> bool:
    """A staff booking without e-mail for a name (and phone or postcode) already active."""

    def same(r: Registration) -> bool:
        return (
            not r.email_normalized
            and r.first_name.casefold() == applicant.first_name.casefold()
            and r.last_name.casefold() == applicant.last_name.casefold()
            and (r.postcode, r.phone) == (applicant.postcode, applicant.phone)
        )

    return any(same(r) for r in state.active)


# -- the volunteer's own actions -----------------------------------------------------------


def confirm(registration_id: int, *, now: datetime) -> Registration:
    """Confirm the e-mail address: seat holders are confirmed, the others join the waitlist.

    A hold that has run out is expired here (its seat passed on) and returned as expired.
    """
    state, registration = _lock_for_registration(registration_id)
    if registration.status != STATUS_PENDING:
        return registration  # confirming twice changes nothing
    if _past(registration.hold_expires_at, now):
        return _expire_and_pass_on(state, registration, now)
    registration.confirmed_at = now
    registration.hold_expires_at = None
    registration.client_key = None  # kept only while unconfirmed
    if registration.holds_seat:
        registration.status = STATUS_CONFIRMED
        mails.queue(registration, mails.CONFIRMED)
    else:
        registration.status = STATUS_WAITLISTED
        db.session.flush()
        offered = _offer_free_seats(state, now)
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
    state, registration = _lock_for_registration(registration_id)
    if registration.status not in from_statuses:
        raise NotPossible(refusal)
    _leave(registration, STATUS_CANCELLED, now)
    mails.queue(registration, mails.CANCELLED_BY_YOU)
    db.session.flush()
    _offer_free_seats(state, now)
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
    state, registration = _lock_for_registration(registration_id)
    if registration.status != STATUS_OFFERED:
        raise NotPossible(_NO_OFFER)
    if _past(registration.offer_expires_at, now):
        return _expire_and_pass_on(state, registration, now)
    if nameless(registration):
        raise NotPossible(NAME_FIRST, field="first_name")
    old_dates = _old_dates(registration)
    if any(origin.status == STATUS_CONFIRMED for _state, origin in old_dates):
        raise NotPossible(SEAT_ON_EARLIER_DATE)
    _offer_ends(registration, now)
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
        old_state, origin = _lock_for_registration(origin_id)
        chain.append((old_state, origin))
        origin_id = origin.moved_from_id
    return chain


def _leave_old_date(state: SeatState, origin: Registration, now: datetime) -> None:
    """Someone took a place on a new date (``new_dates``): their registration for the old
    date ends, without a message of its own (the confirmation of the new date says so); a
    seat it held there (offered meanwhile) goes to the next person."""
    if origin.status not in ACTIVE_STATUSES:
        return
    _leave(origin, STATUS_CANCELLED, now)
    db.session.flush()
    _offer_free_seats(state, now)


def change_assistant(registration_id: int, wanted: bool, *, now: datetime) -> Registration:
    """The registrant comes with a personal assistant after all, or no longer. A held seat
    for the assistant is taken from the free seats (refused when none is free); a seat no
    longer needed goes to the waitlist."""
    state, registration = _lock_for_registration(registration_id)
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
        _offer_free_seats(state, now)
    return registration


# -- the clock and staff -------------------------------------------------------------------


def expire_due(seminar_id: int, *, now: datetime) -> int:
    """Expire run-out confirmation holds and seat offers of one seminar; pass seats on."""
    state = _lock(seminar_id)
    return _release_overdue(state, now)


def offer_free_seats(seminar_id: int, *, now: datetime) -> list[Registration]:
    """Offer the seminar's free seats to the waitlist, as every change of seats does; for
    ``housekeeping`` to repair a seminar where that did not happen (or could not yet: the
    start was moved later, the seminar published again)."""
    return _offer_free_seats(_lock(seminar_id), now)


def unserved_waitlist(seminar: Seminar, *, now: datetime) -> list[Registration]:
    """Who would be offered a seat now, read without a lock (for the consistency check):
    anyone here means a seat stays free while a confirmed person waits for it."""
    return [offer.registration for offer in seats_to_offer(_state_of(seminar), now)]


def change_capacity(seminar_id: int, capacity: int, *, now: datetime) -> list[Registration]:
    """More seats are offered to the waitlist; fewer never remove anyone, they stop new ones."""
    if capacity < 0:
        raise DomainError(_l("Die Zahl der Plätze darf nicht negativ sein."))
    state = _lock(seminar_id)
    state.seminar.capacity = capacity
    db.session.flush()
    return _offer_free_seats(state, now)


def move_ahead(registration_id: int, *, now: datetime) -> Registration:
    """Staff put someone first on the waitlist (the reason goes to the audit log); a free seat
    is offered to them at once."""
    state, registration = _lock_for_registration(registration_id)
    if registration not in state.queue:
        raise NotPossible(_l("Nur wer auf der Warteliste steht, kann vorgezogen werden."))
    priorities = [r.queue_priority for r in state.queue if r.queue_priority is not None]
    registration.queue_priority = min(priorities, default=0) - 1
    db.session.flush()
    _offer_free_seats(state, now)
    return registration


def cancel_seminar(seminar_id: int, *, now: datetime) -> int:
    """Cancel a seminar: everyone still registered is released and told."""
    state = _lock(seminar_id)
    state.seminar.status = SEMINAR_CANCELLED
    for registration in state.active:
        _leave(registration, STATUS_CANCELLED, now)
        mails.queue(registration, mails.SEMINAR_CANCELLED)
    db.session.flush()
    return len(state.active)


# -- internals -----------------------------------------------------------------------------


def _past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and deadline <= now


def _release_overdue(state: SeatState, now: datetime) -> int:
    """Expire run-out confirmation holds and seat offers and pass every free seat on."""
    expired = _expire_overdue(state, now)
    _offer_free_seats(state, now)
    return expired


def _expire_overdue(state: SeatState, now: datetime) -> int:
    overdue = [
        r
        for r in state.active
        if (r.status == STATUS_PENDING and _past(r.hold_expires_at, now))
        or (r.status == STATUS_OFFERED and _past(r.offer_expires_at, now))
    ]
    for registration in overdue:
        _expire(state, registration, now)
    return len(overdue)


def _leave(registration: Registration, status: str, now: datetime) -> None:
    """End the registration as cancelled or expired (stamped ``now``); it gives up its seat.
    Letters and calls still waiting for it are void: what comes next says it has ended."""
    _offer_ends(registration, now)
    outbox_done.close_waiting(registration.id, now=now)
    registration.status = status
    if status == STATUS_CANCELLED:
        registration.cancelled_at = now
    elif status == STATUS_EXPIRED:
        registration.expired_at = now
    registration.holds_seat = False
    registration.hold_expires_at = None
    registration.offer_expires_at = None
    registration.client_key = None


def _offer_ends(registration: Registration, now: datetime) -> None:
    """An offer is answered, runs out or is cancelled: a call still to make about it (phone
    registrations) has nothing left to say."""
    if registration.status == STATUS_OFFERED and registration.channel == CHANNEL_PHONE:
        call_records.offer_calls_obsolete(registration.id, now=now)


def _unconfirmed_seats(whose, now: datetime) -> int:
    """Seats and waitlist places that unconfirmed registrations matching ``whose`` hold now,
    in all seminars (holds that have run out no longer count, expired or not yet)."""
    return db.session.execute(
        select(func.coalesce(func.sum(seats_expression), 0)).where(*_unconfirmed(now), whose)
    ).scalar_one()


def _unconfirmed(now: datetime) -> tuple:
    """Unconfirmed registrations whose hold has not run out (expired or not yet)."""
    return (Registration.status == STATUS_PENDING, Registration.hold_expires_at > now)


def _over_cap(held: int, wanted: int, cap: int) -> bool:
    """Whoever holds nothing yet is never refused, so that one registration with a personal
    assistant always fits (a cap of 0 is off and never asked)."""
    return held > 0 and held + wanted > cap


def _latest_unconfirmed(email: str, now: datetime) -> Registration:
    return db.session.scalars(
        select(Registration)
        .where(*_unconfirmed(now), Registration.email_normalized == email)
        .order_by(Registration.id.desc())
        .limit(1)
    ).one()


def _expire(state: SeatState, registration: Registration, now: datetime) -> None:
    was_offer = registration.status == STATUS_OFFERED
    _leave(registration, STATUS_EXPIRED, now)
    state.active.remove(registration)
    if was_offer:
        mails.queue(registration, mails.OFFER_EXPIRED)
    db.session.flush()


def _expire_and_pass_on(
    state: SeatState, registration: Registration, now: datetime
) -> Registration:
    """A hold or an offer asked for after it ran out: it expires, and its seat is passed on."""
    _expire(state, registration, now)
    _offer_free_seats(state, now)
    return registration


# How long a freed seat is offered, by the registration's channel: a letter takes days to
# arrive and to be answered, a call needs someone to pick up the phone.
OFFER_HOURS_SETTING = {
    CHANNEL_EMAIL: "OFFER_HOURS",
    CHANNEL_POST: "POST_OFFER_HOURS",
    CHANNEL_PHONE: "PHONE_OFFER_HOURS",
}


def offer_hours(channel: str) -> timedelta:
    """How long a seat offered to a registration of ``channel`` is kept (before the cap)."""
    return _config_hours(OFFER_HOURS_SETTING.get(channel, "OFFER_HOURS"))


def offer_window(state: SeatState, now: datetime, channel: str = CHANNEL_EMAIL) -> datetime | None:
    """Until when a seat offered now to a registration of ``channel`` may be accepted, or None
    when too little time is left: the channel's window, never past the start."""
    if state.starts_at is None or state.seminar.status != STATUS_PUBLISHED:
        return None
    deadline = min(now + offer_hours(channel), state.starts_at)
    if deadline - now < _config_hours("OFFER_MIN_HOURS"):
        return None  # the seat stays free for staff to give to someone at the door
    return deadline


@dataclass(frozen=True)
class Offer:
    registration: Registration
    deadline: datetime


def seats_to_offer(state: SeatState, now: datetime) -> list[Offer]:
    """The offer rules: who on the waitlist gets a free seat now, and until when (each by
    their channel's window, ``offer_window``).

    Confirmed people, strictly in order; someone who needs two seats (with a personal
    assistant) and is first in line is not skipped: the seat waits until a second one is
    free, so nobody loses their turn. Nor is someone skipped whose window is too short
    (too little time left before the start): nobody behind them gets the seat either. The
    one exception: closer to the start than ``POST_OFFER_MIN_HOURS`` a letter cannot reach
    someone by post in time, so the seat goes to the next person (they keep their place).
    Changes nothing.
    """
    chosen: list[Offer] = []
    free = state.free_seats
    too_late_for_post = state.starts_at is not None and state.starts_at - now < _config_hours(
        "POST_OFFER_MIN_HOURS"
    )
    for registration in state.queue:
        if registration.status != STATUS_WAITLISTED:
            continue  # not confirmed yet: keeps the place, cannot take an offer
        if too_late_for_post and registration.channel == CHANNEL_POST:
            continue  # no letter arrives before the start: keeps the place
        if registration.seats > free:
            break
        deadline = offer_window(state, now, registration.channel)
        if deadline is None:
            break
        free -= registration.seats
        chosen.append(Offer(registration, deadline))
    return chosen


def _offer_free_seats(state: SeatState, now: datetime) -> list[Registration]:
    """Offer free seats to the people ``seats_to_offer`` names, and tell them."""
    state.active = [r for r in state.active if r.status in ACTIVE_STATUSES]
    offered = seats_to_offer(state, now)
    for offer in offered:
        registration = offer.registration
        registration.status = STATUS_OFFERED
        registration.holds_seat = True
        registration.offer_expires_at = offer.deadline
        registration.first_offered_at = registration.first_offered_at or now
        mails.queue(registration, mails.offer_kind(registration))
    db.session.flush()
    return [offer.registration for offer in offered]


# The internals ``new_dates`` (places on a new date of a full seminar) works with: the same
# lock, the same way of ending a registration, the same offer rules.
lock_state = _lock
lock_for_registration = _lock_for_registration
leave = _leave
offer_free_seats_of = _offer_free_seats
