"""The change log on a seminar's and a registration's page, and the whole log for admins."""

from datetime import UTC, datetime

import pytest

from seminars.audit.models import AuditEntry
from seminars.audit.services import record
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.privacy import services as privacy
from tests import factories

LOG = "/verwaltung/protokoll"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_seminars_page_shows_the_log_in_words(client, login):
    actor = login("staff")
    seminar = factories.seminar()
    registration = factories.registration(seminar)
    record(
        actor,
        "seminar.status",
        seminar=seminar,
        before={"status": "draft"},
        after={"status": "published"},
    )
    record(
        actor,
        "registration.cancel",
        registration=registration,
        before={"status": "confirmed"},
        after={"status": "cancelled"},
        note="Krank",
    )
    db.session.commit()
    page = _text(client.get(f"/verwaltung/seminare/{seminar.id}"))
    assert "Status geändert" in page and "Entwurf → Veröffentlicht" in page
    assert "Anmeldung storniert" in page and "bestätigt → abgesagt" in page
    assert f"Vorname {registration.last_name}" in page and "Krank" in page
    assert actor.name in page
    assert "seminar.status" not in page and "draft" not in page


def test_a_registrations_page_shows_its_log_in_words(client, login):
    login("staff")
    registration = factories.registration(factories.seminar())
    record(
        None,
        "registration.update",
        registration=registration,
        before={"phone": None},
        after={"phone": "0361 5"},
    )
    db.session.commit()
    page = _text(client.get(f"/verwaltung/anmeldungen/{registration.id}"))
    assert "Kontaktdaten korrigiert" in page
    assert '<span class="meta">Telefon:</span> – → 0361 5' in page
    assert "System" in page and "None" not in page


@pytest.mark.parametrize("role", ["staff", "steering"])
def test_only_admins_open_the_whole_log(client, login, role):
    login(role)
    assert client.get(LOG).status_code == 403
    assert 'href="/verwaltung/protokoll"' not in client.get("/verwaltung/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login(client):
    assert client.get(LOG).status_code == 302


def test_admins_find_the_log_in_the_navigation(client, login):
    login("admin")
    assert 'href="/verwaltung/protokoll"' in _text(client.get("/verwaltung/"))


def _world():
    """Two staff members, two seminars, entries on several days (Berlin time)."""
    anna, ben = factories.user("staff"), factories.user("staff")
    anna.name, ben.name = "Anna Arndt", "Ben Brandt"
    first, second = factories.seminar(title="Erstes Seminar"), factories.seminar(title="Zweites")
    entries = [
        (anna, "seminar.create", first, datetime(2027, 3, 1, 10, tzinfo=UTC)),
        (ben, "seminar.update", first, datetime(2027, 3, 2, 23, 30, tzinfo=UTC)),  # 3.3. Berlin
        (anna, "seminar.cancel", second, datetime(2027, 3, 5, 10, tzinfo=UTC)),
        (None, "seminar.status", second, datetime(2027, 3, 6, 10, tzinfo=UTC)),
    ]
    for actor, action, seminar, at in entries:
        record(actor, action, seminar=seminar).at = at
    db.session.commit()
    return anna, ben, first, second


def _actions(page: str) -> list[str]:
    words = ["Seminar angelegt", "Seminar geändert", "Seminar abgesagt", "Status geändert"]
    found = [(page.index(f"<td>{w}"), w) for w in words if f"<td>{w}" in page]
    return [w for _position, w in sorted(found)]


def test_the_log_lists_every_entry_newest_first_with_labelled_filters(client, login):
    login("admin")
    _world()
    page = _text(client.get(LOG))
    assert _actions(page) == [
        "Status geändert",
        "Seminar abgesagt",
        "Seminar geändert",
        "Seminar angelegt",
    ]
    for control in ("actor", "action", "seminar", "since", "until"):
        assert f'<label for="{control}">' in page and f'id="{control}"' in page
    assert "Anna Arndt" in page and "Erstes Seminar" in page


def test_the_log_filters_by_who_what_when_and_seminar(client, login):
    login("admin")
    anna, ben, first, second = _world()
    assert _actions(_text(client.get(LOG, query_string={"actor": anna.id}))) == [
        "Seminar abgesagt",
        "Seminar angelegt",
    ]
    assert _actions(_text(client.get(LOG, query_string={"actor": "system"}))) == ["Status geändert"]
    assert _actions(_text(client.get(LOG, query_string={"action": "seminar.update"}))) == [
        "Seminar geändert"
    ]
    assert _actions(_text(client.get(LOG, query_string={"seminar": second.id}))) == [
        "Status geändert",
        "Seminar abgesagt",
    ]
    # days in Berlin: the entry at 23:30 UTC on 2 March is 00:30 on 3 March
    dated = _text(client.get(LOG, query_string={"since": "2027-03-03", "until": "2027-03-05"}))
    assert _actions(dated) == ["Seminar abgesagt", "Seminar geändert"]
    assert _actions(_text(client.get(LOG, query_string={"until": "2027-03-02"}))) == [
        "Seminar angelegt"
    ]


@pytest.mark.parametrize(
    ("query", "explained"),
    [
        ({"actor": "x"}, True),
        ({"seminar": "-1"}, True),
        ({"since": "gestern"}, True),
        ({"until": "2027-02-30"}, True),
        ({"since": "2027-03-05", "until": "2027-03-01"}, True),
        ({"since": "99999-01-01"}, True),
        ({"page": "999999999"}, False),
        ({"action": "\x00" * 300}, False),
    ],
)
def test_malformed_filters_are_explained_not_errors(client, login, query, explained):
    login("admin")
    _world()
    page = _text(client.get(LOG, query_string=query))
    assert ("Nicht alle Filter konnten angewendet werden" in page) is explained


def test_the_log_is_paginated(client, login, monkeypatch):
    from seminars.audit import log

    monkeypatch.setattr(log, "PER_PAGE", 3)
    login("admin")
    _world()
    first = _text(client.get(LOG))
    assert len(_actions(first)) == 3 and "Seite 1 von 2" in first
    second = _text(client.get(LOG, query_string={"page": 2}))
    assert _actions(second) == ["Seminar angelegt"]


def test_the_log_does_not_reveal_erased_people(client, login):
    login("admin")
    registration = factories.registration(factories.seminar())
    record(
        None,
        "registration.create_by_staff",
        registration=registration,
        after={"status": "confirmed", "email": registration.email},
        note="Hat angerufen",
    )
    db.session.commit()
    name, email = registration.last_name, registration.email
    before = _text(client.get(LOG))
    assert name in before and email in before and "Hat angerufen" in before
    privacy.erase_person(email, actor=None, now=utcnow())
    db.session.commit()
    after = _text(client.get(LOG))
    assert "Anmeldung eingetragen (telefonisch)" in after
    assert name not in after and email not in after
    assert "Hat angerufen" not in after
    assert f"Anmeldung Nr. {registration.id}" in after


def _entries_about_everything(count: int) -> None:
    """``count`` entries, each naming its own staff member, seminar, topic, venue and person."""
    for number in range(count // 2):
        actor = factories.user("staff")
        seminar = factories.seminar(title=f"Seminar {number}")
        registration = factories.registration(seminar)
        record(
            actor,
            "seminar.update",
            seminar=seminar,
            before={"topic_id": seminar.topic_id, "venue_id": seminar.venue_id},
            after={"venue_id": None},
        )
        record(
            actor, "registration.cancel", registration=registration, after={"status": "cancelled"}
        )
    db.session.commit()


def test_the_log_page_runs_the_same_queries_for_2_and_20_entries(client, login, count_queries):
    login("admin")

    def measure() -> tuple[int, int]:
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get(LOG)
        assert page.status_code == 200
        return counter.count, page.get_data(as_text=True).count("<td>Anmeldung storniert")

    _entries_about_everything(2)
    measure()  # caches that fill once
    few, shown_few = measure()
    _entries_about_everything(18)
    many, shown_many = measure()
    assert (shown_few, shown_many) == (1, 10)
    assert db.session.query(AuditEntry).count() == 20
    assert many == few
