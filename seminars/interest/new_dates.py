"""A new date of a full seminar is published: the people who waited on the old date, then
the confirmed interest list for it, get places on the new date (``registrations.new_dates``:
in queue order, free seats offered by the allocation's rules, in the same transaction as
the publishing, so nobody who registers afterwards comes before them).

Subscriptions stay as they are: one that got a place on a new date is not taken over to a
further one while that place is active (``registrations.new_dates``); if its person declines,
it waits for the next new date like the people from the waitlist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from seminars.extensions import db
from seminars.interest.models import SUBSCRIPTION_CONFIRMED, InterestSubscription
from seminars.programme.models import Seminar
from seminars.registrations import new_dates
from seminars.registrations.models import Registration


def subscribers_for(old_seminar_id: int) -> list[new_dates.Subscriber]:
    """The confirmed interest subscriptions for a new date of ``old_seminar_id``, oldest
    first."""
    rows = db.session.execute(
        select(
            InterestSubscription.id,
            InterestSubscription.email,
            InterestSubscription.locale,
            InterestSubscription.confirmed_at,
        )
        .where(
            InterestSubscription.seminar_id == old_seminar_id,
            InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
        )
        .order_by(InterestSubscription.id)
    )
    return [new_dates.Subscriber(*row) for row in rows]


def interest_count(old_seminar_id: int) -> int:
    """How many confirmed subscribers would get a place on a new date of
    ``old_seminar_id`` now (not those placed already, nor addresses registered for it)."""
    return len(new_dates.placeable_subscribers(old_seminar_id, subscribers_for(old_seminar_id)))


def offer_new_date(seminar_id: int, now: datetime) -> list[Registration]:
    """Called when ``seminar_id`` is published: if it is a new date whose places were not
    given yet, give them (once). Returns the new registrations."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None or seminar.repeat_of_id is None or seminar.repeat_offers_at is not None:
        return []
    old_id = seminar.repeat_of_id
    return new_dates.take_over_waitlist(
        seminar_id, new_dates.waiting_for_new_date(old_id), subscribers_for(old_id), now=now
    )
