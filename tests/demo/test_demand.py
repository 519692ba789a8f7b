"""The demo shows demand: interest lists, and a new date prepared from the fullest waitlist."""

from datetime import time, timedelta

from sqlalchemy import func, select

from seminars.core.timezone import berlin_date, berlin_to_utc, utcnow
from seminars.demo.services import seed_demo
from seminars.extensions import db
from seminars.interest import alerts
from seminars.interest.models import InterestSubscription
from seminars.outbox.models import OutboxMessage
from seminars.planning import services as planning
from seminars.programme.models import Seminar
from seminars.registrations.models import Registration


def test_the_demo_has_subscribers_and_a_new_date_to_publish(app):
    now = utcnow()
    seed_demo(now)
    db.session.commit()
    subscriptions = db.session.scalars(select(InterestSubscription)).all()
    assert len(subscriptions) == 5 and all(s.status == "confirmed" for s in subscriptions)
    [new_date] = db.session.scalars(select(Seminar).where(Seminar.repeat_of_id.is_not(None)))
    assert new_date.status == "draft"
    waiting = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.seminar_id == new_date.repeat_of_id, Registration.status == "waitlisted"
        )
    )
    assert waiting >= 2
    # Nobody hears of the demo's own programme: it was there before they subscribed.
    tomorrow = berlin_to_utc(berlin_date(now) + timedelta(days=1), time(9))
    assert alerts.send_alerts(tomorrow) == 0
    # Publishing the new date offers its seats to the people waiting, in their order.
    planning.set_status(new_date.id, "published", actor=None, now=now)
    db.session.commit()
    offered = db.session.execute(
        select(Registration.moved_from_id, Registration.interest_subscription_id)
        .where(Registration.seminar_id == new_date.id, Registration.status == "offered")
        .order_by(Registration.id)
    ).all()
    # First everyone waiting (in their order), then the two on the interest list.
    assert [bool(moved) for moved, _ in offered] == [True] * waiting + [False, False]
    assert all(subscription for _, subscription in offered[waiting:])
    origins = [moved for moved, _ in offered[:waiting]]
    assert origins == sorted(origins)
    mails = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "new_date_offered")
    assert db.session.scalar(mails) == waiting + 2
