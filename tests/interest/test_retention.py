"""Subscribers' addresses are kept no longer than asked for: unconfirmed ones go after
``INTEREST_CONFIRMATION_HOURS``, confirmed ones ``INTEREST_RETENTION_MONTHS`` after the last
renewal, with one mail ``INTEREST_RENEWAL_NOTICE_DAYS`` before."""

from __future__ import annotations

from datetime import timedelta

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import run
from seminars.interest import retention, services
from seminars.outbox.models import OutboxMessage
from tests import factories
from tests.interest.helpers import mails_to, manage_path, subscriptions, token_of, topic_id


def months(count: int) -> timedelta:
    return timedelta(days=round(count * 30.44))


def test_unconfirmed_subscriptions_go_with_their_mails_address(app):
    now = utcnow()
    services.subscribe_to_topic(
        "old@example.org",
        topic_id=topic_id(),
        region=None,
        locale="de",
        now=now - timedelta(hours=49),
    )
    services.subscribe_to_topic(
        "new@example.org",
        topic_id=topic_id(),
        region=None,
        locale="de",
        now=now - timedelta(hours=47),
    )
    db.session.commit()
    assert retention.delete_unconfirmed(now) == 1
    assert [s.email for s in subscriptions()] == ["new@example.org"]
    recipients = sorted(m.recipient for m in db.session.query(OutboxMessage))
    assert recipients == ["", "new@example.org"]
    assert retention.delete_unconfirmed(now) == 0


def confirmed(renewed_ago: timedelta, address: str = "treu@example.org"):
    item = factories.subscription(address, topic_id=topic_id())
    item.confirmed_at = item.renewed_at = utcnow() - renewed_ago
    db.session.commit()
    return item


def test_one_renewal_mail_before_the_end_then_the_end(app):
    now = utcnow()
    due = confirmed(months(24) - timedelta(days=10))
    not_yet = confirmed(months(24) - timedelta(days=40), "spaeter@example.org")
    assert retention.request_renewals(now) == 1
    assert retention.request_renewals(now) == 0  # one mail, not one a day
    [mail] = mails_to("treu@example.org")
    assert mail.kind == "interest_renewal_request"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert manage_path(mail) == f"/interesse/{token_of(due)}"
    assert mails_to("spaeter@example.org") == []
    assert retention.end_unrenewed(now) == 0
    assert retention.end_unrenewed(now + timedelta(days=11)) == 1
    ended = db.session.get(type(due), due.id)
    assert ended.status == "ended" and ended.email == "" and ended.email_normalized is None
    assert mail.recipient == "" and mail.body_text == ""
    assert db.session.get(type(not_yet), not_yet.id).status == "confirmed"


def test_renewing_on_the_page_keeps_the_subscription(app, client):
    item = confirmed(months(24) - timedelta(days=10))
    retention.request_renewals(utcnow())
    db.session.commit()
    path = manage_path(mails_to("treu@example.org")[0])
    page = client.get(path).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = client.post(f"{path}/verlaengern", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert item.renewal_requested_at is None
    assert retention.end_unrenewed(utcnow() + timedelta(days=30)) == 0
    later = utcnow() + months(24) - timedelta(days=10)
    assert retention.request_renewals(later) == 1  # asked again, before the new end


def test_housekeeping_runs_the_steps_and_counts_them(app):
    now = utcnow()
    services.subscribe_to_topic(
        "alt@example.org",
        topic_id=topic_id(),
        region=None,
        locale="de",
        now=now - timedelta(days=3),
    )
    db.session.commit()
    confirmed(months(24) - timedelta(days=1), "bald@example.org")
    confirmed(months(25), "vorbei@example.org")
    report = run(now)
    assert report.interest_unconfirmed_deleted == 1
    assert report.interest_renewal_requests == 1
    assert report.interest_ended == 1
    assert sorted(s.status for s in subscriptions()) == ["confirmed", "ended"]
