import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Attendance, Registration
from tests import factories
from tests.conftest import csrf_token_from, field_error

FORM = {
    "first_name": "Erika",
    "last_name": "Mustermann",
    "email": "erika@example.org",
    "organisation": "SHG Morbus Crohn Erfurt",
    "county": "th-erfurt",
    "phone": "0361 123456",
    "need_sign_language": "y",
    "needs_other": "Bitte große Schrift",
    "remarks": "",
    "consent": "y",
    "website": "",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def post_form(client, seminar, **changes):
    page = client.get(f"/seminare/{seminar.id}")
    data = {**FORM, "csrf_token": csrf_token_from(text(page)), **changes}
    return client.post(f"/seminare/{seminar.id}/anmeldung", data=data)


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def manage_path(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    url = re.search(r"http://seminare\.test(/anmeldung/[A-Za-z0-9_-]+)", body)
    assert url, body
    return url.group(1)


def test_form_is_on_the_seminar_page(client):
    seminar = factories.seminar()
    page = text(client.get(f"/seminare/{seminar.id}"))
    assert f'action="/seminare/{seminar.id}/anmeldung#anmeldung"' in page
    for name in (
        "first_name",
        "last_name",
        "email",
        "organisation",
        "county",
        "phone",
        "need_sign_language",
        "need_speech_to_text",
        "need_step_free",
        "need_hearing_loop",
        "need_personal_assistant",
        "needs_other",
        "remarks",
        "consent",
    ):
        assert f'id="{name}"' in page and f'for="{name}"' in page
    assert 'href="/datenschutz"' in page
    assert 'class="trap" aria-hidden="true"' in page and 'tabindex="-1"' in page


def test_no_form_when_registration_is_closed(client):
    seminar = factories.seminar(registration_closes_at=factories.utcnow() - timedelta(hours=1))
    assert "registration-form" not in text(client.get(f"/seminare/{seminar.id}"))


def test_end_to_end_with_a_real_smtp_server(client, smtp_server):
    seminar = factories.seminar("Gruppen leiten", capacity=5, town="Jena")
    response = post_form(client, seminar)
    assert response.status_code == 303
    sent_page = text(client.get(response.headers["Location"]))
    assert "Bitte bestätigen Sie Ihre Anmeldung" in sent_page
    [request_mail] = smtp_server.messages
    assert request_mail["To"] == "erika@example.org"
    assert request_mail["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung: Gruppen leiten"
    html_part = request_mail.get_body(preferencelist=("html",)).get_content()
    path = manage_path(request_mail)
    assert f'href="http://seminare.test{path}"' in html_part

    manage = client.get(path)
    assert manage.status_code == 200 and "Noch nicht bestätigt" in text(manage)
    confirmed = client.post(
        f"{path}/bestaetigen", data={"csrf_token": csrf_token_from(text(manage))}
    )
    assert confirmed.status_code == 303
    page = text(client.get(path))
    assert "Angemeldet – Ihr Platz ist sicher" in page and "Ihre Anmeldung ist bestätigt" in page
    confirmation = smtp_server.messages[-1]
    assert confirmation["Subject"] == "Anmeldung bestätigt: Gruppen leiten"
    [attachment] = list(confirmation.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert "BEGIN:VEVENT" in attachment.get_content()
    assert manage_path(confirmation) == path  # every mail carries the same link

    stored = registrations()[0]
    assert (stored.county, stored.need_sign_language, stored.needs_other) == (
        "th-erfurt",
        True,
        "Bitte große Schrift",
    )
    assert stored.token_hash not in page and path.split("/")[-1] != stored.token_hash
    ics = client.get(f"{path}/seminar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"


def test_cancel_needs_a_confirmation_step(client, smtp_server):
    seminar = factories.seminar(capacity=5)
    post_form(client, seminar)
    path = manage_path(smtp_server.messages[0])
    step = client.get(f"{path}/abmelden")
    assert step.status_code == 200 and "wirklich absagen" in text(step)
    assert registrations()[0].status == "pending"
    done = client.post(f"{path}/abmelden", data={"csrf_token": csrf_token_from(text(step))})
    assert done.status_code == 303
    assert registrations()[0].status == "cancelled"
    gone = client.get(path)
    assert gone.status_code == 410 and "Abgemeldet" in text(gone)
    assert smtp_server.messages[-1]["Subject"].startswith("Abmeldung bestätigt")
    again = client.post(f"{path}/abmelden", data={"csrf_token": csrf_token_from(text(step))})
    assert again.status_code == 410


def test_offer_accept_through_the_page(client, smtp_server):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    post_form(client, seminar, email="first@example.org")
    post_form(client, seminar, email="second@example.org")
    first_path, second_path = (manage_path(m) for m in smtp_server.messages[:2])
    for path in (first_path, second_path):
        page = client.get(path)
        client.post(f"{path}/bestaetigen", data={"csrf_token": csrf_token_from(text(page))})
    page = text(client.get(second_path))
    assert "Auf der Warteliste, Platz 1" in page
    step = client.get(f"{first_path}/abmelden")
    client.post(f"{first_path}/abmelden", data={"csrf_token": csrf_token_from(text(step))})
    offer_mail = smtp_server.messages[-1]
    assert offer_mail["Subject"].startswith("Ein Platz ist für Sie frei")
    assert manage_path(offer_mail) == second_path
    page = text(client.get(second_path))
    assert "Platz annehmen" in page
    client.post(f"{second_path}/angebot/annehmen", data={"csrf_token": csrf_token_from(page)})
    assert "Ihr Platz ist sicher" in text(client.get(second_path))


def test_same_answer_for_a_known_address(client, smtp_server):
    seminar = factories.seminar(capacity=5)
    first = post_form(client, seminar)
    second = post_form(client, seminar, first_name="Jemand", last_name="Anderes")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(registrations()) == 1
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects[1].startswith("Sie sind bereits angemeldet")
    assert manage_path(smtp_server.messages[1]) == manage_path(smtp_server.messages[0])


def test_invalid_input_is_explained_next_to_each_field_and_kept(client):
    seminar = factories.seminar()
    response = post_form(
        client,
        seminar,
        first_name="",
        email="kein-at-zeichen",
        consent="",
        phone="ruf mich an",
        county="atlantis",
        last_name="Ä" * 300,
    )
    assert response.status_code == 422
    page = text(response)
    assert "Bitte prüfen Sie Ihre Angaben" in page
    assert 'id="first_name-error"' in page and 'aria-describedby="first_name-error"' in page
    assert 'aria-describedby="email-hint email-error"' in page and 'aria-invalid="true"' in page
    assert "Ohne Ihre Einwilligung" in page and "Bitte nur Ziffern" in page
    assert 'value="kein-at-zeichen"' in page and 'value="SHG Morbus Crohn Erfurt"' in page
    assert 'id="county-error"' in page and "Höchstens 100 Zeichen" in page
    assert registrations() == []


def test_honeypot_answers_like_success_but_keeps_nothing(client):
    seminar = factories.seminar()
    response = post_form(client, seminar, website="https://spam.example")
    assert response.status_code == 303
    assert registrations() == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_missing_csrf_token_is_refused_politely(client):
    seminar = factories.seminar()
    response = client.post(f"/seminare/{seminar.id}/anmeldung", data=FORM)
    assert response.status_code == 400
    assert "Bitte laden Sie die Seite neu" in text(response)
    assert registrations() == []


def test_closed_registration_gives_a_clear_message(client):
    seminar = factories.seminar()
    page = client.get(f"/seminare/{seminar.id}")
    seminar.registration_closes_at = factories.utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(
        f"/seminare/{seminar.id}/anmeldung",
        data={**FORM, "csrf_token": csrf_token_from(text(page))},
    )
    assert response.status_code == 409
    assert "keine Anmeldung möglich" in text(response)


@pytest.mark.parametrize("token", ["x", "A" * 43, "..%5C..%5Cetc", "%00" * 50, "ä" * 45])
def test_unknown_links_are_a_friendly_404(client, token):
    response = client.get(f"/anmeldung/{token}")
    assert response.status_code == 404
    assert "Diesen Link kennen wir nicht" in text(response)


def test_post_to_an_unknown_link_is_404(client):
    page = client.get("/")
    response = client.post(
        "/anmeldung/" + "B" * 43 + "/bestaetigen", data={"csrf_token": csrf_token_from_any(client)}
    )
    assert page.status_code == 200 and response.status_code == 404


def csrf_token_from_any(client) -> str:
    seminar = factories.seminar()
    return csrf_token_from(text(client.get(f"/seminare/{seminar.id}")))


def test_double_submit_makes_one_registration(client):
    seminar = factories.seminar()
    page = text(client.get(f"/seminare/{seminar.id}"))
    data = {**FORM, "csrf_token": csrf_token_from(page)}
    for _ in range(3):
        assert client.post(f"/seminare/{seminar.id}/anmeldung", data=data).status_code == 303
    assert len(registrations()) == 1


def test_request_returns_within_the_timeout_when_smtp_hangs(client, app, hanging_smtp_server):
    seminar = factories.seminar()
    started = time.monotonic()
    response = post_form(client, seminar)
    elapsed = time.monotonic() - started
    assert response.status_code == 303
    assert elapsed < app.config["MAIL_TIMEOUT"] + 3
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (
        message.status == "pending" and message.attempts == 1 and "timed out" in message.last_error
    )


def test_meeting_link_only_for_confirmed_close_to_the_start(client, smtp_server):
    seminar = factories.seminar(
        seminar_format="online",
        meeting_url="https://meet.example/raum",
        starts_in=timedelta(hours=30),
        capacity=5,
    )
    post_form(client, seminar)
    path = manage_path(smtp_server.messages[0])
    page = text(client.get(path))
    assert "meet.example/raum" not in page
    client.post(f"{path}/bestaetigen", data={"csrf_token": csrf_token_from(page)})
    assert "https://meet.example/raum" in text(client.get(path))


def test_privacy_page(client):
    page = text(client.get("/datenschutz"))
    assert "<h1>Datenschutzerklärung</h1>" in page and "Art. 9 Abs. 2 Buchst. a DSGVO" in page


def test_dev_mail_page_only_in_debug(client, app):
    assert client.get("/dev/mail/").status_code == 404
    app.debug = True
    try:
        seminar = factories.seminar()
        post_form(client, seminar)
        page = text(client.get("/dev/mail/"))
        assert "Bitte bestätigen Sie Ihre Anmeldung" in page
        assert re.search(r'<a href="http://seminare\.test/anmeldung/[^"]+">', page)
    finally:
        app.debug = False


def test_registration_path_rejects_the_wrong_host_in_links(client, smtp_server):
    seminar = factories.seminar()
    page = client.get(f"/seminare/{seminar.id}", headers={"Host": "evil.example"})
    response = client.post(
        f"/seminare/{seminar.id}/anmeldung",
        data={**FORM, "csrf_token": csrf_token_from(text(page))},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 303
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "evil.example" not in body
    assert (
        urlsplit(re.search(r"https?://\S+/anmeldung/\S+", body).group(0)).netloc == "seminare.test"
    )


def test_personal_pages_keep_the_link_private(client, smtp_server):
    seminar = factories.seminar(capacity=5)
    post_form(client, seminar)
    response = client.get(manage_path(smtp_server.messages[0]))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_registering_keeps_the_input_private(client, smtp_server):
    seminar = factories.seminar(capacity=5)
    refused = post_form(client, seminar, email="")
    sent = post_form(client, seminar)
    assert (refused.status_code, sent.status_code) == (422, 303)
    for response in (refused, sent, client.get(sent.headers["Location"])):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
    assert client.get(f"/seminare/{seminar.id}").headers.get("X-Robots-Tag") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "https://evil.example/anmelden"),
        ("first_name", "Bitte klicken: HTTP://evil.example"),
        ("first_name", "www.evil.example"),
        ("first_name", "evil.example/login"),
        ("first_name", "//evil.example"),
        ("first_name", "erika@evil.example"),
        ("last_name", "Muster ftp://evil.example"),
        ("organisation", "SHG evil.example/gewinn"),
        ("organisation", "kontakt@evil.example"),
        ("needs_other", "Infos unter https://evil.example"),
        ("remarks", "siehe www.evil.example"),
    ],
)
def test_links_in_names_and_free_fields_are_refused(client, field, value):
    seminar = factories.seminar()
    response = post_form(client, seminar, **{field: value})
    assert response.status_code == 422
    page = text(response)
    assert (
        "keine Internetadresse und keinen Link" in page
        or "keine E-Mail-Adresse ein; dafür gibt es ein eigenes Feld" in page
    )
    assert registrations() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Anne-Marie"),
        ("last_name", "Dr. med. Müller-Lüdenscheidt"),
        ("organisation", "SHG Angst e.V./Ortsgruppe Jena"),
        ("organisation", "Kreis Saale-Holzland (KISS) 1.5/2"),
        ("remarks", "Ich komme ggf. erst um 10:30; Rollstuhl ja/nein klären"),
    ],
)
def test_ordinary_names_and_remarks_pass(client, field, value):
    seminar = factories.seminar()
    assert post_form(client, seminar, **{field: value}).status_code == 303
    assert getattr(registrations()[0], field) == value


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_name", "https://evil.example"), ("last_name", "a@evil.example"),
     ("organisation", "evil.example/x")],
)  # fmt: skip
def test_staff_forms_refuse_links_in_names_too(client, login, field, value):
    login("staff")
    seminar = factories.seminar()
    registration = factories.registration(seminar)
    page = text(client.get(f"/verwaltung/anmeldungen/{registration.id}"))
    data = {
        "first_name": "Erika",
        "last_name": "Muster",
        "email": "erika@example.org",
        "organisation": "SHG",
        "csrf_token": csrf_token_from(page),
        field: value,
    }
    response = client.post(f"/verwaltung/anmeldungen/{registration.id}/kontakt", data=data)
    assert response.status_code == 422
    db.session.expire_all()
    assert getattr(db.session.get(Registration, registration.id), field) != value
    new = f"/verwaltung/seminare/{seminar.id}/anmeldungen/neu"
    data = {
        **FORM,
        "consent": "y",
        "csrf_token": csrf_token_from(text(client.get(new))),
        field: value,
    }
    assert client.post(new, data=data).status_code == 422


def test_a_phone_registration_of_a_registered_address_is_refused_under_the_email(client, login):
    login("staff")
    seminar = factories.seminar()
    taken = factories.registration(seminar)
    new = f"/verwaltung/seminare/{seminar.id}/anmeldungen/neu"
    data = {
        **FORM,
        "email": taken.email.upper(),
        "csrf_token": csrf_token_from(text(client.get(new))),
    }
    response = client.post(new, data=data)
    assert response.status_code == 422
    assert "schon angemeldet" in field_error(text(response), "email")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_a_contact_correction_to_a_taken_address_is_refused_under_the_email(client, login):
    login("staff")
    seminar = factories.seminar()
    taken = factories.registration(seminar)
    registration = factories.registration(seminar)
    path = f"/verwaltung/anmeldungen/{registration.id}"
    data = {
        "first_name": "Hanna",
        "last_name": "Neu",
        "email": taken.email,
        "phone": "",
        "organisation": "SHG",
        "csrf_token": csrf_token_from(text(client.get(path))),
    }
    response = client.post(f"{path}/kontakt", data=data)
    assert response.status_code == 422
    assert "schon jemand für das Seminar angemeldet" in field_error(text(response), "email")
    db.session.expire_all()
    unchanged = db.session.get(Registration, registration.id)
    assert unchanged.email != taken.email and unchanged.last_name != "Neu"


def test_attendance_is_saved_with_its_count_and_an_unknown_session_is_refused(client, login):
    login("staff")
    seminar = factories.seminar()
    people = factories.confirmed_people(seminar, 3)
    path = f"/verwaltung/seminare/{seminar.id}/anwesenheit"
    sheet = text(client.get(path))
    session_id = int(re.search(r'name="session_id" value="(\d+)"', sheet).group(1))
    token = csrf_token_from(sheet)
    present = [people[0].id, people[2].id]
    saved = client.post(
        path, data={"session_id": session_id, "present": present, "csrf_token": token}
    )
    assert saved.status_code == 303
    assert "Anwesenheit gespeichert: 2 anwesend." in text(client.get(path))
    refused = client.post(
        path, data={"session_id": session_id + 1000, "all": "1", "csrf_token": token}
    )
    assert refused.status_code == 303
    assert "Diese Seite gibt es nicht (mehr)." in text(client.get(path))
    marks = db.session.scalars(select(Attendance).where(Attendance.present.is_(True))).all()
    assert sorted(mark.registration_id for mark in marks) == sorted(present)


def _personal_path(registration: Registration) -> str:
    from seminars.registrations import tokens

    registration.token_salt = tokens.new_salt()
    token = tokens.token_for(registration.id, registration.token_salt)
    registration.token_hash = tokens.token_hash(token)
    db.session.commit()
    return f"/anmeldung/{token}"


def test_before_the_seminar_the_page_promises_the_seat_and_offers_to_cancel(client):
    seminar = factories.seminar(starts_in=timedelta(days=3))
    path = _personal_path(factories.registration(seminar))
    page = text(client.get(path))
    assert "Ihr Platz ist sicher" in page and "Anmeldung absagen" in page


@pytest.mark.parametrize("status", ["confirmed", "waitlisted"])
def test_after_the_seminar_the_page_says_it_took_place_and_cancelling_is_refused(client, status):
    seminar = factories.seminar(starts_in=timedelta(days=-3), sessions=2)
    registration = factories.registration(seminar, status=status)
    path = _personal_path(registration)
    response = client.get(path)
    page = text(response)
    assert response.status_code == 200
    assert "Das Seminar hat stattgefunden" in page
    assert "Ihr Platz ist sicher" not in page and "absagen" not in page
    assert "Warteliste, Platz" not in page
    step = client.get(f"{path}/abmelden")
    assert step.status_code == 200 and "wirklich absagen" not in text(step)
    token = csrf_token_from(text(client.get(f"/seminare/{factories.seminar().id}")))
    refused = client.post(f"{path}/abmelden", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Das Seminar hat bereits stattgefunden. Eine Absage ist nicht mehr möglich." in text(
        refused
    )
    assert registrations()[0].status == status


def test_signing_up_with_free_places_holds_a_seat(client):
    seminar = factories.seminar(capacity=5)
    page = text(client.get(f"/seminare/{seminar.id}"))
    assert "Verbindlich anmelden" in page and "Auf die Warteliste setzen" not in page
    sent = client.get(post_form(client, seminar).headers["Location"])
    assert "halten wir Ihren Platz" in text(sent) and "Warteliste" not in text(sent)


@pytest.mark.parametrize("robot", [False, True])
def test_signing_up_for_a_full_seminar_puts_on_the_waitlist_and_says_so(client, robot):
    seminar = factories.seminar(capacity=2)
    factories.fill(seminar, 2)
    page = text(client.get(f"/seminare/{seminar.id}"))
    assert "Auf die Warteliste setzen" in page and "Verbindlich anmelden" not in page
    response = post_form(client, seminar, website="https://spam.example" if robot else "")
    assert response.status_code == 303
    sent = text(client.get(response.headers["Location"]))
    assert "Warteliste" in sent and "Wir halten keinen Platz für Sie frei" in sent
    assert "halten wir Ihren Platz" not in sent
