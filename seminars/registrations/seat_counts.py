"""What a new registration is decided on, and the caps on unconfirmed registrations.

``allocation.register`` counts the seminar's seats, waitlist and overdue holds in one SQL
aggregate (``counted_in_sql``), so that a rush holds the seminar's lock only briefly; only
when something has run out, or a free seat waits for someone, does it load the full state
(``counted_from``). The caps count the unconfirmed seats and places one address or one client
holds across all seminars (``unconfirmed_seats``), under named locks taken before the
seminar's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy import false as sa_false

from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations.applicant import Applicant
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_OFFERED,
    STATUS_PENDING,
    Registration,
    seats_expression,
)
from seminars.registrations.seat_state import SeatState


@dataclass(frozen=True)
class Counted:
    """What a new registration is decided on, counted inside the seminar's lock."""

    seminar: Seminar
    starts_at: datetime | None
    seats_taken: int
    waiting: int
    existing: Registration | None

    @property
    def free_seats(self) -> int:
        return self.seminar.capacity - self.seats_taken


def counted_from(state: SeatState, email: str | None) -> Counted:
    existing = next((r for r in state.active if email and r.email_normalized == email), None)
    return Counted(state.seminar, state.starts_at, state.seats_taken, len(state.queue), existing)


def counted_in_sql(seminar: Seminar, email: str | None, now: datetime) -> Counted | None:
    """The counts a new registration needs, in one aggregate query instead of loading every
    registration of the seminar, so that a rush holds the lock briefly. None when there is
    more to do first (a hold or offer has run out, or a free seat waits for someone on the
    waitlist): then the full state is loaded and put right (``release_overdue``)."""
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
    return Counted(seminar, starts_at, int(seats_taken), int(waiting), existing)


def same_person_without_email(state: SeatState, applicant: Applicant) -> bool:
    """A staff booking without e-mail for a name (and phone or postcode) already active."""

    def same(r: Registration) -> bool:
        return (
            not r.email_normalized
            and r.first_name.casefold() == applicant.first_name.casefold()
            and r.last_name.casefold() == applicant.last_name.casefold()
            and (r.postcode, r.phone) == (applicant.postcode, applicant.phone)
        )

    return any(same(r) for r in state.active)


def unconfirmed_seats(whose, now: datetime) -> int:
    """Seats and waitlist places that unconfirmed registrations matching ``whose`` hold now,
    in all seminars (holds that have run out no longer count, expired or not yet)."""
    return db.session.execute(
        select(func.coalesce(func.sum(seats_expression), 0)).where(*_unconfirmed(now), whose)
    ).scalar_one()


def _unconfirmed(now: datetime) -> tuple:
    """Unconfirmed registrations whose hold has not run out (expired or not yet)."""
    return (Registration.status == STATUS_PENDING, Registration.hold_expires_at > now)


def over_cap(held: int, wanted: int, cap: int) -> bool:
    """Whoever holds nothing yet is never refused, so that one registration with a personal
    assistant always fits (a cap of 0 is off and never asked)."""
    return held > 0 and held + wanted > cap


def latest_unconfirmed(email: str, now: datetime) -> Registration:
    return db.session.scalars(
        select(Registration)
        .where(*_unconfirmed(now), Registration.email_normalized == email)
        .order_by(Registration.id.desc())
        .limit(1)
    ).one()
