"""The forms on the catalogue and on a full seminar, and the subscriber's pages."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import deliver
from tests import factories
from tests.conftest import csrf_token_from, field_error
from tests.interest.helpers import ADDRESS, mails_to, manage_path, subscriptions, topic_id

SENT = "Bitte prüfen Sie Ihr Postfach"


def new_date_token(html: str) -> str:
    """The CSRF token of the new-date form (its fields carry the prefix "new_date-")."""
    return re.search(r'name="new_date-csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def topic_form(address: str = ADDRESS, **fields) -> dict:
    return {
        "interest-topic": str(topic_id()),
        "interest-region": "th-erfurt",
        "interest-email": address,
        **fields,
    }


def test_the_catalogue_offers_the_form_without_a_session_token(client):
    html = client.get("/?topic=recht").get_data(as_text=True)
    form = html[html.index('id="benachrichtigung"') :]
    assert "Benachrichtigen Sie mich über neue Seminare" in form
    assert f'<option value="{topic_id("recht")}" selected>' in form  # the filtered topic
    for region in ("überall</option>", 'value="online">online', "Saale-Holzland-Kreis"):
        assert region in form
    assert 'href="/datenschutz"' in form and "abbestellen" in form
    # The page is cached and shared between visitors: no token of anybody's session.
    assert "csrf_token" not in html
    assert 'id="benachrichtigung"' not in client.get("/archiv").get_data(as_text=True)


def test_subscribing_from_the_catalogue_says_check_your_mailbox(client):
    response = client.post("/interesse/thema", data=topic_form())
    assert response.status_code == 303 and response.headers["Location"] == "/interesse/gesendet"
    page = client.get("/interesse/gesendet")
    assert SENT in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    [subscription] = subscriptions()
    assert (subscription.topic_id, subscription.region) == (topic_id(), "th-erfurt")
    # The same address again: the same answer, and the owner is told by mail.
    again = client.post("/interesse/thema", data=topic_form(ADDRESS.upper()))
    assert again.status_code == 303 and again.headers["Location"] == "/interesse/gesendet"
    assert len(subscriptions()) == 1
    assert [m.kind for m in mails_to(ADDRESS)] == [
        "interest_confirm_request",
        "interest_already_subscribed",
    ]


def test_form_errors_show_the_form_again_with_linked_messages(client):
    response = client.post(
        "/interesse/thema", data=topic_form("keine-adresse", **{"interest-topic": "99999"})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert 'href="#interest-email"' in html and 'href="#interest-topic"' in html
    assert "vollständige E-Mail-Adresse" in field_error(html, "interest-email")
    assert subscriptions() == []
    missing_region = client.post("/interesse/thema", data=topic_form(**{"interest-region": "x"}))
    assert missing_region.status_code == 422 and subscriptions() == []


def test_a_form_sent_from_another_site_is_refused(client):
    response = client.post(
        "/interesse/thema", data=topic_form(), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 400
    assert "Formular auf unserer Seite" in response.get_data(as_text=True)
    assert subscriptions() == []


def test_subscribing_is_rate_limited(app, client):
    app.config["INTEREST_RATE_LIMIT"] = "2 per minute"
    for number in range(2):
        assert (
            client.post("/interesse/thema", data=topic_form(f"{number}@example.org")).status_code
            == 303
        )
    refused = client.post("/interesse/thema", data=topic_form("3@example.org"))
    assert refused.status_code == 429
    assert "Zu viele Anfragen" in refused.get_data(as_text=True)
    assert len(subscriptions()) == 2


def test_the_cap_per_client_is_explained_on_the_form(app, client):
    app.config["INTEREST_PENDING_MAX_PER_CLIENT"] = 1
    assert client.post("/interesse/thema", data=topic_form("a@example.org")).status_code == 303
    refused = client.post("/interesse/thema", data=topic_form("b@example.org"))
    assert refused.status_code == 422
    assert "warten schon mehrere Benachrichtigungen" in refused.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert other.post("/interesse/thema", data=topic_form("b@example.org")).status_code == 303
    assert len(subscriptions()) == 2


def full_seminar():
    seminar = factories.seminar("Voll besetzt", capacity=1, waitlist_capacity=1)
    factories.fill(seminar, 1, waitlisted=1)
    return seminar


def test_a_full_seminar_offers_the_list_for_a_new_date(client):
    seminar = full_seminar()
    page = client.get(f"/seminare/{seminar.id}").get_data(as_text=True)
    assert "Benachrichtigen Sie mich, wenn es einen neuen Termin gibt" in page
    assert "Benachrichtigen Sie mich, wenn" not in client.get(
        f"/seminare/{factories.seminar().id}"
    ).get_data(as_text=True)
    past = factories.seminar(starts_in=timedelta(days=-3))
    assert "einen neuen Termin gibt" not in client.get(f"/seminare/{past.id}").get_data(
        as_text=True
    )
    response = client.post(
        f"/interesse/seminar/{seminar.id}",
        data={"new_date-email": ADDRESS, "new_date-csrf_token": new_date_token(page)},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/interesse/gesendet"
    [subscription] = subscriptions()
    assert subscription.seminar_id == seminar.id and subscription.topic_id is None
    # Without the form's token nothing happens.
    forged = client.post(f"/interesse/seminar/{seminar.id}", data={"new_date-email": "x@e.org"})
    assert forged.status_code == 400 and len(subscriptions()) == 1
    wrong = client.post(
        f"/interesse/seminar/{seminar.id}",
        data={"new_date-email": "", "new_date-csrf_token": new_date_token(page)},
    )
    assert wrong.status_code == 422 and 'href="#new_date-email"' in wrong.get_data(as_text=True)


def test_confirm_on_the_page_never_by_opening_the_link(client):
    client.post("/interesse/thema", data=topic_form())
    path = manage_path(mails_to(ADDRESS)[0])
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Gruppenleitung" in html and "Erfurt (Stadt)" in html and ADDRESS in html
    assert subscriptions()[0].status == "pending"  # opening the link confirms nothing
    response = client.post(f"{path}/bestaetigen", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 303
    assert subscriptions()[0].status == "confirmed"
    confirmed = client.get(path).get_data(as_text=True)
    assert "Bestätigt" in confirmed and "Benachrichtigung verlängern" in confirmed
    renewed = client.post(f"{path}/verlaengern", data={"csrf_token": csrf_token_from(html)})
    assert renewed.status_code == 303


def test_one_click_unsubscribe_needs_no_form_token_and_opening_the_link_ends_nothing(client):
    client.post("/interesse/thema", data=topic_form())
    path = manage_path(mails_to(ADDRESS)[0])
    page = client.get(f"{path}/abmelden")
    assert page.status_code == 200 and "Ja, abbestellen" in page.get_data(as_text=True)
    assert subscriptions()[0].status == "pending"
    # What a mail program sends (RFC 8058): no session, no CSRF token.
    mail_program = client.application.test_client()
    response = mail_program.post(f"{path}/abmelden", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 303 and response.headers["Location"] == "/interesse/abgemeldet"
    [ended] = subscriptions()
    assert ended.status == "ended" and ended.email == ""
    assert "keine E-Mails mehr" in client.get("/interesse/abgemeldet").get_data(as_text=True)
    again = mail_program.post(f"{path}/abmelden", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 303  # twice is fine
    gone = client.get(path)
    assert gone.status_code == 404 and "Diesen Link kennen wir nicht" in gone.get_data(as_text=True)


def test_junk_links_get_a_friendly_page_never_an_error(client):
    for token in ("x", "a" * 43, "%00" * 20, "ä" * 50, "a" * 500):
        for path in (f"/interesse/{token}", f"/interesse/{token}/abmelden"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "Diesen Link kennen wir nicht" in response.get_data(as_text=True)
        for action in ("bestaetigen", "verlaengern"):
            assert client.post(f"/interesse/{token}/{action}").status_code in (400, 404)
    assert client.post("/interesse/" + "x" * 3 + "/abmelden").status_code == 404


def test_an_expired_confirmation_link_says_so(app, client):
    client.post("/interesse/thema", data=topic_form())
    subscription = subscriptions()[0]
    subscription.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    response = client.get(manage_path(mails_to(ADDRESS)[0]))
    assert response.status_code == 410 and "Frist" in response.get_data(as_text=True)


def test_every_subscriber_mail_carries_one_click_unsubscribe_also_over_smtp(client, smtp_server):
    client.post("/interesse/thema", data=topic_form())
    client.post("/interesse/thema", data=topic_form())
    deliver()
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        unsubscribe = message["List-Unsubscribe"]
        assert re.fullmatch(
            r"<http://seminare\.test/interesse/[A-Za-z0-9_-]{43}/abmelden>", unsubscribe
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert unsubscribe.strip("<>") in body  # and the text names the link too
    # Once sent, the database keeps neither the text nor the headers: a copy of it holds no
    # link that could end the subscription.
    db.session.expire_all()
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("interest_%")))
    for row in sent:
        assert row.status == "sent" and row.headers == {} and row.body_text == ""
