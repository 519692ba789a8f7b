"""A seminar's seats as every seat change sees them: its lock, and what is counted inside it.

Every seat change (``allocation``, ``offers``, ``new_dates``) first takes the seminar's row
lock (``lock_row``: ``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), then loads
the seminar's active registrations fresh (``SeatState``) and counts them, so that two changes
of the same seminar never count the same free seat. A registration's seminar is locked
before the registration is read again (``lock_for_registration``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError

from seminars.core.errors import NotFoundError
from seminars.core.locking import begin_write, lock_row
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.programme.queries import seminar_for_mails
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    Registration,
    queue_key,
)


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


def config_hours(name: str) -> timedelta:
    return timedelta(hours=current_app.config[name])


def past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and deadline <= now


def lock_state(seminar_id: int) -> SeatState:
    return state_of(lock_seminar(seminar_id))


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


def lock_keeping_details(seminar_id: int) -> Seminar:
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


def state_of(seminar: Seminar) -> SeatState:
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


def lock_for_registration(registration_id: int) -> tuple[SeatState, Registration]:
    seminar_id = db.session.scalar(
        select(Registration.seminar_id).where(Registration.id == registration_id)
    )
    if seminar_id is None:
        raise NotFoundError()
    state = lock_state(seminar_id)
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
