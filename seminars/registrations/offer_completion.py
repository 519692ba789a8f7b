"""Someone from a seminar's interest list has a seat offered on its new date
(``new_dates``): their registration holds only the e-mail address. Before they accept, they
give their name (and their group and county, as everyone registering does); the page takes
both in one step. The person key stays the one made from the address."""

from __future__ import annotations

from datetime import datetime

from seminars.audit.services import record
from seminars.extensions import db
from seminars.registrations import allocation, seat_state
from seminars.registrations.models import (
    STATUS_CANCELLED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    Registration,
)
from seminars.registrations.services import LinkGone, find_by_token

COMPLETED_FIELDS = ("first_name", "last_name", "organisation", "county")


def needs_name(registration: Registration) -> bool:
    """The registration came without a name (from an interest list)."""
    return allocation.nameless(registration)


def complete_and_accept(
    token: str,
    *,
    first_name: str,
    last_name: str,
    organisation: str,
    county: str | None,
    now: datetime,
) -> Registration:
    """Store the name and accept the offered seat, under the seminar's lock. An offer that
    has run out expires instead (``allocation``), and nothing is stored."""
    registration = find_by_token(token)
    seat_state.lock_seminar(registration.seminar_id)
    db.session.refresh(registration)
    if registration.status in (STATUS_CANCELLED, STATUS_EXPIRED):
        raise LinkGone()
    if registration.status != STATUS_OFFERED:
        raise allocation.NotPossible(allocation.NO_OFFER)
    if registration.offer_expires_at is None or registration.offer_expires_at > now:
        values = {
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "organisation": organisation.strip(),
            "county": county or None,
        }
        for name, value in values.items():
            setattr(registration, name, value)
        db.session.flush()
        record(None, "registration.self_update", registration=registration, after=values)
    return allocation.accept_offer(registration.id, now=now)
