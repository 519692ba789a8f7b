"""Channel and postal address after registering: staff correct them on the registration's
page, registrants choose between e-mail and post on their own page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.errors import DomainError
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import staff, tokens
from seminars.registrations.models import Registration
from seminars.registrations.person_key import key_without_email, person_key
from tests import factories
from tests.conftest import csrf_token_from, field_error


def text(response) -> str:
    return response.get_data(as_text=True)


def contact_data(registration: Registration, page: str, **changes) -> dict:
    data = {name: getattr(registration, name) or "" for name in staff.CONTACT_FIELDS}
    return {**data, "csrf_token": csrf_token_from(page), **changes}


def messages_of(registration_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id)
        )
    )


ADDRESS = {"street": "Markt 5", "postcode": "04109", "city": "Leipzig"}


def test_staff_switch_someone_to_letters_and_drop_the_email_address(client, login):
    login("staff")
    registration = factories.registration(factories.seminar(), phone="0341 12345")
    path = f"/verwaltung/anmeldungen/{registration.id}"
    page = text(client.get(path))
    data = contact_data(registration, page, email="", channel="post", **ADDRESS)
    response = client.post(f"{path}/kontakt", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    changed = db.session.get(Registration, registration.id)
    assert (changed.channel, changed.email, changed.email_normalized) == ("post", "", None)
    assert (changed.street, changed.postcode, changed.city) == ("Markt 5", "04109", "Leipzig")
    assert changed.person_key == key_without_email(changed)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "registration.update")
    ).one()
    assert entry.after["channel"] == "post" and entry.after["street"] == "Markt 5"
    shown = text(client.get(path))
    assert "Nachrichten: <strong>per Post</strong>" in shown
    assert "Anschrift: Markt 5, 04109 Leipzig" in shown
    # The change log in words: German labels for the new fields and the channel.
    log = shown.split('id="audit-heading"')[1]
    for words in ("Nachrichten", "per E-Mail", "per Post", "Straße und Hausnummer", "Markt 5"):
        assert words in log
    assert "Letzte Nachricht erneut als Brief" in shown
    # Back to e-mail with a new address: the address rules and the key follow it.
    data = contact_data(changed, shown, email="Neu@Example.org", channel="email")
    assert client.post(f"{path}/kontakt", data=data).status_code == 303
    db.session.expire_all()
    back = db.session.get(Registration, registration.id)
    assert (back.email_normalized, back.person_key) == (
        "neu@example.org",
        person_key("neu@example.org"),
    )


def test_each_channel_keeps_asking_for_what_it_needs(client, login):
    login("staff")
    registration = factories.registration(factories.seminar())
    path = f"/verwaltung/anmeldungen/{registration.id}"
    page = text(client.get(path))
    for changes, field in [
        ({"email": "", "channel": "email"}, "email"),
        ({"channel": "post", "street": ""}, "street"),
        ({"channel": "phone", "phone": ""}, "phone"),
        ({"channel": "fax"}, "channel"),
    ]:
        response = client.post(f"{path}/kontakt", data=contact_data(registration, page, **changes))
        assert response.status_code == 422, changes
        assert field_error(text(response), field), changes
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).channel == "email"


def test_the_service_refuses_what_the_form_would(app):
    registration = factories.registration(factories.seminar(), status="pending")
    values = {name: getattr(registration, name) for name in staff.CONTACT_FIELDS}
    for changes in (
        {"channel": "post"},
        {"channel": "phone", "phone": ""},
        {"email": "", "channel": "post", **ADDRESS},  # unconfirmed: the mail link needs it
    ):
        with pytest.raises(DomainError):
            staff.correct_contact(registration.id, {**values, **changes}, actor=None)


def test_resending_to_someone_without_email_writes_the_letter_or_the_call(client, login):
    login("staff")
    seminar = factories.seminar()
    by_post = factories.registration(seminar, channel="post")
    by_phone = factories.registration(seminar, channel="phone")
    for registration, channel, said, button in (
        (by_post, "letter", "als Brief in der Druckliste", "erneut als Brief"),
        (by_phone, "call", "auf der Anrufliste", "erneut auf die Anrufliste"),
    ):
        path = f"/verwaltung/anmeldungen/{registration.id}"
        page = text(client.get(path))
        assert button in page and "Letzte E-Mail erneut senden" not in page
        response = client.post(f"{path}/mail", data={"csrf_token": csrf_token_from(page)})
        assert response.status_code == 303
        assert said in text(client.get(path))
        assert [m.channel for m in messages_of(registration.id)] == [channel]
        assert messages_of(registration.id)[0].recipient  # address or number


def test_the_registration_list_shows_who_gets_letters_or_calls(client, login):
    login("staff")
    seminar = factories.seminar()
    factories.registration(seminar, last_name="Mailer")
    factories.registration(seminar, channel="post", last_name="Briefer")
    factories.registration(seminar, channel="phone", last_name="Anrufer")
    page = text(client.get(f"/verwaltung/seminare/{seminar.id}/anmeldungen"))
    rows = {
        name: row
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
        for name in ("Mailer", "Briefer", "Anrufer")
        if name in row
    }
    assert "Nachrichten per </span>Post</span>" in rows["Briefer"]
    assert "Nachrichten per </span>Telefon</span>" in rows["Anrufer"]
    assert "Nachrichten per" not in rows["Mailer"]


# -- the registrant's own page ------------------------------------------------------------


def own_page(registration: Registration) -> str:
    registration.token_salt = tokens.new_salt()
    token = tokens.token_for(registration.id, registration.token_salt)
    registration.token_hash = tokens.token_hash(token)
    db.session.commit()
    return f"/anmeldung/{token}/aendern"


def own_data(registration: Registration, page: str, **changes) -> dict:
    fields = ("first_name", "last_name", "organisation", "phone", "channel", "address_extra")
    data = {name: getattr(registration, name) or "" for name in (*fields, *ADDRESS)}
    return {**data, "csrf_token": csrf_token_from(page), **changes}


def test_a_registrant_switches_to_letters_with_an_address_and_back(client):
    registration = factories.registration(factories.seminar(), organisation="SHG")
    path = own_page(registration)
    page = text(client.get(path))
    assert 'value="email" checked' in page and 'value="phone"' not in page
    refused = client.post(path, data=own_data(registration, page, channel="post"))
    assert refused.status_code == 422 and field_error(text(refused), "street")
    response = client.post(path, data=own_data(registration, page, channel="post", **ADDRESS))
    assert response.status_code == 303
    db.session.expire_all()
    changed = db.session.get(Registration, registration.id)
    assert (changed.channel, changed.street, changed.city) == ("post", "Markt 5", "Leipzig")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "registration.self_update")
    ).one()
    assert entry.before["channel"] == "email" and entry.after["channel"] == "post"
    assert entry.after["postcode"] == "04109"
    page = text(client.get(path))
    response = client.post(path, data=own_data(changed, page, channel="email"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).channel == "email"


def test_without_email_a_registrant_is_offered_no_email_and_keeps_the_calls(client):
    registration = factories.registration(factories.seminar(), channel="phone", organisation="S")
    path = own_page(registration)
    page = text(client.get(path))
    assert 'value="email"' not in page and 'value="phone" checked' in page
    assert "Zurzeit rufen wir Sie an" in page
    # E-mail cannot be chosen (there is no address); the call stays.
    refused = client.post(path, data=own_data(registration, page, channel="email"))
    assert refused.status_code == 422 and field_error(text(refused), "channel")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).channel == "phone"
    # A change of something else keeps the phone channel.
    response = client.post(path, data=own_data(registration, page, first_name="Ilse"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).channel == "phone"
    # Letters, with an address: from now on no more calls, and phone is offered no longer.
    response = client.post(path, data=own_data(registration, page, channel="post", **ADDRESS))
    assert response.status_code == 303
    db.session.expire_all()
    moved = db.session.get(Registration, registration.id)
    assert moved.channel == "post"
    page = text(client.get(path))
    assert 'value="phone"' not in page and 'value="post" checked' in page


def test_the_own_change_service_refuses_channels_not_offered(app):
    from seminars.core.timezone import utcnow
    from seminars.registrations import self_service

    registration = factories.registration(factories.seminar(), channel="post")
    token = own_page(registration).split("/")[2]
    values = {name: getattr(registration, name) for name in self_service.OWN_FIELDS}
    for changes in ({"channel": "email"}, {"channel": "phone"}, {"street": ""}):
        with pytest.raises(DomainError):
            self_service.change_own_details(token, {**values, **changes}, now=utcnow())
    db.session.rollback()
    assert db.session.get(Registration, registration.id).channel == "post"
