"""The waitlist is defined once (``Registration.on_waitlist``, ``queue_key``, ``queue_order``);
every reader of it agrees with the allocation's ``SeatState.queue``, on both databases."""

from sqlalchemy import select

from seminars.catalogue.services import get_public_seminar
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import seat_state, services, staff
from seminars.registrations.models import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
    queue_order,
)
from tests import factories

# (status, holds seat, queue priority): every status, with and without a seat where the
# status allows both, and staff priorities with a tie (lower first, then by id).
MIX = [
    (STATUS_CONFIRMED, True, None),
    (STATUS_WAITLISTED, False, None),  # 1
    (STATUS_PENDING, True, None),
    (STATUS_PENDING, False, None),  # 3
    (STATUS_OFFERED, True, None),
    (STATUS_CANCELLED, False, None),
    (STATUS_EXPIRED, False, None),
    (STATUS_WAITLISTED, False, -1),  # 7
    (STATUS_PENDING, False, -2),  # 8
    (STATUS_WAITLISTED, False, -1),  # 9
    (STATUS_CANCELLED, False, -3),  # moved ahead once, then cancelled: not waiting
    (STATUS_WAITLISTED, False, None),  # 11
    (STATUS_WAITLISTED, False, 5),  # 12: any priority goes before none
]
# Moved ahead first (-2, then the two at -1 by id, then 5), then in order of registration.
EXPECTED = [8, 7, 9, 12, 1, 3, 11]


def _seminar_with_mix():
    seminar = factories.seminar(capacity=3, waitlist_capacity=20)
    people = []
    for status, holds_seat, priority in MIX:
        person = factories.registration(seminar, status=status, holds_seat=holds_seat, commit=False)
        person.queue_priority = priority
        people.append(person)
    db.session.commit()
    return seminar, people


def test_every_reader_of_the_waitlist_agrees_with_the_allocation(app):
    seminar, people = _seminar_with_mix()
    expected = [people[index].id for index in EXPECTED]
    state = seat_state.state_of(seminar)
    assert [r.id for r in state.queue] == expected

    in_python = [r.id for r in sorted(people, key=lambda r: r.id) if r.on_waitlist]
    assert sorted(in_python) == sorted(expected)
    in_sql = db.session.scalars(
        select(Registration.id)
        .where(Registration.seminar_id == seminar.id, Registration.on_waitlist)
        .order_by(*queue_order)
    ).all()
    assert in_sql == expected

    positions = {r.id: position for position, r in enumerate(state.queue, start=1)}
    assert staff.registrations_of(seminar.id).positions == positions
    for person in people:
        assert services._waitlist_position(person) == positions.get(person.id)
        assert seat_state.waitlist_position(state, person) == positions.get(person.id)

    entry = get_public_seminar(seminar.id, now=utcnow())
    assert entry.availability.waiting == len(expected)
