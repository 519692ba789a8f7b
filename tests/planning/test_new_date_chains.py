"""Accepting a place on a new date ends the registrations it came from, along the whole
chain (a new date of a new date), and is refused while the person holds a confirmed seat on
an earlier date."""

import pytest

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import services
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories
from tests.planning.test_new_dates import full_seminar, new_date, places_on


def _reg(registration_id: int) -> Registration:
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    assert registration is not None
    return registration


def _publish(seminar_id: int) -> None:
    services.set_status(seminar_id, "published", actor=None, now=utcnow())
    db.session.commit()


def test_no_place_on_a_new_date_while_holding_a_seat_on_the_earlier_one(app):
    old, (w1, _w2) = full_seminar(("email", "email"))
    copy = new_date(old, capacity=1)
    _publish(copy.id)
    c1 = places_on(copy.id)[0]
    assert c1.status == "offered" and c1.moved_from_id == w1.id
    # A seat frees up on the old date, and w1 takes it.
    seated = next(r for r in places_on(old.id) if r.status == "confirmed")
    allocation.cancel(seated.id, now=utcnow())
    db.session.commit()
    allocation.accept_offer(w1.id, now=utcnow())
    db.session.commit()
    with pytest.raises(allocation.NotPossible, match="früheren Termin"):
        allocation.accept_offer(c1.id, now=utcnow())
    db.session.rollback()
    assert _reg(w1.id).status == "confirmed"
    assert _reg(c1.id).status == "offered"
    assert "cancelled_by_you" not in factories.outbox_kinds(w1.id)


def test_accepting_a_new_date_of_a_new_date_ends_every_earlier_place(app):
    old, (w1, _w2, _w3) = full_seminar(("email", "email", "email"))
    n1 = new_date(old, capacity=0, code="N1")
    _publish(n1.id)
    n1_places = places_on(n1.id)
    assert [p.status for p in n1_places] == ["waitlisted"] * 3
    n2 = new_date(n1, capacity=1, code="N2")
    _publish(n2.id)
    c = places_on(n2.id)[0]
    assert c.moved_from_id == n1_places[0].id
    allocation.accept_offer(c.id, now=utcnow())
    db.session.commit()
    assert _reg(c.id).status == "confirmed"
    assert _reg(n1_places[0].id).status == "cancelled"
    assert _reg(w1.id).status == "cancelled"
