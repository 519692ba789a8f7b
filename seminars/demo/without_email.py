"""Demo volunteers without e-mail: staff booked them by phone, for letters or calls.

They go through the service as real ones do (``staff.register_by_phone``), so their
confirmation waits as a letter in the print queue or an entry on the call list, and the demo
shows both lists with work in them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import STATUS_PUBLISHED, Seminar, SeminarSession
from seminars.registrations import allocation, staff
from seminars.registrations.applicant import Applicant
from seminars.registrations.models import STATUS_WAITLISTED, Registration

PEOPLE = [
    Applicant(
        first_name="Renate",
        last_name="Hollstein",
        email="",
        organisation="SHG Makula Weimar",
        county="th-weimar",
        phone="03643 851204",
        channel="post",
        street="Schwanseestraße 41",
        postcode="99423",
        city="Weimar",
        need_large_print=True,
    ),
    Applicant(
        first_name="Gerhard",
        last_name="Pohlmann",
        email="",
        organisation="SHG Parkinson Gera",
        county="th-gera",
        phone="0365 7730418",
        channel="phone",
    ),
    Applicant(
        first_name="Ursula",
        last_name="Kämmerer",
        email="",
        organisation="SHG Multiple Sklerose Dresden",
        county="sn-dresden",
        phone="0351 8026615",
        channel="post",
        address_extra="Wohnbereich 2",
        street="Bautzner Straße 112",
        postcode="01099",
        city="Dresden",
    ),
    Applicant(
        first_name="Manfred",
        last_name="Seidelmann",
        email="",
        organisation="SHG Depression Chemnitz",
        county="sn-chemnitz",
        phone="0371 4402937",
        channel="phone",
        street="Zschopauer Straße 88",
        postcode="09126",
        city="Chemnitz",
    ),
]


def _count_of(*conditions):
    """How many of the seminar's registrations meet ``conditions`` (a correlated subquery)."""
    return (
        select(func.count())
        .select_from(Registration)
        .where(Registration.seminar_id == Seminar.id, *conditions)
        .scalar_subquery()
    )


def _upcoming_after(moment: datetime, *conditions):
    """Seminars starting after ``moment`` that meet ``conditions``, in programme order."""
    first_start = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    return (
        select(Seminar.id)
        .join(first_start, first_start.c.seminar_id == Seminar.id)
        .where(first_start.c.starts > moment, *conditions)
        .order_by(first_start.c.starts, Seminar.id)
    )


def _open_seminars(now: datetime) -> list[int]:
    """Upcoming seminars open for registration with a few seats free, in programme order."""
    held = _count_of(Registration.holds_seat.is_(True))
    opened = (Seminar.registration_opens_at.is_(None)) | (Seminar.registration_opens_at <= now)
    return list(db.session.scalars(_upcoming_after(now, opened, Seminar.capacity - held >= 3)))


def _full_seminar(now: datetime) -> int | None:
    """The first upcoming seminar whose seats are all taken and whose waitlist has room."""
    held = _count_of(Registration.holds_seat.is_(True))
    waiting = _count_of(Registration.status == STATUS_WAITLISTED)
    return db.session.scalar(
        _upcoming_after(
            now + timedelta(days=7),
            Seminar.status == STATUS_PUBLISHED,
            held >= Seminar.capacity,
            waiting < Seminar.waitlist_capacity,
        ).limit(1)
    )


def _a_seat_frees_up_for(registration: Registration, now: datetime) -> None:
    """Staff move the phone caller ahead on the waitlist (a group leader who must come), and
    the academy adds a seat to the seminar: it is offered to the caller, whose offer now
    waits on the call list with its deadline (and nobody else is mailed)."""
    staff.move_ahead(
        registration.id,
        reason="Leitet eine neue Gruppe und braucht das Seminar",
        actor=None,
        now=now,
    )
    seminar = db.session.get(Seminar, registration.seminar_id)
    assert seminar is not None  # the registration was just written for it
    allocation.change_capacity(seminar.id, seminar.capacity + registration.seats, now=now)


def book_people_without_email(now: datetime | None = None) -> list[Registration]:
    """Book ``PEOPLE`` into the first upcoming seminars with room, one each; the last one
    (reached by phone) onto the waitlist of a full seminar, where a seat then frees up."""
    now = now or utcnow()
    seminars = _open_seminars(now)
    booked = [
        staff.register_by_phone(seminar_id, person, actor=None, now=now)
        for seminar_id, person in zip(seminars, PEOPLE[:-1], strict=False)
    ]
    full = _full_seminar(now)
    target = full if full is not None else next(iter(seminars[len(booked) :]), None)
    if target is None:
        return booked
    caller = staff.register_by_phone(target, PEOPLE[-1], actor=None, now=now)
    booked.append(caller)
    if full is not None:
        _a_seat_frees_up_for(caller, now)
    return booked
