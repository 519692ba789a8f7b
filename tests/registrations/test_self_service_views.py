"""The change page behind the personal link: /anmeldung/<token>/aendern."""

from datetime import timedelta

from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.extensions import db
from seminars.registrations.models import STATUS_CANCELLED, Registration
from tests import factories
from tests.conftest import csrf_token_from, field_error
from tests.registrations.test_self_service import link_for


def text(response) -> str:
    return response.get_data(as_text=True)


def a_registration(**fields) -> tuple[Registration, str]:
    registration = factories.registration(factories.seminar(**fields))
    registration.phone = "0361 111"
    registration.organisation = "SHG Alt"
    registration.need_step_free = True
    registration.needs_other = "Große Schrift"
    return registration, link_for(registration)


def form_data(page_html: str, **changes) -> dict:
    data = {
        "csrf_token": csrf_token_from(page_html),
        "first_name": "Erika",
        "last_name": "Muster",
        "organisation": "SHG Alt",
        "county": "",
        "phone": "0361 111",
        "need_step_free": "y",
        "needs_other": "Große Schrift",
        "remarks": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_personal_page_links_to_the_change_form(client):
    _, token = a_registration()
    page = text(client.get(f"/anmeldung/{token}"))
    assert f'href="/anmeldung/{token}/aendern"' in page and "Angaben ändern" in page


def test_the_form_shows_the_current_values_and_no_email_field(client):
    registration, token = a_registration()
    response = client.get(f"/anmeldung/{token}/aendern")
    page = text(response)
    assert response.status_code == 200
    assert 'value="0361 111"' in page and 'value="SHG Alt"' in page
    assert '<input checked id="need_step_free"' in page
    assert "Große Schrift</textarea>" in page
    assert registration.email in page and 'id="email"' not in page
    assert 'id="consent"' not in page and 'id="website"' not in page
    assert "lässt sich hier nicht ändern" in page


def test_a_change_is_saved_shown_and_visible_to_staff(client, login):
    registration, token = a_registration()
    page = text(client.get(f"/anmeldung/{token}/aendern"))
    response = client.post(
        f"/anmeldung/{token}/aendern",
        data=form_data(page, phone="0361 222", need_hearing_loop="y", remarks="Zug"),
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/anmeldung/{token}"
    assert "Ihre Angaben sind geändert." in text(client.get(f"/anmeldung/{token}"))
    db.session.expire_all()
    changed = db.session.get(Registration, registration.id)
    assert (changed.phone, changed.need_hearing_loop, changed.remarks) == ("0361 222", True, "Zug")
    login("staff")
    staff_page = text(client.get(f"/verwaltung/anmeldungen/{registration.id}"))
    assert "Induktive Höranlage" in staff_page and "Zug" in staff_page
    # the change log names the action in words, not by its code
    assert "Angaben selbst geändert" in staff_page
    assert "registration.self_update" not in staff_page


def test_invalid_input_is_refused_with_errors_under_the_fields(client):
    registration, token = a_registration()
    page = text(client.get(f"/anmeldung/{token}/aendern"))
    response = client.post(
        f"/anmeldung/{token}/aendern",
        data=form_data(page, first_name="", phone="abc", email="other@example.org"),
    )
    html = text(response)
    assert response.status_code == 422
    assert field_error(html, "first_name") and field_error(html, "phone")
    assert 'value="abc"' in html
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).email == registration.email
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_a_refused_assistant_shows_under_its_checkbox(client):
    registration, token = a_registration(capacity=1)
    page = text(client.get(f"/anmeldung/{token}/aendern"))
    response = client.post(
        f"/anmeldung/{token}/aendern", data=form_data(page, need_personal_assistant="y")
    )
    assert response.status_code == 422
    assert "kein weiterer Platz" in field_error(text(response), "need_personal_assistant")


def test_after_the_deadline_the_page_says_why_and_the_post_is_refused(client):
    registration, token = a_registration(starts_in=timedelta(hours=24))
    response = client.get(f"/anmeldung/{token}/aendern")
    assert response.status_code == 200
    page = text(response)
    assert "So kurz vor dem Seminar" in page and 'id="first_name"' not in page
    other_page = text(client.get("/verwaltung/anmelden"))  # any page with the CSRF token
    response = client.post(
        f"/anmeldung/{token}/aendern", data=form_data(other_page, phone="0361 999")
    )
    assert response.status_code == 422 and "So kurz vor dem Seminar" in text(response)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).phone == "0361 111"


def test_a_cancelled_registration_cannot_be_changed(client):
    registration, token = a_registration()
    page = text(client.get(f"/anmeldung/{token}/aendern"))
    registration.status = STATUS_CANCELLED
    registration.holds_seat = False
    db.session.commit()
    assert "nicht mehr aktiv" in text(client.get(f"/anmeldung/{token}/aendern"))
    assert 'href="/anmeldung/' + token + '/aendern"' not in text(client.get(f"/anmeldung/{token}"))
    response = client.post(f"/anmeldung/{token}/aendern", data=form_data(page, phone="1234"))
    assert response.status_code == 422 and "nicht mehr aktiv" in text(response)


def test_the_change_pages_keep_the_link_private(client):
    _, token = a_registration()
    shown = client.get(f"/anmeldung/{token}/aendern")
    refused = client.post(f"/anmeldung/{token}/aendern", data=form_data(text(shown), first_name=""))
    saved = client.post(f"/anmeldung/{token}/aendern", data=form_data(text(shown)))
    assert (shown.status_code, refused.status_code, saved.status_code) == (200, 422, 303)
    for response in (shown, refused, saved):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"


def test_a_post_without_csrf_token_changes_nothing(client):
    registration, token = a_registration()
    page = text(client.get(f"/anmeldung/{token}/aendern"))
    response = client.post(
        f"/anmeldung/{token}/aendern", data=form_data(page, csrf_token=None, phone="0361 999")
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).phone == "0361 111"


def test_unknown_links_are_404(client):
    assert client.get("/anmeldung/" + "x" * 43 + "/aendern").status_code == 404
    assert client.post("/anmeldung/" + "x" * 43 + "/aendern", data={}).status_code in (400, 404)
