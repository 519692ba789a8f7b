"""Mails the mail server refused: staff see them, correct the address and send again; the
steering committee never sees whom a mail did not reach."""

from __future__ import annotations

import re

from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from
from tests.registrations.test_views import post_form, text


def test_staff_see_a_refused_mail_correct_the_address_and_send_it_again(
    client, login, scripted_smtp_server
):
    scripted_smtp_server.refuse["erika@exmaple.org"] = "550 5.1.1 Mailbox unavailable"
    seminar = factories.seminar("Gruppen leiten", capacity=5)
    assert post_form(client, seminar, email="erika@exmaple.org").status_code == 303
    registration_id = db.session.scalar(select(Registration.id))
    [refused] = db.session.scalars(select(OutboxMessage)).all()
    assert refused.status == "failed" and refused.attempts == 1  # given up at once

    login("staff")
    start = text(client.get("/verwaltung/"))
    assert "1 Mail konnte nicht zugestellt werden." in start
    assert f'href="/verwaltung/anmeldungen/{registration_id}"' in start
    assert "Nichts Dringendes" not in start

    path = f"/verwaltung/anmeldungen/{registration_id}"
    page = text(client.get(path))
    assert "Nicht zugestellte E-Mails" in page
    assert "an erika@exmaple.org konnte nicht zugestellt werden." in page
    assert "Grund: 550 5.1.1 Mailbox unavailable" in page

    corrected = client.post(
        f"{path}/kontakt",
        data={
            "csrf_token": csrf_token_from(page),
            "first_name": "Erika",
            "last_name": "Mustermann",
            "email": "erika@example.org",
            "phone": "",
            "organisation": "SHG Morbus Crohn Erfurt",
        },
    )
    assert corrected.status_code == 303
    resent = client.post(f"{path}/mail", data={"csrf_token": csrf_token_from(page)})
    assert resent.status_code == 303
    [mail] = scripted_smtp_server.messages
    assert mail["To"] == "erika@example.org"
    assert mail["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung: Gruppen leiten"

    page = text(client.get(path))
    assert "Eine spätere E-Mail an diese Anmeldung wurde zugestellt." in page
    start = text(client.get("/verwaltung/"))
    assert "nicht zugestellt" not in start


def test_the_start_page_counts_undelivered_mails_in_words(client, login):
    seminar = factories.seminar("Mit Fehlern", capacity=10)
    people = [factories.registration(seminar) for _ in range(2)]
    factories.failed_mail(people[0])
    factories.failed_mail(people[0], "553 5.1.3 Address not allowed")
    factories.failed_mail(people[1])
    login("admin")
    start = text(client.get("/verwaltung/"))
    assert "3 Mails konnten nicht zugestellt werden." in start
    links = re.findall(r'href="/verwaltung/anmeldungen/(\d+)"', start)
    assert sorted(int(i) for i in links) == sorted(p.id for p in people)
    assert "2 Mails" in start  # the person two mails did not reach


def test_steering_never_sees_whom_a_mail_did_not_reach(client, login):
    seminar = factories.seminar("Vertraulich", capacity=10)
    person = factories.registration(seminar)
    factories.failed_mail(person)
    login("steering")
    start = text(client.get("/verwaltung/"))
    assert "Vertraulich" in start  # the start page itself is there
    assert "zugestellt" not in start and person.last_name not in start
    assert "/verwaltung/anmeldungen/" not in start
    assert client.get(f"/verwaltung/anmeldungen/{person.id}").status_code == 403
