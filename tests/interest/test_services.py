"""Subscribing, confirming, renewing and unsubscribing, called as the views call them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminars.core.errors import NotFoundError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.interest import services
from seminars.interest.models import ProgrammeAlert
from seminars.outbox.models import OutboxMessage
from tests import factories
from tests.interest.helpers import ADDRESS, mails_to, manage_path, subscriptions, token_of, topic_id


def subscribe(address: str = ADDRESS, *, region=None, key="gruppenleitung", client="client-a"):
    services.subscribe_to_topic(
        address, topic_id=topic_id(key), region=region, locale="de", now=utcnow(),
        client_key=client,
    )  # fmt: skip
    db.session.commit()


def test_subscribing_stores_an_unconfirmed_subscription_and_mails_its_link(app):
    subscribe(region="th-jena")
    [subscription] = subscriptions()
    assert subscription.status == "pending"
    assert subscription.email_normalized == ADDRESS.lower() and subscription.email == ADDRESS
    assert subscription.region == "th-jena" and subscription.client_key == "client-a"
    [mail] = mails_to(ADDRESS)
    assert mail.kind == "interest_confirm_request" and mail.subscription_id == subscription.id
    assert manage_path(mail) == f"/interesse/{token_of(subscription)}"
    assert "Gruppenleitung" in mail.body_text and "Jena (Stadt)" in mail.body_text
    assert mail.headers["List-Unsubscribe"] == (
        f"<http://seminare.test/interesse/{token_of(subscription)}/abmelden>"
    )
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_same_subscription_again_mails_the_owner_instead_of_adding_one(app):
    subscribe()
    subscribe(" ilse.interesse@example.org ")
    [subscription] = subscriptions()
    first, second = mails_to(ADDRESS)
    assert second.kind == "interest_already_subscribed"
    assert manage_path(second) == manage_path(first)
    assert second.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Another region or topic is another subscription.
    subscribe(region="online")
    subscribe(key="recht")
    assert len(subscriptions()) == 3


def test_the_owner_is_told_once_however_often_others_ask_again(app):
    subscribe()
    for number in range(5):
        subscribe(ADDRESS, client=f"client-{number}")
    kinds = [mail.kind for mail in mails_to(ADDRESS)]
    assert kinds == ["interest_confirm_request", "interest_already_subscribed"]
    # After the confirmation period the owner may be told again.
    for mail in mails_to(ADDRESS):
        mail.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    subscribe(ADDRESS, client="client-9")
    assert [mail.kind for mail in mails_to(ADDRESS)][-1] == "interest_already_subscribed"
    assert len(mails_to(ADDRESS)) == 3


def test_a_client_holds_only_a_few_unconfirmed_subscriptions(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTEREST_PENDING_MAX_PER_CLIENT", 2)
    subscribe("a@example.org")
    subscribe("b@example.org")
    with pytest.raises(services.TooManyUnconfirmed):
        subscribe("c@example.org")
    db.session.rollback()
    # Refused before the address is looked at: an existing one gets no answer either.
    with pytest.raises(services.TooManyUnconfirmed):
        subscribe("a@example.org")
    db.session.rollback()
    subscribe("c@example.org", client="client-b")  # another client
    services.confirm(token_of(subscriptions()[0]), now=utcnow())
    db.session.commit()
    subscribe("d@example.org")  # a confirmed one no longer counts
    assert len(subscriptions()) == 4


def test_confirming_starts_after_the_alerts_known_so_far(app):
    seminar = factories.seminar()
    db.session.add(ProgrammeAlert(seminar_id=seminar.id))
    db.session.commit()
    subscribe()
    [subscription] = subscriptions()
    services.confirm(token_of(subscription), now=utcnow())
    db.session.commit()
    [subscription] = subscriptions()
    assert subscription.status == "confirmed" and subscription.client_key is None
    assert subscription.confirmed_at == subscription.renewed_at is not None
    assert subscription.last_alert_id == services.latest_alert_id() > 0
    services.confirm(token_of(subscription), now=utcnow())  # twice is fine


def test_an_unconfirmed_subscription_cannot_be_confirmed_after_its_time(app):
    subscribe()
    [subscription] = subscriptions()
    later = utcnow() + timedelta(hours=app.config["INTEREST_CONFIRMATION_HOURS"], minutes=1)
    with pytest.raises(services.LinkGone):
        services.confirm(token_of(subscription), now=later)


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "../" * 20, "ä" * 43])
def test_unknown_links_are_not_found(app, token):
    with pytest.raises(services.UnknownLink):
        services.overview(token, now=utcnow())
    with pytest.raises(services.UnknownLink):
        services.confirm(token, now=utcnow())


def test_unsubscribing_keeps_the_row_without_anything_personal(app):
    subscribe()
    [subscription] = subscriptions()
    token = token_of(subscription)
    assert services.unsubscribe(token, now=utcnow())
    db.session.commit()
    [ended] = subscriptions()
    assert ended.status == "ended" and ended.ended_at is not None
    assert ended.email == "" and ended.email_normalized is None
    assert ended.token_hash is None and ended.client_key is None
    [mail] = db.session.query(OutboxMessage).all()
    assert mail.recipient == "" and mail.body_text == "" and mail.headers == {}
    assert mail.status == "sent" and mail.outcome == "obsolete"  # never goes out now
    assert services.unsubscribe(token, now=utcnow()) is False  # twice is fine
    with pytest.raises(services.UnknownLink):
        services.overview(token, now=utcnow())


def test_the_new_date_list_is_only_for_full_or_closed_seminars(app):
    full = factories.seminar(capacity=1, waitlist_capacity=1)
    factories.fill(full, 1, waitlisted=1)
    closed = factories.seminar(registration_closes_at=utcnow() - timedelta(days=1))
    free = factories.seminar()
    draft = factories.seminar(status="draft")
    for seminar in (full, closed):
        services.subscribe_to_seminar(
            ADDRESS, seminar_id=seminar.id, locale="en", now=utcnow(), client_key=None
        )
        db.session.commit()
    with pytest.raises(services.NotPossible):
        services.subscribe_to_seminar(ADDRESS, seminar_id=free.id, locale="de", now=utcnow())
    with pytest.raises(NotFoundError):
        services.subscribe_to_seminar(ADDRESS, seminar_id=draft.id, locale="de", now=utcnow())
    db.session.rollback()
    assert [s.seminar_id for s in subscriptions()] == [full.id, closed.id]
    first = mails_to(ADDRESS)[0]
    assert first.subject == "Please confirm your notification" and full.title in first.body_text


def test_renewing_moves_the_end_and_needs_a_confirmation_first(app):
    subscribe()
    [subscription] = subscriptions()
    token = token_of(subscription)
    with pytest.raises(services.NotPossible):
        services.renew(token, now=utcnow())
    services.confirm(token, now=utcnow() - timedelta(days=400))
    subscription.renewal_requested_at = utcnow()
    db.session.commit()
    services.renew(token, now=utcnow())
    db.session.commit()
    [renewed] = subscriptions()
    assert renewed.renewal_requested_at is None
    assert renewed.renewed_at > renewed.confirmed_at + timedelta(days=399)


def test_every_mail_to_a_subscriber_offers_one_click_unsubscribe(app):
    from seminars.interest import retention

    subscribe()
    subscribe()  # already subscribed
    services.confirm(token_of(subscriptions()[0]), now=utcnow() - timedelta(days=720))
    db.session.commit()
    assert retention.request_renewals(utcnow()) == 1
    mails = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    assert [m.kind for m in mails] == [
        "interest_confirm_request",
        "interest_already_subscribed",
        "interest_renewal_request",
    ]
    for mail in mails:
        link = mail.headers["List-Unsubscribe"].strip("<>")
        assert link.endswith("/abmelden") and link in mail.body_text and link in mail.body_html
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
