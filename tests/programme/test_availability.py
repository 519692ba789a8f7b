from datetime import UTC, datetime, timedelta

import pytest

from seminars.programme import availability as av

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def state(**changes):
    values = dict(
        cancelled=False,
        capacity=10,
        seats_taken=0,
        waiting=0,
        waitlist_capacity=5,
        opens_at=None,
        closes_at=None,
        starts_at=NOW + timedelta(days=7),
        now=NOW,
    )
    values.update(changes)
    return av.availability_of(**values)


@pytest.mark.parametrize(
    ("changes", "expected", "places"),
    [
        ({}, av.PLACES_FREE, 10),
        ({"seats_taken": 9}, av.PLACES_FREE, 1),
        ({"seats_taken": 10}, av.WAITLIST_OPEN, 0),
        ({"seats_taken": 12}, av.WAITLIST_OPEN, 0),  # overbooked by staff: never negative
        ({"seats_taken": 10, "waiting": 5}, av.FULLY_BOOKED, 0),
        ({"seats_taken": 10, "waitlist_capacity": 0}, av.FULLY_BOOKED, 0),
        ({"opens_at": NOW + timedelta(seconds=1)}, av.NOT_YET_OPEN, 10),
        ({"opens_at": NOW}, av.PLACES_FREE, 10),
        ({"closes_at": NOW}, av.REGISTRATION_CLOSED, 10),
        ({"starts_at": NOW - timedelta(minutes=1)}, av.REGISTRATION_CLOSED, 10),
        ({"cancelled": True}, av.CANCELLED, 10),
    ],
)
def test_states(changes, expected, places):
    result = state(**changes)
    assert result.state == expected
    assert result.places_left == places


def test_only_open_states_allow_registration():
    assert state().can_register
    assert state(seats_taken=10).can_register
    assert not state(seats_taken=10, waiting=5).can_register
    assert not state(cancelled=True).can_register
