"""A refusal of the planning services appears under the form field it is about."""

from sqlalchemy import select

from seminars.extensions import db
from seminars.programme.models import Seminar, Topic
from tests import factories
from tests.conftest import csrf_token_from
from tests.field_errors import field_error


def _seminar_form(client, url: str, **changes) -> dict:
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    values = {
        "code": "SID-FELD-1",
        "title": "Pressearbeit",
        "topic_id": "1",
        "format": "online",
        "venue_id": "0",
        "sessions": "2027-06-05 09:30-16:00",
        "capacity": "12",
        "waitlist_capacity": "5",
        "teaching_units": "8",
        "csrf_token": token,
    }
    values.update(changes)
    return values


def test_a_seminar_in_person_without_a_venue_is_refused_under_the_venue(client, login):
    login("staff")
    url = "/verwaltung/seminare/neu"
    refused = client.post(url, data=_seminar_form(client, url, format="in_person"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert field_error(page, "venue_id") == "Präsenz- und Hybridseminare brauchen einen Ort."
    assert field_error(page, "code") is None
    assert db.session.scalars(select(Seminar).where(Seminar.code == "SID-FELD-1")).all() == []


def test_a_code_another_seminar_has_is_refused_under_the_code(client, login):
    login("staff")
    other = factories.seminar()
    url = "/verwaltung/seminare/neu"
    refused = client.post(url, data=_seminar_form(client, url, code=other.code.lower()))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert field_error(page, "code") == "Diese Kennung hat schon ein anderes Seminar."


def test_an_edit_that_loses_the_venue_is_refused_under_the_venue(client, login):
    login("staff")
    seminar = factories.seminar(seminar_format="online")
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    values = _seminar_form(
        client, url, code=seminar.code, format="hybrid", version=str(seminar.version)
    )
    refused = client.post(url, data=values)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert field_error(page, "venue_id") == "Präsenz- und Hybridseminare brauchen einen Ort."
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).format == "online"


def test_a_save_over_a_newer_version_shows_what_is_saved_now(client, login):
    login("staff")
    seminar = factories.seminar(seminar_format="online")
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    stale = _seminar_form(client, url, code=seminar.code, version=str(seminar.version))
    assert client.post(url, data={**stale, "title": "Gespeichert"}).status_code == 303
    conflict = client.post(url, data={**stale, "title": "Überschrieben?"})
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "inzwischen geändert" in page
    assert 'value="Gespeichert"' in page and "Überschrieben?" not in page
    assert "Bitte prüfen Sie Ihre Angaben" not in page  # nothing wrong with the input itself
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).title == "Gespeichert"


def test_a_topic_key_that_is_taken_is_refused_under_the_key(client, login):
    login("staff")
    taken = db.session.scalars(select(Topic.key).order_by(Topic.id)).first()
    token = csrf_token_from(client.get("/verwaltung/themen/neu").get_data(as_text=True))
    refused = client.post(
        "/verwaltung/themen/neu",
        data={"key": taken, "name_de": "X", "name_en": "X", "csrf_token": token},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert field_error(page, "key") == "Diesen Schlüssel hat schon ein Themenbereich."
