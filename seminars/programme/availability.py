"""What the catalogue says about free places: a pure function of counts, window and clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

NOT_YET_OPEN = "not_yet_open"
PLACES_FREE = "places_free"
WAITLIST_OPEN = "waitlist_open"
FULLY_BOOKED = "fully_booked"
REGISTRATION_CLOSED = "registration_closed"
CANCELLED = "cancelled"
STATES = (NOT_YET_OPEN, PLACES_FREE, WAITLIST_OPEN, FULLY_BOOKED, REGISTRATION_CLOSED, CANCELLED)


@dataclass(frozen=True)
class Availability:
    state: str
    places_left: int
    waiting: int
    opens_at: datetime | None = None

    @property
    def can_register(self) -> bool:
        return self.state in (PLACES_FREE, WAITLIST_OPEN)


def availability_of(
    *,
    cancelled: bool,
    capacity: int,
    seats_taken: int,
    waiting: int,
    waitlist_capacity: int,
    opens_at: datetime | None,
    closes_at: datetime | None,
    starts_at: datetime | None,
    now: datetime,
) -> Availability:
    places_left = max(capacity - seats_taken, 0)
    if cancelled:
        return Availability(CANCELLED, places_left, waiting)
    if opens_at is not None and now < opens_at:
        return Availability(NOT_YET_OPEN, places_left, waiting, opens_at)
    closes = closes_at or starts_at
    if closes is not None and now >= closes:
        return Availability(REGISTRATION_CLOSED, places_left, waiting)
    if places_left > 0:
        return Availability(PLACES_FREE, places_left, waiting)
    if waiting < waitlist_capacity:
        return Availability(WAITLIST_OPEN, 0, waiting)
    return Availability(FULLY_BOOKED, 0, waiting)
