"""People without e-mail (booked by phone, reached by letter or call) are found for access and
erasure by phone number or by name and postcode, and leave no trace after erasure or
retention: every row of every table is searched for their name, street, postcode and town,
and phone number, as an attacker with a copy of the database would."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.privacy import services
from seminars.privacy.services import PersonQuery
from seminars.registrations import staff
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from
from tests.privacy.test_erasure import attend, dump_every_table

PERSON = {
    "first_name": "Irmtraud",
    "last_name": "Wolkenstein",
    "email": "",
    "phone": "03641 556677",
    "organisation": "Kreuzbund Apolda",
    "address_extra": "Hinterhaus",
    "street": "Lindenhöhe 23",
    "postcode": "99510",
    "city": "Apolda",
}
# What must be gone: name, street, postcode with town, phone number (also as it went into a
# letter's address block or a call's number).
SECRETS = ["Wolkenstein", "Irmtraud", "Lindenhöhe", "99510 Apolda", "556677", "Hinterhaus"]


def traces() -> list[str]:
    dump = dump_every_table()
    return [secret for secret in SECRETS if secret.lower() in dump]


def booked_by_phone(seminar, *, channel: str, when, by=None, **changes):
    applicant = factories.applicant(**{**PERSON, **changes}, channel=channel)
    registration = staff.register_by_phone(seminar.id, applicant, actor=by, now=when)
    db.session.commit()
    return registration


def letters_and_calls(registration_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.registration_id == registration_id)
        )
    )


def test_a_person_without_email_is_found_by_phone_exported_and_erased_everywhere(
    app, client, login
):
    staff_user = login("staff")
    now = utcnow()
    upcoming = factories.seminar("Gruppen leiten", capacity=5)
    by_post = booked_by_phone(upcoming, channel="post", when=now, by=staff_user)
    past = factories.seminar("Recht in der Gruppe", starts_in=timedelta(days=-5))
    by_phone = attend(
        past, factories.applicant(**PERSON, channel="phone"), when=now - timedelta(days=20)
    )
    # Staff correct the address: the change log now holds the old and the new street.
    values = {name: getattr(by_post, name) for name in staff.CONTACT_FIELDS}
    staff.correct_contact(by_post.id, {**values, "street": "Lindenhöhe 25"}, actor=staff_user)
    db.session.commit()
    staff.resend_mail(by_post.id, actor=staff_user)
    db.session.commit()
    assert {m.channel for m in letters_and_calls(by_post.id)} == {"letter"}
    assert {m.channel for m in letters_and_calls(by_phone.id)} == {"call"}
    assert "Apolda" in letters_and_calls(by_post.id)[0].recipient
    assert set(traces()) == set(SECRETS)  # the person is in the database before

    page = client.get("/verwaltung/personendaten").get_data(as_text=True)
    token = csrf_token_from(page)
    # The number typed as the person says it, not as it was stored.
    query = {"contact": "(03641) 55 66 77", "csrf_token": token}
    found = client.post("/verwaltung/personendaten", data=query).get_data(as_text=True)
    assert "2 Anmeldungen gefunden" in found
    assert "Irmtraud Wolkenstein, 99510 Apolda" in found
    exported = json.loads(client.post("/verwaltung/personendaten.json", data=query).data)
    first, second = exported["registrations"]
    assert first["channel"] == "post"
    assert first["postal_address"] == {
        "address_extra": "Hinterhaus",
        "street": "Lindenhöhe 25",
        "postcode": "99510",
        "city": "Apolda",
    }
    assert {m["channel"] for m in first["mails"]} == {"letter"}
    assert second["channel"] == "phone" and second["phone"] == PERSON["phone"]
    assert [m["channel"] for m in second["mails"]] == ["call"]
    assert any("Lindenhöhe 23" in json.dumps(e, ensure_ascii=False) for e in first["audit_entries"])

    response = client.post("/verwaltung/personendaten/loeschen", data=query)
    assert response.status_code == 303
    db.session.expire_all()
    assert traces() == []
    assert letters_and_calls(by_post.id) == [] and letters_and_calls(by_phone.id) == []
    assert db.session.get(Registration, by_post.id).status == "cancelled"
    again = json.loads(client.post("/verwaltung/personendaten.json", data=query).data)
    assert again["registrations"] == []


def test_a_person_without_email_is_found_by_full_name_and_postcode(app, client, login):
    login("staff")
    booked_by_phone(factories.seminar(), channel="post", when=utcnow())
    booked_by_phone(factories.seminar(), channel="post", when=utcnow(), postcode="04109")
    token = csrf_token_from(client.get("/verwaltung/personendaten").get_data(as_text=True))
    query = {
        "first_name": "irmtraud",
        "last_name": "wolkenstein",
        "postcode": "99510",
        "csrf_token": token,
    }
    found = client.post("/verwaltung/personendaten", data=query).get_data(as_text=True)
    assert "1 Anmeldung gefunden" in found  # the other one lives elsewhere
    # A name alone finds nobody; the page asks for more.
    alone = client.post(
        "/verwaltung/personendaten", data={"last_name": "Wolkenstein", "csrf_token": token}
    ).get_data(as_text=True)
    assert "Anmeldung gefunden" not in alone and "Nachname und Postleitzahl an" in alone
    assert services.export_person(PersonQuery(last_name="Wolkenstein"))["registrations"] == []
    # Another phone number narrows the search to nobody.
    other = PersonQuery(contact="0341 1", last_name="Wolkenstein", postcode="99510")
    assert services.export_person(other)["registrations"] == []


def test_retention_leaves_no_letter_call_or_address_of_a_person_without_email(app):
    now = utcnow()
    long_ago = now - timedelta(days=820)
    old_post = factories.seminar("Früher", starts_in=timedelta(days=-800))
    old_phone = factories.seminar("Auch früher", starts_in=timedelta(days=-790))
    letter_person = booked_by_phone(old_post, channel="post", when=long_ago)
    call_person = booked_by_phone(old_phone, channel="phone", when=long_ago)
    staff.correct_contact(
        letter_person.id,
        {
            **{n: getattr(letter_person, n) for n in staff.CONTACT_FIELDS},
            "address_extra": "",
        },
        actor=None,
    )
    db.session.commit()
    # One letter already printed and posted: its text stays until retention (or is blanked).
    printed = letters_and_calls(letter_person.id)[0]
    printed.status, printed.sent_at = "sent", long_ago
    db.session.commit()
    # And one never printed: the reminder letter still waits in the print queue.
    from seminars.registrations import mails

    mails.queue(letter_person, mails.REMINDER)
    db.session.commit()
    assert set(traces()) == set(SECRETS)
    waiting = [m.id for m in letters_and_calls(letter_person.id) if m.status == "pending"]
    assert waiting

    assert services.anonymise_old_registrations(now) == 2
    db.session.expire_all()
    assert traces() == []
    # Nothing is left to print or to call: without address and text those wait for nothing.
    for message_id in waiting:
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.outcome) == ("sent", "obsolete")
    for registration in (letter_person, call_person):
        for message in letters_and_calls(registration.id):  # they stay, as what and when
            assert (message.recipient, message.body_text) == ("", "")
        gone = db.session.get(Registration, registration.id)
        assert (gone.street, gone.postcode, gone.city, gone.phone) == ("", "", "", "")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.registration_id == letter_person.id)
    ).all()
    assert entries and all(e.before == {} and e.after == {} for e in entries)


def test_erasure_after_retention_finds_the_person_by_name_postcode_and_phone(app):
    now = utcnow()
    old = factories.seminar("Früher", starts_in=timedelta(days=-800))
    recent = factories.seminar("Neulich", starts_in=timedelta(days=-10))
    anonymised = booked_by_phone(old, channel="phone", when=now - timedelta(days=820))
    booked_by_phone(recent, channel="phone", when=now - timedelta(days=20), phone="0170 1")
    assert services.anonymise_old_registrations(now) == 1
    old_key = anonymised.person_key
    query = PersonQuery(
        contact="03641-556677", first_name="Irmtraud", last_name="Wolkenstein", postcode="99510"
    )
    exported = services.export_person(query)
    assert [r["anonymised_at"] is not None for r in exported["registrations"]] == [True]
    assert services.erase_person(query, actor=None, now=now) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, anonymised.id).person_key != old_key
