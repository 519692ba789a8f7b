"""Staff find the one person who asks, not their family: a name search needs first name,
last name and postcode; a phone number is compared as a number; when a search still finds
several people (a shared landline), staff choose one and only that one is exported or
erased. Hans and Greta Müller live together in Erfurt and share the phone."""

from __future__ import annotations

import json
import re

import pytest

from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.privacy import services
from seminars.privacy.services import PersonQuery
from seminars.registrations import staff
from seminars.registrations.models import Registration
from seminars.registrations.person_key import key_without_email, person_key
from seminars.registrations.phone_numbers import normalise_phone
from tests import factories
from tests.conftest import csrf_token_from
from tests.privacy.test_erasure import dump_every_table

HOME = {
    "last_name": "Müller",
    "email": "",
    "phone": "0361 123456",
    "street": "Krämerbrücke 7",
    "postcode": "99084",
    "city": "Erfurt",
}
HANS = {**HOME, "first_name": "Hans", "organisation": "Kreuzbund Erfurt"}
GRETA = {**HOME, "first_name": "Greta", "organisation": "Al-Anon Erfurt"}


def book(seminar, person: dict, **changes) -> Registration:
    applicant = factories.applicant(**{**person, **changes}, channel="post")
    registration = staff.register_by_phone(seminar.id, applicant, actor=None, now=utcnow())
    db.session.commit()
    return registration


@pytest.fixture
def family(app):
    hans = book(factories.seminar("Gruppen leiten", capacity=5), HANS)
    greta = book(factories.seminar("Recht in der Gruppe", capacity=5), GRETA)
    return hans, greta


def search(client, **fields):
    token = csrf_token_from(client.get("/verwaltung/personendaten").get_data(as_text=True))
    return client.post("/verwaltung/personendaten", data={**fields, "csrf_token": token})


def people_on(html: str) -> dict[str, str]:
    """The person choices on the page: label text -> the value its radio sends."""
    values = dict(re.findall(r'id="person-(\d+)" name="person" value="([^"]+)"', html))
    labels = dict(re.findall(r'<label for="person-(\d+)">([^<]+)</label>', html))
    return {labels[index].strip(): value for index, value in values.items()}


def test_a_name_search_finds_the_person_named_not_the_family(family, client, login):
    login("staff")
    hans, greta = family
    page = search(client, first_name="hans", last_name="MÜLLER", postcode="99084")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 Anmeldung gefunden" in html and "Hans Müller" in html and "Greta" not in html
    query = PersonQuery(first_name="Hans", last_name="Müller", postcode="99084")
    exported = services.export_person(query)["registrations"]
    assert [r["first_name"] for r in exported] == ["Hans"]


def test_a_name_search_without_first_name_is_refused_under_the_field(family, client, login):
    login("staff")
    page = search(client, last_name="Müller", postcode="99084")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Bitte geben Sie auch den Vornamen an" in html
    assert 'id="first_name-error"' in html and 'aria-invalid="true"' in html
    assert "gefunden" not in html.split("</form>")[-1]  # no result shown


def test_a_shared_phone_number_lists_both_and_erases_only_the_chosen(family, client, login):
    login("staff")
    hans, greta = family
    page = search(client, contact="0361 / 12 34 56")
    html = page.get_data(as_text=True)
    assert "2 Personen gefunden" in html
    choices = people_on(html)
    hans_id = next(v for label, v in choices.items() if label.startswith("Hans Müller"))
    greta_id = next(v for label, v in choices.items() if label.startswith("Greta Müller"))
    assert hans_id != greta_id
    # No export or erase button before a person is chosen.
    assert "/verwaltung/personendaten/loeschen" not in html
    token = csrf_token_from(html)
    query = {"contact": "0361 / 12 34 56", "csrf_token": token}

    # Choosing nobody is refused; nothing happens to either.
    refused = client.post("/verwaltung/personendaten", data={**query, "choosing": "1"})
    assert refused.status_code == 422 and "Bitte wählen Sie die Person aus" in refused.text
    refused = client.post("/verwaltung/personendaten/loeschen", data=query)
    assert refused.status_code == 422 and "Bitte wählen Sie die Person aus" in refused.text
    assert client.post("/verwaltung/personendaten.json", data=query).status_code == 422
    dump = dump_every_table()
    assert "hans" in dump and "greta" in dump

    chosen = client.post("/verwaltung/personendaten", data={**query, "person": greta_id})
    assert "1 Anmeldung gefunden" in chosen.text and "Hans" not in chosen.text.split("<h2")[-1]
    exported = json.loads(
        client.post("/verwaltung/personendaten.json", data={**query, "person": greta_id}).data
    )
    assert [r["first_name"] for r in exported["registrations"]] == ["Greta"]

    erased = client.post("/verwaltung/personendaten/loeschen", data={**query, "person": hans_id})
    assert erased.status_code == 303
    db.session.expire_all()
    dump = dump_every_table()
    assert "hans" not in dump and "kreuzbund erfurt" not in dump
    assert "greta" in dump and "al-anon erfurt" in dump and "krämerbrücke 7" in dump
    kept = db.session.get(Registration, greta.id)
    assert (kept.first_name, kept.phone, kept.status) == ("Greta", "0361 123456", greta.status)
    assert db.session.get(Registration, hans.id).status == "cancelled"
    # Now the number finds Greta alone, in one step.
    again = search(client, contact="0361 123456").get_data(as_text=True)
    assert "1 Anmeldung gefunden" in again and "Greta Müller" in again


@pytest.mark.parametrize(
    "typed",
    ["+49 361 123456", "0049 361 123456", "+49 (0) 361 123456", "(0361) 12 34-56"],
)
def test_a_number_is_found_however_it_is_written(family, typed):
    found = services.export_person(PersonQuery(contact=typed, first_name="Hans"))
    assert [r["first_name"] for r in found["registrations"]] == ["Hans"]


def test_a_number_stored_with_country_code_is_found_by_the_national_form(app):
    book(factories.seminar(), HANS, phone="+49 (0)361 654321")
    book(factories.seminar(), HANS, phone="0049-361-654321")
    found = services.export_person(PersonQuery(contact="0361 654321"))
    assert len(found["registrations"]) == 2


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0361 123456", "0361123456"),
        ("+49 361 123456", "0361123456"),
        ("0049 361 123456", "0361123456"),
        ("+49 (0) 361 123456", "0361123456"),
        ("+43 1 234567", "00431234567"),
        ("0043 1 234567", "00431234567"),
        ("", ""),
    ],
)
def test_normalise_phone(typed, number):
    assert normalise_phone(typed) == number


def test_the_key_without_email_follows_the_number_not_its_spelling(app):
    with app.test_request_context():
        people = [
            factories.applicant(**{**HANS, "phone": p}) for p in ("+49 361 123456", "0361 123456")
        ]
        assert key_without_email(people[0]) == key_without_email(people[1])
        greta = factories.applicant(**GRETA)
        assert key_without_email(greta) != key_without_email(people[1])
        # Keys of people with e-mail are what they were.
        registration = book(factories.seminar(), {**HANS, "email": "hans@example.org"})
        assert registration.person_key == person_key("hans@example.org")


def test_a_shared_email_address_is_two_people_and_needs_a_choice(app):
    shared = "familie.mueller@example.org"
    hans = book(factories.seminar(), {**HANS, "email": shared})
    book(factories.seminar(), {**GRETA, "email": shared})
    people = services.people(PersonQuery(contact=shared))
    assert len(people) == 2
    with pytest.raises(DomainError):
        services.erase_person(shared, actor=None, now=utcnow())
    hans_id = next(pid for pid, items in people if items[0]["first_name"] == "Hans")
    assert services.erase_person(shared, actor=None, now=utcnow(), person=hans_id) == 1
    db.session.commit()
    left = services.people(PersonQuery(contact=shared))
    assert [items[0]["first_name"] for _, items in left] == ["Greta"]
    assert db.session.get(Registration, hans.id).first_name == ""
