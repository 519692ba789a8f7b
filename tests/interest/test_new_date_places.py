"""A subscriber's place on a new date follows the subscription: when it ends (unsubscribe,
erasure, retention) a place that is not confirmed is withdrawn and keeps no address; and a
subscriber gets no place when their address has one already."""

from datetime import timedelta

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.interest import links, retention
from seminars.interest import services as interest
from seminars.planning import new_dates, services
from seminars.privacy import services as privacy
from seminars.registrations import allocation
from tests import factories
from tests.planning.test_new_dates import full_seminar, new_date, places_on


def _publish(seminar_id: int) -> None:
    services.set_status(seminar_id, "published", actor=None, now=utcnow())
    db.session.commit()


def test_unsubscribing_withdraws_a_waiting_place_and_its_address(app):
    old, (_w1,) = full_seminar(("email",))
    sub = factories.subscription("eins@example.org", seminar_id=old.id)
    token = links.token_for(sub)
    db.session.commit()
    copy = new_date(old, capacity=1)
    _publish(copy.id)
    c_w1, c_sub = places_on(copy.id)
    assert c_sub.status == "waitlisted"
    assert interest.unsubscribe(token, now=utcnow())
    db.session.commit()
    c_sub = places_on(copy.id)[1]
    assert c_sub.status == "cancelled"
    assert c_sub.email == "" and c_sub.anonymised_at is not None
    # The seat that frees up later goes to nobody: nobody else waits.
    allocation.decline_offer(c_w1.id, now=utcnow())
    db.session.commit()
    c_sub = places_on(copy.id)[1]
    assert c_sub.status == "cancelled" and factories.outbox_kinds(c_sub.id) == []


def test_an_offered_place_withdrawn_passes_its_seat_on(app):
    old, _waiting = full_seminar(("email",))
    factories.subscription("eins@example.org", seminar_id=old.id)
    factories.subscription("zwei@example.org", seminar_id=old.id)
    db.session.commit()
    copy = new_date(old, capacity=2)
    _publish(copy.id)
    _c_w1, c_one, c_two = places_on(copy.id)
    assert (c_one.status, c_two.status) == ("offered", "waitlisted")
    assert factories.outbox_kinds(c_one.id) == ["new_date_offered"]
    privacy.erase_person("eins@example.org", actor=None, now=utcnow())
    db.session.commit()
    _c_w1, c_one, c_two = places_on(copy.id)
    assert c_one.status == "cancelled" and c_one.email == ""
    assert factories.outbox_kinds(c_one.id) == []  # the unsent offer to the address is gone
    assert c_two.status == "offered"


def test_a_confirmed_place_stays_when_the_subscription_ends_by_retention(app):
    old, _waiting = full_seminar(("email",))
    long_ago = utcnow() - timedelta(days=3 * 365)
    for address in ("eins@example.org", "zwei@example.org"):
        sub = factories.subscription(address, seminar_id=old.id)
        sub.confirmed_at = sub.renewed_at = long_ago
    db.session.commit()
    copy = new_date(old, capacity=2)
    _publish(copy.id)
    _c_w1, c_one, c_two = places_on(copy.id)
    c_one.first_name, c_one.last_name = "Eva", "Eins"
    db.session.commit()
    allocation.accept_offer(c_one.id, now=utcnow())
    db.session.commit()
    assert retention.end_unrenewed(utcnow()) == 2
    _c_w1, c_one, c_two = places_on(copy.id)
    assert c_one.status == "confirmed" and c_one.email == "eins@example.org"
    assert c_two.status == "cancelled" and c_two.email == ""


def test_an_address_with_a_place_already_gets_no_second_one(app):
    old, (w1,) = full_seminar(("email",))
    factories.subscription(w1.email.upper(), seminar_id=old.id)
    seated = places_on(old.id)[0]
    factories.subscription(seated.email, seminar_id=old.id)
    db.session.commit()
    # The one waiting is counted once, the one with a seat not at all.
    assert new_dates.demand_for(old.id).waiting == 1
    assert new_dates.demand_for(old.id).interested == 0
    n1 = new_date(old, capacity=0, code="N1")
    _publish(n1.id)
    assert [p.moved_from_id for p in places_on(n1.id)] == [w1.id]
    assert not new_dates.demand_for(old.id).any
