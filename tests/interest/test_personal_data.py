"""Export and erasure reach interest subscriptions, found by the address: checked the way an
attacker with a copy of the database would, by searching every row of every table."""

from __future__ import annotations

import json
from datetime import timedelta

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.interest import links
from seminars.outbox.services import deliver
from seminars.privacy import services as privacy
from seminars.registrations import allocation
from tests import factories
from tests.conftest import csrf_token_from
from tests.interest.helpers import subscriptions, topic_id
from tests.privacy.test_erasure import dump_every_table

ADDRESS = "Hiltrud.Hoffnungsvoll@Example.org"


def subscribe_everywhere(client) -> list[str]:
    """The address on a topic list (confirmed) and a new-date list (unconfirmed), subscribed
    through the pages; returns the tokens of their links."""
    client.post(
        "/interesse/thema",
        data={"interest-topic": str(topic_id()), "interest-region": "online",
              "interest-email": ADDRESS},
    )  # fmt: skip
    full = factories.seminar("Ausgebucht", capacity=1, waitlist_capacity=0)
    factories.fill(full, 1)
    page = client.get(f"/seminare/{full.id}").get_data(as_text=True)
    token = page.split('name="new_date-csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        f"/interesse/seminar/{full.id}",
        data={"new_date-email": ADDRESS, "new_date-csrf_token": token},
    )
    topic, seminar = subscriptions()
    from seminars.interest import services

    services.confirm(links.token_for(topic), now=utcnow())
    db.session.commit()
    return [links.token_for(s) for s in (topic, seminar)]


def traces(tokens: list[str]) -> list[str]:
    dump = dump_every_table()
    found = [ADDRESS.lower()] if ADDRESS.lower() in dump else []
    found += [t for t in tokens if t.lower() in dump]
    return found + [links.token_hash(t) for t in tokens if links.token_hash(t) in dump]


def test_export_lists_the_subscriptions_of_an_address_without_registrations(app, client):
    subscribe_everywhere(client)
    exported = privacy.export_person(ADDRESS.upper())
    assert exported["registrations"] == []
    topic, seminar = exported["interest_subscriptions"]
    assert topic["status"] == "confirmed" and topic["region"] == "online"
    assert topic["topic"].startswith("Gruppenleitung") and topic["confirmed_at"]
    assert seminar["status"] == "pending" and seminar["seminar"]["title"] == "Ausgebucht"
    assert [m["kind"] for m in topic["mails"]] == ["interest_confirm_request"]
    assert exported["interest_subscriptions"][0]["email"] == ADDRESS


def test_erasure_leaves_the_subscriber_nowhere(app, client, login, smtp_server):
    tokens = subscribe_everywhere(client)
    # The same person registered for a seminar, too.
    allocation.register(factories.seminar().id, factories.applicant(email=ADDRESS), now=utcnow())
    db.session.commit()
    deliver()  # some mail went out, the rest waits
    assert smtp_server.messages
    assert traces(tokens)  # there before

    login("staff")
    page = client.post(
        "/verwaltung/personendaten",
        data={"contact": ADDRESS,
              "csrf_token": csrf_token_from(client.get("/verwaltung/personendaten").text)},
    ).get_data(as_text=True)  # fmt: skip
    assert "2 Benachrichtigungen über neue Seminare" in page
    response = client.post(
        "/verwaltung/personendaten/loeschen",
        data={"contact": ADDRESS.lower(), "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert traces(tokens) == []
    # The rows stay, without the address, for the demand figures.
    assert [s.status for s in subscriptions()] == ["ended", "ended"]
    assert (
        json.loads(
            client.post(
                "/verwaltung/personendaten.json",
                data={"contact": ADDRESS, "csrf_token": csrf_token_from(page)},
            ).data
        )["interest_subscriptions"]
        == []
    )


def test_staff_can_erase_someone_who_only_subscribed(app, client, login):
    tokens = subscribe_everywhere(client)
    login("staff")
    form = client.get("/verwaltung/personendaten").get_data(as_text=True)
    page = client.post(
        "/verwaltung/personendaten", data={"contact": ADDRESS, "csrf_token": csrf_token_from(form)}
    ).get_data(as_text=True)
    assert "0 Anmeldungen gefunden" in page and "Personendaten löschen" in page
    response = client.post(
        "/verwaltung/personendaten/loeschen",
        data={"contact": ADDRESS, "csrf_token": csrf_token_from(form)},
    )
    assert response.status_code == 303
    flashed = client.get("/verwaltung/personendaten").get_data(as_text=True)
    assert "2 Benachrichtigungen über neue Seminare sind beendet" in flashed
    db.session.expire_all()
    assert traces(tokens) == []


def test_deleting_a_seminar_leaves_no_address_of_its_interest_list(app):
    """A seminar without registrations may be deleted; its interest list goes with it, and
    the confirmation mail still waiting must not keep the address behind."""
    from seminars.interest import services as interest
    from seminars.planning import services as planning

    seminar = factories.seminar(
        "Bald gelöscht", registration_closes_at=utcnow() - timedelta(days=1)
    )
    interest.subscribe_to_seminar(
        "loeschen@example.org", seminar_id=seminar.id, locale="de", now=utcnow(), client_key="k"
    )
    db.session.commit()
    planning.delete_seminar(seminar.id, actor=None)
    db.session.commit()
    assert "loeschen@example.org" not in dump_every_table()
