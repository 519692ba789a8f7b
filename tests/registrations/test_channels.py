"""Taking part without e-mail: staff book by phone for post or phone, the online form may ask
for letters, and every message goes to the chosen channel."""

import pytest
from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from, field_error

PHONE_FORM = {
    "first_name": "Gerda",
    "last_name": "Ohnemail",
    "email": "",
    "organisation": "SHG Rheuma Gotha",
    "phone": "03621 12345",
    "street": "Hauptmarkt 3",
    "postcode": "99867",
    "city": "Gotha",
    "consent": "y",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def book(client, seminar, **changes):
    new = f"/verwaltung/seminare/{seminar.id}/anmeldungen/neu"
    data = {**PHONE_FORM, "csrf_token": csrf_token_from(text(client.get(new))), **changes}
    return client.post(new, data=data)


def messages(registration_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id)
        )
    )


def only_registration() -> Registration:
    db.session.expire_all()
    return db.session.scalars(select(Registration)).one()


def test_staff_book_a_volunteer_without_email_for_letters(client, login):
    login("staff")
    seminar = factories.seminar()
    response = book(client, seminar, channel="post")
    assert response.status_code == 303
    registration = only_registration()
    assert registration.status == "confirmed"
    assert registration.consent_at is not None and registration.registered_by_staff
    assert (registration.email, registration.email_normalized) == ("", None)
    assert registration.channel == "post"
    [letter] = messages(registration.id)
    assert (letter.kind, letter.channel) == ("confirmed", "letter")
    assert letter.recipient == "Gerda Ohnemail\nHauptmarkt 3\n99867 Gotha"
    assert "Gerda Ohnemail" in letter.body_text
    assert letter.attachments == [] and letter.body_html == ""


def test_staff_book_a_volunteer_reached_by_phone(client, login):
    login("staff")
    seminar = factories.seminar()
    assert (
        book(client, seminar, channel="phone", street="", postcode="", city="").status_code == 303
    )
    registration = only_registration()
    assert registration.channel == "phone"
    [call] = messages(registration.id)
    assert (call.kind, call.channel) == ("confirmed", "call")
    # Staff are on the phone with the person: the booking's call is done at once, and like
    # a sent mail it keeps no number and no text.
    assert (call.status, call.outcome) == ("sent", "told_at_booking")
    assert call.done_by_id is not None and call.sent_at is not None
    assert (call.recipient, call.body_text) == ("", "")


@pytest.mark.parametrize(
    ("channel", "changes", "field"),
    [
        ("post", {"street": ""}, "street"),
        ("post", {"postcode": ""}, "postcode"),
        ("post", {"city": ""}, "city"),
        ("phone", {"phone": ""}, "phone"),
        ("email", {}, "email"),
        ("fax", {}, "channel"),
    ],
)
def test_each_channel_asks_for_what_it_needs(client, login, channel, changes, field):
    login("staff")
    seminar = factories.seminar()
    response = book(client, seminar, channel=channel, **changes)
    assert response.status_code == 422
    assert field_error(text(response), field)
    assert db.session.scalars(select(Registration)).first() is None


def test_bookings_without_email_never_meet_the_address_rules(client, login):
    """Two people without e-mail in one seminar: no clash on the (absent) address."""
    login("staff")
    seminar = factories.seminar()
    assert book(client, seminar, channel="post").status_code == 303
    other = {"first_name": "Hans", "last_name": "Ohnetelefon", "phone": "03621 999"}
    assert book(client, seminar, channel="post", **other).status_code == 303
    assert len(list(db.session.scalars(select(Registration)))) == 2


def test_the_same_person_without_email_is_not_booked_twice(client, login):
    login("staff")
    seminar = factories.seminar()
    assert book(client, seminar, channel="post").status_code == 303
    again = book(client, seminar, channel="post", first_name="gerda")
    assert again.status_code == 422
    assert field_error(text(again), "last_name")


def test_an_online_registration_may_ask_for_letters(client):
    seminar = factories.seminar()
    page = client.get(f"/seminare/{seminar.id}")
    data = {
        "first_name": "Erika",
        "last_name": "Brief",
        "email": "erika@example.org",
        "organisation": "SHG",
        "channel": "post",
        "street": "Anger 5",
        "postcode": "99084",
        "city": "Erfurt",
        "consent": "y",
        "csrf_token": csrf_token_from(text(page)),
    }
    assert client.post(f"/seminare/{seminar.id}/anmeldung", data=data).status_code == 303
    registration = only_registration()
    # The confirmation link goes by e-mail (it answers what the person just did online) ...
    [request] = messages(registration.id)
    assert (request.kind, request.channel) == ("confirm_request", "email")
    # ... and once confirmed, everything else by post.
    from seminars.core.timezone import utcnow
    from seminars.registrations import allocation

    allocation.confirm(registration.id, now=utcnow())
    db.session.commit()
    assert [(m.kind, m.channel) for m in messages(registration.id)][1:] == [("confirmed", "letter")]


def test_an_online_registration_for_letters_needs_the_address(client):
    seminar = factories.seminar()
    page = client.get(f"/seminare/{seminar.id}")
    data = {
        "first_name": "Erika",
        "last_name": "Brief",
        "email": "erika@example.org",
        "organisation": "SHG",
        "channel": "post",
        "consent": "y",
        "csrf_token": csrf_token_from(text(page)),
    }
    response = client.post(f"/seminare/{seminar.id}/anmeldung", data=data)
    assert response.status_code == 422
    assert field_error(text(response), "street")
    # Only post and e-mail are offered online: calls are for people staff booked.
    data["channel"] = "phone"
    assert client.post(f"/seminare/{seminar.id}/anmeldung", data=data).status_code == 422


def reminded(*channels: str) -> list[Registration]:
    """People of one seminar, one per channel, each with a reminder waiting."""
    from seminars.registrations import mails

    seminar = factories.seminar()
    people = [factories.registration(seminar, channel=channel) for channel in channels]
    for person in people:
        mails.queue(person, mails.REMINDER)
    db.session.commit()
    return people


def test_mail_senders_never_take_letters_or_calls(app):
    from seminars.outbox.services import deliver, waiting_count

    post, phone = reminded("post", "phone")
    assert waiting_count() == 0
    assert deliver().sent == 0
    assert {m.status for m in messages(post.id) + messages(phone.id)} == {"pending"}


def _waiting(registration_id: int) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [
        (m.kind, m.channel, m.recipient)
        for m in messages(registration_id)
        if m.status == "pending" and m.channel != "email"
    ]


def test_waiting_letters_follow_a_corrected_address(app):
    from seminars.registrations import staff

    [person] = reminded("post")
    values = {name: getattr(person, name) for name in staff.CONTACT_FIELDS}
    staff.correct_contact(
        person.id, {**values, "street": "Löbdergraben 4", "postcode": "07743", "city": "Jena"},
        actor=None,
    )  # fmt: skip
    db.session.commit()
    [(kind, channel, recipient)] = _waiting(person.id)
    assert (kind, channel) == ("reminder", "letter")
    assert recipient.endswith("Löbdergraben 4\n07743 Jena") and "Anger" not in recipient


def test_waiting_letters_are_void_once_the_person_hears_from_us_by_email(app):
    from seminars.registrations import staff

    [person] = reminded("post")
    values = {name: getattr(person, name) for name in staff.CONTACT_FIELDS}
    staff.correct_contact(
        person.id, {**values, "channel": "email", "email": "neu@example.org"}, actor=None
    )
    db.session.commit()
    assert _waiting(person.id) == []
    [letter] = [m for m in messages(person.id) if m.channel == "letter"]
    assert (letter.status, letter.outcome, letter.recipient) == ("sent", "obsolete", "")


def test_a_cancelled_seminar_leaves_only_the_cancellation_letter_to_post(app):
    from seminars.core.timezone import utcnow
    from seminars.registrations import allocation

    person, caller = reminded("post", "phone")
    allocation.cancel_seminar(person.seminar_id, now=utcnow())
    db.session.commit()
    assert [(k, c) for k, c, _ in _waiting(person.id)] == [("seminar_cancelled", "letter")]
    assert [(k, c) for k, c, _ in _waiting(caller.id)] == [("seminar_cancelled", "call")]


def test_a_staff_message_reads_without_an_address_on_the_phone_and_on_paper(app):
    from seminars.mailing.services import send_to_participants

    seminar = factories.seminar()
    by_mail = factories.registration(seminar)
    by_post = factories.registration(seminar, channel="post")
    by_phone = factories.registration(seminar, channel="phone", street="", postcode="", city="")
    text = "Bitte bringen Sie Ihre Unterlagen mit."
    assert send_to_participants(seminar.id, "confirmed", "Hinweis", text, actor=None) == 3
    db.session.commit()
    [mail] = messages(by_mail.id)
    [letter] = messages(by_post.id)
    [call] = messages(by_phone.id)
    assert mail.channel == "email" and "/anmeldung/" in mail.body_text
    assert letter.channel == "letter" and "http" not in letter.body_text
    assert "QR-Code" in letter.body_text and text in letter.body_text
    assert call.channel == "call" and "http" not in call.body_text
    assert call.body_text.startswith(f"Guten Tag Vorname {by_phone.last_name}, hier ist ")
