"""Who gets a freed seat, until when, and how a registration gives its seat up.

Who gets a free seat is decided by ``seats_to_offer`` alone: the seat changes
(``allocation``, ``new_dates``), the consistency check and the repair in ``housekeeping`` ask
it (through ``allocation.unserved_waitlist`` and ``allocation.offer_free_seats``), so that
"a seat stays free while someone waits" means the same everywhere. Everything here works on
a ``SeatState`` taken under the seminar's lock, and flushes but never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from seminars.extensions import db
from seminars.outbox import done as outbox_done
from seminars.programme.models import STATUS_PUBLISHED
from seminars.registrations import call_records, mails
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_POST
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CANCELLED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
)
from seminars.registrations.seat_state import SeatState, config_hours, past

# How long a freed seat is offered, by the registration's channel: a letter takes days to
# arrive and to be answered, a call needs someone to pick up the phone.
OFFER_HOURS_SETTING = {
    CHANNEL_EMAIL: "OFFER_HOURS",
    CHANNEL_POST: "POST_OFFER_HOURS",
    CHANNEL_PHONE: "PHONE_OFFER_HOURS",
}


def offer_hours(channel: str) -> timedelta:
    """How long a seat offered to a registration of ``channel`` is kept (before the cap)."""
    return config_hours(OFFER_HOURS_SETTING.get(channel, "OFFER_HOURS"))


def offer_window(state: SeatState, now: datetime, channel: str = CHANNEL_EMAIL) -> datetime | None:
    """Until when a seat offered now to a registration of ``channel`` may be accepted, or None
    when too little time is left: the channel's window, never past the start."""
    if state.starts_at is None or state.seminar.status != STATUS_PUBLISHED:
        return None
    deadline = min(now + offer_hours(channel), state.starts_at)
    if deadline - now < config_hours("OFFER_MIN_HOURS"):
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
    too_late_for_post = state.starts_at is not None and state.starts_at - now < config_hours(
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


def offer_free_seats_of(state: SeatState, now: datetime) -> list[Registration]:
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


def release_overdue(state: SeatState, now: datetime) -> int:
    """Expire run-out confirmation holds and seat offers and pass every free seat on."""
    expired = _expire_overdue(state, now)
    offer_free_seats_of(state, now)
    return expired


def _expire_overdue(state: SeatState, now: datetime) -> int:
    overdue = [
        r
        for r in state.active
        if (r.status == STATUS_PENDING and past(r.hold_expires_at, now))
        or (r.status == STATUS_OFFERED and past(r.offer_expires_at, now))
    ]
    for registration in overdue:
        _expire(state, registration, now)
    return len(overdue)


def _expire(state: SeatState, registration: Registration, now: datetime) -> None:
    was_offer = registration.status == STATUS_OFFERED
    leave(registration, STATUS_EXPIRED, now)
    state.active.remove(registration)
    if was_offer:
        mails.queue(registration, mails.OFFER_EXPIRED)
    db.session.flush()


def expire_and_pass_on(state: SeatState, registration: Registration, now: datetime) -> Registration:
    """A hold or an offer asked for after it ran out: it expires, and its seat is passed on."""
    _expire(state, registration, now)
    offer_free_seats_of(state, now)
    return registration


def leave(registration: Registration, status: str, now: datetime) -> None:
    """End the registration as cancelled or expired (stamped ``now``); it gives up its seat.
    Letters and calls still waiting for it are void: what comes next says it has ended."""
    offer_ends(registration, now)
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


def offer_ends(registration: Registration, now: datetime) -> None:
    """An offer is answered, runs out or is cancelled: a call still to make about it (phone
    registrations) has nothing left to say."""
    if registration.status == STATUS_OFFERED and registration.channel == CHANNEL_PHONE:
        call_records.offer_calls_obsolete(registration.id, now=now)
