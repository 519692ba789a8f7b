"""A new date takes over only people who can still be reached: anonymised registrations
(retention, erasure) and those without an address or number for their channel stay out."""

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.planning import new_dates
from seminars.registrations import new_dates as registration_new_dates
from tests import factories
from tests.planning.test_new_dates import new_date, places_on


def test_anonymised_and_unreachable_origins_get_no_place(app):
    now = utcnow()
    old = factories.seminar("Alt", capacity=1, waitlist_capacity=10)
    factories.fill(old, 1)
    gone = factories.registration(
        old, status="waitlisted", first_name="", last_name="", email="", anonymised_at=now
    )
    no_mail = factories.registration(old, status="waitlisted", email="", email_normalized=None)
    no_phone = factories.registration(old, status="waitlisted", channel="phone", phone="")
    kept = factories.registration(old, status="waitlisted", channel="post")
    assert registration_new_dates.waiting_for_new_date(old.id) == [kept.id]
    assert new_dates.demand_for(old.id).waiting == 1
    copy = new_date(old, capacity=3)
    # Even when asked for by id (as the list was read before the lock), they stay out.
    registration_new_dates.take_over_waitlist(
        copy.id, [gone.id, no_mail.id, no_phone.id, kept.id], [], now=now
    )
    db.session.commit()
    places = places_on(copy.id)
    assert [p.moved_from_id for p in places] == [kept.id]
    assert db.session.query(OutboxMessage).filter(OutboxMessage.recipient == "").count() == 0


def test_a_waitlist_of_anonymised_people_is_no_demand(app):
    old = factories.seminar("Alt", capacity=1, waitlist_capacity=10)
    factories.fill(old, 1)
    factories.registration(
        old, status="waitlisted", first_name="", last_name="", email="", anonymised_at=utcnow()
    )
    assert not new_dates.demand_for(old.id).any
