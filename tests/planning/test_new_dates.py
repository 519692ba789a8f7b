"""A new date of a full seminar for the people waiting on it ("Neuer Termin aus Warteliste"):
publishing it offers its seats in the old queue's order, then to the interest list, before
anyone who registers later; accepting moves a person, declining keeps their old place."""

from datetime import timedelta

from sqlalchemy import func, select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.planning import new_dates, services
from seminars.planning.new_dates import NewDateData
from seminars.programme.models import Seminar
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories


def full_seminar(waiting_channels=("email", "post", "phone", "email", "email")):
    """Two seats taken, one waitlisted person per channel given (in order)."""
    old = factories.seminar("Gruppen gut leiten", capacity=2, waitlist_capacity=10)
    factories.fill(old, 2)
    waiting = [
        factories.registration(old, status="waitlisted", channel=channel)
        for channel in waiting_channels
    ]
    return old, waiting


def new_date(old: Seminar, *, capacity: int = 3, starts_in=timedelta(days=4), code="NEU-1"):
    start = utcnow().replace(microsecond=0) + starts_in
    copy = new_dates.create_new_date(
        old.id,
        NewDateData(
            code=code,
            sessions=[(start, start + timedelta(hours=6))],
            capacity=capacity,
            venue_id=old.venue_id,
        ),
        actor=None,
    )
    db.session.commit()
    return copy


def places_on(seminar_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id)
            .order_by(Registration.id)
        )
    )


def seats_taken(seminar_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(Registration.seminar_id == seminar_id, Registration.holds_seat)
    )


def messages_of(registration_id: int) -> list[tuple[str, str]]:
    return [
        (m.kind, m.channel)
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id)
        )
    ]


def test_a_new_date_offers_its_seats_in_queue_order_and_moves_or_keeps_people(app):
    old, (w1, w2_post, w3_phone, w4, w5) = full_seminar()
    now = utcnow()
    allocation.move_ahead(w4.id, now=now)  # staff moved w4 ahead: first in line
    db.session.commit()
    s1 = factories.subscription("eins@example.org", seminar_id=old.id)
    s2 = factories.subscription("zwei@example.org", seminar_id=old.id)
    db.session.commit()
    old_seats = seats_taken(old.id)

    copy = new_date(old, capacity=3)
    assert (copy.repeat_of_id, copy.status, copy.title) == (old.id, "draft", old.title)
    assert places_on(copy.id) == []  # nothing happens before it is published

    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    places = places_on(copy.id)
    # One place each, in the old queue's order (w4 moved ahead), then the interest list.
    assert [p.moved_from_id for p in places[:5]] == [w4.id, w1.id, w2_post.id, w3_phone.id, w5.id]
    assert [p.interest_subscription_id for p in places[5:]] == [s1.id, s2.id]
    assert [p.status for p in places] == ["offered"] * 3 + ["waitlisted"] * 4
    assert all(p.confirmed_at == now for p in places)
    # The offer windows: by channel, never past the start (four days away).
    start = copy.sessions[0].starts_at
    first, second, third = places[:3]
    assert first.offer_expires_at == now + timedelta(hours=48)
    assert second.offer_expires_at == now + timedelta(hours=48)
    assert third.offer_expires_at == start  # by post: 120 hours would be past the start
    assert (third.channel, third.street, third.last_name) == ("post", "Anger 1", w2_post.last_name)
    assert messages_of(first.id) == [("new_date_offered", "email")]
    assert messages_of(third.id) == [("new_date_offered", "letter")]
    assert all(messages_of(p.id) == [] for p in places[3:])  # waiting copies: no mail
    # From the interest list: the address only, the person key from it.
    from_list = places[5]
    assert (from_list.email, from_list.first_name, from_list.channel) == (
        "eins@example.org",
        "",
        "email",
    )
    assert from_list.person_key == factories.person_key("eins@example.org")
    offer_text = db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.registration_id == first.id)
    ).one()
    assert "neuen Termin" in offer_text and "Warteliste des früheren Termins" in offer_text
    # The old seminar is as it was.
    assert seats_taken(old.id) == old_seats
    assert {r.status for r in places_on(old.id) if r.id in {w1.id, w4.id}} == {"waitlisted"}

    # Someone registers publicly right after publishing: behind everyone from the old date.
    later = allocation.register(copy.id, factories.applicant(), now=now).registration
    db.session.commit()
    allocation.confirm(later.id, now=now)
    db.session.commit()
    assert later.status == "waitlisted" and later.id > places[-1].id

    # An acceptance moves w1: the new place is confirmed, the old waitlist place ends.
    allocation.accept_offer(second.id, now=now)
    db.session.commit()
    assert db.session.get(Registration, second.id).status == "confirmed"
    assert db.session.get(Registration, w1.id).status == "cancelled"
    assert messages_of(w1.id) == []  # no cancellation of its own: the confirmation says so
    confirmation = db.session.scalars(
        select(OutboxMessage.body_text).where(
            OutboxMessage.registration_id == second.id, OutboxMessage.kind == "confirmed"
        )
    ).one()
    assert "Von der Warteliste des früheren Termins haben wir Sie abgemeldet." in confirmation
    assert seats_taken(old.id) == old_seats

    # A decline keeps w4's old place; the seat goes to the next in queue order (w3, by phone).
    allocation.decline_offer(first.id, now=now)
    db.session.commit()
    assert db.session.get(Registration, first.id).status == "cancelled"
    assert db.session.get(Registration, w4.id).status == "waitlisted"
    fourth = places[3]
    assert db.session.get(Registration, fourth.id).status == "offered"
    assert fourth.offer_expires_at == now + timedelta(hours=48)  # by phone
    assert messages_of(fourth.id) == [("new_date_offered", "call")]
    # Then the rest of the old queue, then the interest list, then the later registrant.
    order = []
    for _ in range(4):
        offered = next(p for p in places_on(copy.id) if p.status == "offered" and p.id != third.id)
        order.append(offered.id)
        allocation.decline_offer(offered.id, now=now)
        db.session.commit()
    assert order == [fourth.id, places[4].id, places[5].id, places[6].id]
    assert db.session.get(Registration, later.id).status == "offered"

    # Every place keeps the consistency check's promises: waiting places on the new date
    # need no mail, the moved person's old registration ended without one.
    from seminars.registrations.consistency import missing_mails

    checked = {p.id for p in places_on(copy.id)} | {w1.id}
    assert [p for p in missing_mails() if p.subject_id in checked] == []

    # Published again after a withdrawal: no second set of places.
    services.set_status(copy.id, "draft", actor=None)
    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    assert len(places_on(copy.id)) == len(places) + 1


def test_an_expired_offer_leaves_the_old_place_alone(app):
    old, (w1,) = full_seminar(("email",))
    copy = new_date(old, capacity=1)
    now = utcnow()
    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    [place] = places_on(copy.id)
    allocation.expire_due(copy.id, now=now + timedelta(hours=49))
    db.session.commit()
    assert db.session.get(Registration, place.id).status == "expired"
    assert db.session.get(Registration, w1.id).status == "waitlisted"


def test_an_accepted_new_date_passes_on_a_seat_held_on_the_old_one(app):
    """Offered a seat on both dates, the person takes the new one: the old seat goes on."""
    old, (w1, w2) = full_seminar(("email", "email"))
    copy = new_date(old, capacity=1)
    now = utcnow()
    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    first_on_old = places_on(old.id)[0]
    allocation.cancel(first_on_old.id, now=now)  # a seat frees on the old date: w1 offered
    db.session.commit()
    assert db.session.get(Registration, w1.id).status == "offered"
    place = next(p for p in places_on(copy.id) if p.moved_from_id == w1.id)
    allocation.accept_offer(place.id, now=now)
    db.session.commit()
    assert db.session.get(Registration, w1.id).status == "cancelled"
    assert db.session.get(Registration, w2.id).status == "offered"  # the old seat went on
    assert seats_taken(old.id) == 2


def test_a_second_new_date_takes_only_those_without_a_place_on_the_first(app):
    old, (w1, w2) = full_seminar(("email", "email"))
    sub = factories.subscription("drei@example.org", seminar_id=old.id)
    db.session.commit()
    now = utcnow()
    first = new_date(old, capacity=1, code="NEU-1")
    services.set_status(first.id, "published", actor=None, now=now)
    db.session.commit()
    w1_place = next(p for p in places_on(first.id) if p.moved_from_id == w1.id)
    allocation.decline_offer(w1_place.id, now=now)  # w1 keeps waiting on the old date
    db.session.commit()
    # The subscriber has a place on the first new date: not counted again.
    assert new_dates.demand_for(old.id) == new_dates.Demand(waiting=1, interested=0)
    second = new_date(old, capacity=1, code="NEU-2")
    services.set_status(second.id, "published", actor=None, now=now)
    db.session.commit()
    assert [p.moved_from_id for p in places_on(second.id)] == [w1.id]
    assert sub.id in {p.interest_subscription_id for p in places_on(first.id)}


def test_someone_who_took_a_seat_on_the_old_date_loses_the_place_on_the_new_one(app):
    """Housekeeping withdraws a place on the new date once the person has a seat on the old
    one (taken there after the new date was published); the seat goes to the next."""
    from seminars.housekeeping import services as housekeeping

    old, (w1, w2) = full_seminar(("email", "email"))
    copy = new_date(old, capacity=1)
    now = utcnow()
    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    allocation.cancel(places_on(old.id)[0].id, now=now)
    db.session.commit()
    allocation.accept_offer(w1.id, now=now)  # w1 takes the old seat
    db.session.commit()
    w1_place, w2_place = places_on(copy.id)
    assert w1_place.status == "offered"
    assert housekeeping.withdraw_superseded_places(now) == 1
    db.session.commit()
    assert db.session.get(Registration, w1_place.id).status == "cancelled"
    assert db.session.get(Registration, w2_place.id).status == "offered"
    assert db.session.get(Registration, w1.id).status == "confirmed"
    assert housekeeping.withdraw_superseded_places(now) == 0


def test_nobody_waiting_means_no_new_date(app):
    import pytest

    from seminars.planning.errors import PlanningError

    old, _waiting = full_seminar(())
    with pytest.raises(PlanningError):
        new_date(old)
