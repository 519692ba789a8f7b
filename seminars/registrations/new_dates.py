"""Places on a new date of a full seminar (``Seminar.repeat_of_id``) for the people who
waited on the old one, and then for its interest list.

Part of the seat allocation (``allocation``), and under its rules: the new seminar's row is
locked first, then the old one's (always in this order: accepting a place on the new date
does the same, so the two never wait for each other), everything is counted inside the
locks (``seat_state``), and free seats go out through the offer rules
(``offers.seats_to_offer``: in queue order, each person's window by channel, never past
the start).

The places are made in queue order of the old date, then the interest list in order of
subscription, so their ids (the new waitlist's order) keep that order; whoever registers on
the new date afterwards gets a higher id and comes after all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from seminars.core.email_address import normalise_email
from seminars.extensions import db
from seminars.outbox import services as outbox
from seminars.programme.models import Seminar
from seminars.registrations import anonymise as blank
from seminars.registrations import offers, seat_state, tokens
from seminars.registrations.channels import (
    CHANNEL_EMAIL,
    CHANNEL_PHONE,
    CHANNEL_POST,
    has_address,
)
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_WAITLISTED,
    Registration,
    queue_order,
)
from seminars.registrations.needs import needs_of
from seminars.registrations.person_key import person_key

# What a place on the new date copies from the person's registration for the old one.
_COPIED = (
    "first_name",
    "last_name",
    "email",
    "email_normalized",
    "channel",
    "address_extra",
    "street",
    "postcode",
    "city",
    "phone",
    "organisation",
    "county",
    "locale",
    "consent_at",
    "registered_by_staff",
    "person_key",
)


@dataclass(frozen=True)
class Subscriber:
    """An interest subscription for the old seminar, as plain values."""

    subscription_id: int
    email: str
    locale: str
    confirmed_at: datetime | None


def _has_active_copy():
    copy = aliased(Registration)
    return (
        select(copy.id)
        .where(copy.moved_from_id == Registration.id, copy.status.in_(ACTIVE_STATUSES))
        .exists()
    )


def _reachable_condition():
    """Not anonymised, and with what the registration's channel needs to reach the person:
    an address for mails, a postal address for letters, a number for calls."""
    return and_(
        Registration.anonymised_at.is_(None),
        or_(
            and_(Registration.channel == CHANNEL_EMAIL, Registration.email != ""),
            and_(
                Registration.channel == CHANNEL_POST,
                Registration.street != "",
                Registration.postcode != "",
                Registration.city != "",
            ),
            and_(Registration.channel == CHANNEL_PHONE, Registration.phone != ""),
        ),
    )


def reachable(registration: Registration) -> bool:
    """The same as ``_reachable_condition``, for a loaded registration."""
    if registration.anonymised_at is not None:
        return False
    if registration.channel == CHANNEL_EMAIL:
        return bool((registration.email or "").strip())
    if registration.channel == CHANNEL_POST:
        return has_address(registration)
    if registration.channel == CHANNEL_PHONE:
        return bool((registration.phone or "").strip())
    return False


def waiting_for_new_date(old_seminar_id: int) -> list[int]:
    """The confirmed people waiting on ``old_seminar_id`` who have no place on another new
    date yet and can be reached (not anonymised, with an address or number for their
    channel), in queue order (ids). Read without a lock: ``take_over_waitlist`` checks
    again."""
    return list(
        db.session.scalars(
            select(Registration.id)
            .where(
                Registration.seminar_id == old_seminar_id,
                Registration.status == STATUS_WAITLISTED,
                _reachable_condition(),
                ~_has_active_copy(),
            )
            .order_by(*queue_order)
        )
    )


def subscriptions_taken_over(subscription_ids: Iterable[int]) -> set[int]:
    """Those of ``subscription_ids`` that have an active place on a new date already."""
    wanted = set(subscription_ids)
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            select(Registration.interest_subscription_id).where(
                Registration.interest_subscription_id.in_(wanted),
                Registration.status.in_(ACTIVE_STATUSES),
            )
        )
    )


def addresses_placed_for(old_seminar_id: int) -> set[str]:
    """The addresses (normalised) with an active registration for ``old_seminar_id`` or an
    active place on one of its new dates: a subscriber with one of them gets no (second,
    nameless) place."""
    new_dates = select(Seminar.id).where(Seminar.repeat_of_id == old_seminar_id)
    return {
        email
        for email in db.session.scalars(
            select(Registration.email_normalized).where(
                or_(
                    Registration.seminar_id == old_seminar_id,
                    Registration.seminar_id.in_(new_dates),
                ),
                Registration.status.in_(ACTIVE_STATUSES),
                Registration.email_normalized.is_not(None),
            )
        )
        if email
    }


def placeable_subscribers(
    old_seminar_id: int, subscribers: Sequence[Subscriber]
) -> list[Subscriber]:
    """Those of ``subscribers`` who would get a place on a new date of ``old_seminar_id``
    now: with an address, no active place from their subscription yet, and no active
    registration for the seminar or a new date of it under that address (one each)."""
    placed = addresses_placed_for(old_seminar_id)
    already = subscriptions_taken_over(s.subscription_id for s in subscribers)
    chosen: list[Subscriber] = []
    for subscriber in sorted(subscribers, key=lambda s: s.subscription_id):
        email = normalise_email(subscriber.email) if subscriber.email.strip() else ""
        if not email or email in placed or subscriber.subscription_id in already:
            continue
        placed.add(email)
        chosen.append(subscriber)
    return chosen


def take_over_waitlist(
    new_seminar_id: int,
    origin_ids: Sequence[int],
    subscribers: Sequence[Subscriber],
    *,
    now: datetime,
) -> list[Registration]:
    """Give the people of ``origin_ids`` (waiting on the old seminar) and then the
    ``subscribers`` a confirmed waitlist place on the new date, in this order, and offer the
    new date's free seats by the usual rules. Done once per new date
    (``Seminar.repeat_offers_at``): a second call changes nothing. Whoever is no longer
    waiting on the old date, already has a place on another new date, or whose address is
    already registered for the new one, is left out. Returns the new registrations."""
    state = seat_state.lock_state(new_seminar_id)
    seminar = state.seminar
    if seminar.repeat_of_id is None or seminar.repeat_offers_at is not None:
        return []
    old_state = seat_state.lock_state(seminar.repeat_of_id)
    wanted = set(origin_ids)
    copied = set(
        db.session.scalars(
            select(Registration.moved_from_id).where(
                Registration.moved_from_id.in_(wanted),
                Registration.status.in_(ACTIVE_STATUSES),
            )
        )
    )
    taken = {r.email_normalized for r in state.active if r.email_normalized}
    created: list[Registration] = []
    for origin in old_state.queue:  # in queue order
        if origin.id not in wanted or origin.id in copied or origin.status != STATUS_WAITLISTED:
            continue
        if not reachable(origin):
            continue  # anonymised meanwhile, or nothing left to reach them by
        if origin.email_normalized and origin.email_normalized in taken:
            continue
        values = {name: getattr(origin, name) for name in _COPIED}
        created.append(
            _place(seminar.id, now, moved_from_id=origin.id, **values, **needs_of(origin))
        )
        if origin.email_normalized:
            taken.add(origin.email_normalized)
    for subscriber in placeable_subscribers(old_state.seminar.id, subscribers):
        email = normalise_email(subscriber.email)
        if email in taken:
            continue
        created.append(
            _place(
                seminar.id,
                now,
                interest_subscription_id=subscriber.subscription_id,
                first_name="",
                last_name="",
                email=subscriber.email.strip(),
                email_normalized=email,
                channel=CHANNEL_EMAIL,
                locale=subscriber.locale or "de",
                consent_at=subscriber.confirmed_at or now,
                person_key=person_key(email),
            )
        )
        taken.add(email)
    seminar.repeat_offers_at = now
    db.session.flush()
    for registration in created:
        registration.token_hash = tokens.token_hash(
            tokens.token_for(registration.id, registration.token_salt)
        )
    state.active.extend(created)
    db.session.flush()
    offers.offer_free_seats_of(state, now)
    return created


def _place(seminar_id: int, now: datetime, **values) -> Registration:
    registration = Registration(
        seminar_id=seminar_id,
        status=STATUS_WAITLISTED,
        holds_seat=False,
        token_salt=tokens.new_salt(),
        created_at=now,
        confirmed_at=now,
        **values,
    )
    db.session.add(registration)
    db.session.flush()  # the id now: the new waitlist's order is the order of creation
    return registration


def superseded_copies() -> list[int]:
    """Active places on a new date whose person has a seat on the old date after all
    (accepted an offer there): read without a lock, for ``withdraw_superseded``."""
    origin = aliased(Registration)
    return list(
        db.session.scalars(
            select(Registration.id)
            .join(origin, origin.id == Registration.moved_from_id)
            .where(Registration.status.in_(ACTIVE_STATUSES), origin.status == STATUS_CONFIRMED)
            .order_by(Registration.id)
        )
    )


def withdraw_superseded(copy_id: int, *, now: datetime) -> bool:
    """End the place on the new date of someone who took a seat on the old date (under the
    new date's lock, then the old one's); a seat it held goes to the next person. No message:
    the person has their seat, and the offer of the new date simply no longer stands.
    False when there was nothing to withdraw (anymore)."""
    state, copy = seat_state.lock_for_registration(copy_id)
    if copy.status not in ACTIVE_STATUSES or copy.moved_from_id is None:
        return False
    origin_seminar_id = db.session.scalar(
        select(Registration.seminar_id).where(Registration.id == copy.moved_from_id)
    )
    if origin_seminar_id is None:
        return False
    old_state = seat_state.lock_state(origin_seminar_id)
    origin = next((r for r in old_state.active if r.id == copy.moved_from_id), None)
    if origin is None or origin.status != STATUS_CONFIRMED:
        return False
    offers.leave(copy, STATUS_CANCELLED, now)
    db.session.flush()
    offers.offer_free_seats_of(state, now)
    return True


def withdraw_places_of_subscription(subscription_ids: Sequence[int], *, now: datetime) -> int:
    """An interest subscription ends (unsubscribed, erased, retention): its places on new
    dates that are not confirmed (waitlisted or offered) are cancelled, each under its
    seminar's lock (newest seminar first, the order every path takes), a seat one held goes
    to the next person, and they lose the address like the subscription (anonymised, their
    messages gone): nothing more goes to the address the person stopped. A confirmed place
    stays: its person gave their name and registered. Returns how many were withdrawn.
    Call it before changing anything else in the transaction (the locks come first)."""
    wanted = sorted(set(subscription_ids))
    if not wanted:
        return 0
    open_places = (
        Registration.interest_subscription_id.in_(wanted),
        Registration.status.in_((STATUS_WAITLISTED, STATUS_OFFERED)),
    )
    seminar_ids = sorted(
        set(db.session.scalars(select(Registration.seminar_id).where(*open_places))),
        reverse=True,
    )
    withdrawn: list[int] = []
    for seminar_id in seminar_ids:
        state = seat_state.lock_state(seminar_id)
        places = [
            r
            for r in state.active
            if r.interest_subscription_id in wanted
            and r.status in (STATUS_WAITLISTED, STATUS_OFFERED)
        ]
        for place in places:
            offers.leave(place, STATUS_CANCELLED, now)
            withdrawn.append(place.id)
        db.session.flush()
        offers.offer_free_seats_of(state, now)
    outbox.forget_registrations(withdrawn)
    blank.anonymise(withdrawn, now)
    db.session.flush()
    return len(withdrawn)
