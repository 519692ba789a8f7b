"""Staff write to a seminar's participants: a preview first, then the mail goes out."""

from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import csrf_token_from
from tests.field_errors import field_error


def _staff_messages() -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "staff_message")
    ).all()


def _compose(client, seminar):
    url = f"/verwaltung/seminare/{seminar.id}/nachricht"
    page = client.get(url)
    assert page.status_code == 200
    return url, {
        "audience": "confirmed",
        "subject": "Raumänderung",
        "text": "Bitte Raum 2.",
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
    }


def _seminar():
    seminar = factories.seminar(capacity=5)
    first = factories.registration(seminar)
    second = factories.registration(seminar)
    factories.registration(seminar, status="waitlisted")
    factories.registration(seminar, status="cancelled", holds_seat=False)
    return seminar, [first.email, second.email]


def test_preview_counts_the_audience_and_sends_nothing(client, login):
    login("staff")
    seminar, _confirmed = _seminar()
    url, message = _compose(client, seminar)
    preview = client.post(url, data={**message, "action": "preview"})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Geht an 2 Personen." in page
    assert "Bitte Raum 2." in page and "/anmeldung/" in page  # the body as it will be sent
    assert _staff_messages() == []
    waiting = client.post(url, data={**message, "audience": "all", "action": "preview"})
    assert "Geht an 3 Personen." in waiting.get_data(as_text=True)
    assert _staff_messages() == []


def test_send_mails_each_person_of_the_audience_with_their_own_link(client, login):
    login("staff")
    seminar, confirmed = _seminar()
    url, message = _compose(client, seminar)
    sent = client.post(url, data={**message, "action": "send"})
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/verwaltung/seminare/{seminar.id}/anmeldungen")
    mails = _staff_messages()
    assert sorted(m.recipient for m in mails) == sorted(confirmed)
    assert all(m.subject == "Raumänderung" for m in mails)
    assert all("Bitte Raum 2." in m.body_text and "/anmeldung/" in m.body_text for m in mails)
    assert len({m.body_text for m in mails}) == 2  # each with a personal link
    assert "seminar.mail" in set(db.session.scalars(select(AuditEntry.action)))


def test_a_message_without_subject_is_refused(client, login):
    login("staff")
    seminar, _confirmed = _seminar()
    url, message = _compose(client, seminar)
    refused = client.post(url, data={**message, "subject": "", "action": "send"})
    assert refused.status_code == 422
    assert "Bitte geben Sie einen Betreff an." in refused.get_data(as_text=True)
    assert _staff_messages() == []


def test_steering_cannot_write_to_participants(client, login):
    login("steering")
    seminar, _confirmed = _seminar()
    assert client.get(f"/verwaltung/seminare/{seminar.id}/nachricht").status_code == 403


def test_sending_to_an_empty_group_is_refused_under_the_audience(client, login):
    login("staff")
    seminar = factories.seminar(capacity=5)
    factories.registration(seminar)
    url, message = _compose(client, seminar)
    refused = client.post(url, data={**message, "audience": "waitlisted", "action": "send"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert field_error(page, "audience") == "In dieser Gruppe ist niemand."
    assert field_error(page, "subject") is None
    assert _staff_messages() == []
    assert "seminar.mail" not in set(db.session.scalars(select(AuditEntry.action)))


def test_the_mail_greets_by_name_and_says_what_the_personal_link_is(client, login):
    login("staff")
    seminar, _confirmed = _seminar()
    english = factories.registration(seminar)
    english.locale = "en"
    english.first_name, english.last_name = "Anna", "Alt"
    db.session.commit()
    url, message = _compose(client, seminar)
    assert client.post(url, data={**message, "action": "send"}).status_code == 303
    mails = {m.recipient: m for m in _staff_messages()}
    german = next(m for r, m in mails.items() if r != english.email)
    assert german.body_text.startswith("Guten Tag Vorname Nachname")
    assert "\n\nBitte Raum 2.\n\nIhre Anmeldung können Sie hier ansehen:\nhttp" in german.body_text
    own = mails[english.email]
    assert own.body_text.startswith("Dear Anna Alt,\n\nBitte Raum 2.")
    assert "You can view your registration here:\nhttp://seminare.test/anmeldung/" in (
        own.body_text
    )
    assert 'href="http://seminare.test/anmeldung/' in own.body_html


def test_sending_to_one_person_says_person_not_persons(client, login):
    login("staff")
    seminar = factories.seminar(capacity=5)
    factories.registration(seminar)
    url, message = _compose(client, seminar)
    sent = client.post(url, data={**message, "action": "send"}, follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "Die Nachricht geht an 1 Person." in page
    assert "1 Personen" not in page
