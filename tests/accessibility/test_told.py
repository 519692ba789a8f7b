"""The person is told: which service is booked for their needs (personal page and mails),
and, when a service cannot be provided, a mail from staff in their language."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.accessibility import notes
from seminars.accessibility.models import ServiceTask
from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation, mails, reminders, service_notes
from tests import factories
from tests.accessibility.helpers import person, set_task
from tests.conftest import csrf_token_from


@pytest.mark.parametrize(
    ("status", "told"),
    [
        ("open", False),
        ("requested", False),
        ("booked", True),
        ("confirmed", True),
        ("not_needed", False),
        ("cancelled", False),
    ],
)
def test_a_booked_or_confirmed_service_is_told_and_no_other_state(app, status, told):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    registration, _token = person(seminar, need_sign_language=True, need_braille=True)
    set_task(seminar, "sign_language", status)
    expected = ["Gebärdensprachdolmetschung ist gebucht."] if told else []
    assert service_notes.booked_services_of(registration) == expected


def test_only_the_persons_own_needs_are_told(app):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    interpreting, _ = person(seminar, need_sign_language=True)
    braille, _ = person(seminar, need_braille=True)
    set_task(seminar, "sign_language", "booked")
    set_task(seminar, "braille", "confirmed")
    assert service_notes.booked_services_of(interpreting) == [
        "Gebärdensprachdolmetschung ist gebucht."
    ]
    assert service_notes.booked_services_of(braille) == [
        "Ihre Unterlagen in Brailleschrift sind bestellt."
    ]


def test_people_without_a_seat_are_not_told(app):
    seminar = factories.seminar(starts_in=timedelta(days=40), capacity=1, waitlist_capacity=3)
    person(seminar, need_sign_language=True)
    waiting, _ = person(seminar, need_sign_language=True)
    assert waiting.status == "waitlisted"
    set_task(seminar, "sign_language", "booked")
    assert service_notes.booked_services_of(waiting) == []
    cancelled, _ = person(seminar, need_sign_language=True)
    allocation.cancel(cancelled.id, now=utcnow())
    db.session.commit()
    assert service_notes.booked_services_of(cancelled) == []


def test_the_personal_page_says_what_is_booked(app, client):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    _registration, token = person(seminar, need_sign_language=True, need_speech_to_text=True)
    set_task(seminar, "speech_to_text", "confirmed")
    page = client.get(f"/anmeldung/{token}").get_data(as_text=True)
    assert "Schriftdolmetschung ist gebucht." in page
    assert "Gebärdensprachdolmetschung ist gebucht." not in page


def test_the_personal_page_says_nothing_while_nothing_is_booked(app, client):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    _registration, token = person(seminar, need_sign_language=True)
    page = client.get(f"/anmeldung/{token}").get_data(as_text=True)
    assert "Unterstützung für Sie" not in page


def _last_mail(kind: str, registration_id: int) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.registration_id == registration_id)
        .order_by(OutboxMessage.id.desc())
    ).first()


def test_the_confirmation_mail_names_the_booked_services(app):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    registration, _ = person(seminar, confirm=False, need_sign_language=True)
    set_task(seminar, "sign_language", "booked")
    allocation.confirm(registration.id, now=utcnow())
    db.session.commit()
    body = _last_mail(mails.CONFIRMED, registration.id).body_text
    assert "Für Ihre Bedarfe:\n- Gebärdensprachdolmetschung ist gebucht.\n\n" in body


def test_the_reminder_names_the_booked_services_in_the_persons_language(app):
    seminar = factories.seminar(starts_in=timedelta(days=2))
    registration, _ = person(seminar, locale="en", need_easy_read=True, need_braille=True)
    set_task(seminar, "easy_read", "booked")
    set_task(seminar, "braille", "confirmed")
    reminders.send_reminder_once(registration.id, now=utcnow())
    db.session.commit()
    body = _last_mail(mails.REMINDER, registration.id).body_text
    assert "Your Braille materials have been ordered." in body, body
    assert "Your Easy Read materials have been ordered." in body


def test_a_mail_without_booked_services_says_nothing_of_them(app):
    seminar = factories.seminar(starts_in=timedelta(days=40))
    registration, _ = person(seminar, need_sign_language=True)
    assert "Für Ihre Bedarfe" not in _last_mail(mails.CONFIRMED, registration.id).body_text


# Telling people that a service cannot be provided.


def _task(seminar, kind: str) -> ServiceTask:
    return db.session.scalars(
        select(ServiceTask).where(ServiceTask.seminar_id == seminar.id, ServiceTask.kind == kind)
    ).one()


@pytest.fixture
def affected_people(app):
    seminar = factories.seminar("Moderation", starts_in=timedelta(days=40), capacity=2)
    german, _ = person(seminar, need_sign_language=True)
    english, _ = person(seminar, locale="en", need_sign_language=True)
    waiting, _ = person(seminar, need_sign_language=True)  # on the waitlist: told as well
    other, _ = person(seminar, need_braille=True)
    gone, _ = person(seminar, need_sign_language=True)
    allocation.cancel(gone.id, now=utcnow())
    db.session.commit()
    set_task(seminar, "sign_language", "requested")
    return seminar, {"de": german, "en": english, "waiting": waiting}, (other, gone)


def test_the_page_prefills_a_polite_text_and_counts_the_people(app, client, login, affected_people):
    seminar, _told, _ = affected_people
    login("staff")
    task = _task(seminar, "sign_language")
    response = client.get(f"/verwaltung/unterstuetzung/{task.id}/absage-mitteilen")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "leider können wir für das Seminar „Moderation“" in page
    assert "unfortunately we cannot provide" in page
    assert "3 angemeldete Personen mit diesem Bedarf bekommen die Nachricht." in page
    assert "Auf Deutsch: 2, auf Englisch: 1." in page


def test_sending_mails_each_affected_person_in_their_language_and_cancels_the_task(
    app, client, login, affected_people
):
    seminar, told, (other, gone) = affected_people
    login("staff")
    task = _task(seminar, "sign_language")
    url = f"/verwaltung/unterstuetzung/{task.id}/absage-mitteilen"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "text_de": "Leider ohne Dolmetschung. Bitte melden Sie sich bei uns.",
            "text_en": "Sadly without interpreting. Please get in touch.",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/verwaltung/seminare/{seminar.id}/anmeldungen")
    db.session.expire_all()
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == notes.SERVICE_UNAVAILABLE)
    ).all()
    by_person = {message.registration_id: message for message in sent}
    assert sorted(by_person) == sorted(r.id for r in told.values())
    assert len(sent) == 3
    assert "Leider ohne Dolmetschung" in by_person[told["de"].id].body_text
    assert "Nicht möglich: Gebärdensprachdolmetschung (DGS)" in by_person[told["de"].id].subject
    english = by_person[told["en"].id]
    assert "Sadly without interpreting" in english.body_text
    assert "Leider" not in english.body_text
    assert english.subject.startswith("Not possible:")
    assert english.recipient == told["en"].email
    assert other.id not in by_person and gone.id not in by_person
    assert _task(seminar, "sign_language").status == "cancelled"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "service_task.tell_unavailable")
    ).one()
    assert entry.after["recipients"] == 3


def test_a_closed_task_stays_as_it_was(app, affected_people):
    seminar, _told, _ = affected_people
    set_task(seminar, "sign_language", "not_needed")
    task = _task(seminar, "sign_language")
    count = notes.tell_unavailable(task.id, {"de": "Text", "en": "Text"}, actor=None, now=utcnow())
    db.session.commit()
    assert count == 3
    assert _task(seminar, "sign_language").status == "not_needed"


def test_an_empty_text_is_refused_and_nothing_is_sent(app, client, login, affected_people):
    seminar, _told, _ = affected_people
    login("staff")
    task = _task(seminar, "sign_language")
    url = f"/verwaltung/unterstuetzung/{task.id}/absage-mitteilen"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "text_de": " ", "text_en": "x"})
    assert response.status_code == 422
    assert "Bitte schreiben Sie einen Text." in response.get_data(as_text=True)
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == notes.SERVICE_UNAVAILABLE)
    ).all()
    assert _task(seminar, "sign_language").status == "requested"


def test_the_steering_committee_may_not_open_the_page(app, client, login, affected_people):
    seminar, _told, _ = affected_people
    login("steering")
    task = _task(seminar, "sign_language")
    assert client.get(f"/verwaltung/unterstuetzung/{task.id}/absage-mitteilen").status_code == 403
