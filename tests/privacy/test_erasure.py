"""Erasure and retention, checked the way an attacker with a copy of the database would:
every row of every table is searched for the person afterwards, and the yearly figures are
compared before and after."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import select

from seminars.certificates import services as certificates
from seminars.certificates.models import Certificate, CertificatePdf
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.services import deliver
from seminars.privacy import services
from seminars.registrations import allocation, staff, tokens
from seminars.registrations.models import Registration
from seminars.statistics import services as statistics
from seminars.surveys import links
from seminars.surveys import services as surveys
from tests import factories
from tests.conftest import csrf_token_from

PERSON = {
    "first_name": "Walburga",
    "last_name": "Quendelsack",
    "email": "Walburga.Quendelsack@Example.org",
    "phone": "0361 987654",
    "organisation": "Gruppe Zuversicht Gera",
    "remarks": "Bitte einen Platz am Fenster",
    "needs_other": "Unterlagen in Großdruck",
}


def attend(seminar, applicant, *, when):
    registration = allocation.register(seminar.id, applicant, now=when, by_staff=True).registration
    db.session.commit()
    for session in staff.attendance_of(seminar.id).sessions:
        staff.record_attendance(seminar.id, session.id, {registration.id}, actor=None, now=when)
    db.session.commit()
    return registration


def dump_every_table() -> str:
    """Every column of every row of every table, as one lower-case text."""
    with db.engine.connect() as connection:
        parts = [
            json.dumps(dict(row), default=str, ensure_ascii=False)
            for table in db.metadata.sorted_tables
            for row in connection.execute(select(table)).mappings()
        ]
    return "\n".join(parts).lower()


def traces(person_tokens: list[str]) -> list[str]:
    dump = dump_every_table()
    found = [value for value in PERSON.values() if value.lower() in dump]
    found += [t for t in person_tokens if t.lower() in dump]
    found += [tokens.token_hash(t) for t in person_tokens if tokens.token_hash(t) in dump]
    return found


def test_erasure_leaves_the_person_nowhere(app, client, login, smtp_server):
    staff_user = login("staff")
    past = factories.seminar("Gruppen leiten", starts_in=timedelta(days=-5))
    now = utcnow()
    old = attend(past, factories.applicant(**PERSON), when=now - timedelta(days=20))
    staff.correct_contact(
        old.id, {**{k: PERSON.get(k, "") for k in staff.CONTACT_FIELDS}, "phone": "0361 111",
                 "channel": "email"},
        actor=staff_user,
    )  # fmt: skip
    db.session.commit()
    certificate = certificates.issue(old.id, actor=staff_user, now=now)
    db.session.commit()
    surveys.send_invitations(now + timedelta(days=4))
    upcoming = factories.seminar("Recht in der Gruppe", capacity=1)
    active = allocation.register(upcoming.id, factories.applicant(**PERSON), now=now).registration
    waiting = allocation.register(upcoming.id, factories.applicant(2), now=now).registration
    db.session.commit()
    allocation.confirm(waiting.id, now=now)
    db.session.commit()
    deliver()  # some mail leaves, some (the next ones) will wait in the outbox
    assert smtp_server.messages
    person_tokens = [tokens.token_for(r.id, r.token_salt) for r in (old, active)] + [
        links.survey_token(past.id, old.id)
    ]
    assert traces(person_tokens)  # the person is in the database before

    before = statistics.statistics(statistics.Filters(), now=now).headline
    page = client.get("/verwaltung/personendaten").get_data(as_text=True)
    exported = json.loads(
        client.post(
            "/verwaltung/personendaten.json",
            data={"contact": PERSON["email"], "csrf_token": csrf_token_from(page)},
        ).data
    )
    stored = exported["registrations"][0]
    assert stored["certificates"][0]["name_on_certificate"] == "Walburga Quendelsack"
    assert stored["audit_entries"] and stored["mails"] and stored["survey_invited_at"]

    response = client.post(
        "/verwaltung/personendaten/loeschen",
        data={"contact": PERSON["email"].upper(), "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    db.session.expire_all()

    # Nothing anywhere: names, address, phone, group, remarks, needs, links, link hashes.
    assert traces(person_tokens) == []
    # The certificate is withdrawn and says so without a name, on the page too.
    assert certificates.verify(certificate.code).state == "revoked"
    assert certificates.verify(certificate.code).name == ""
    check = client.get(f"/pruefen?code={certificate.code}").get_data(as_text=True)
    assert "Widerrufen" in check and "Quendelsack" not in check
    assert db.session.get(Certificate, certificate.id).registration_id is None
    assert db.session.get(CertificatePdf, certificate.id) is None  # the stored PDF is gone
    # The seat passed on, the waiting person was offered it (and their mail stays).
    assert db.session.get(Registration, active.id).status == "cancelled"
    assert db.session.get(Registration, waiting.id).status == "offered"
    # Figures stay; the export now truthfully finds nothing.
    after = statistics.statistics(statistics.Filters(), now=now).headline
    assert after == before
    again = json.loads(
        client.post(
            "/verwaltung/personendaten.json",
            data={"contact": PERSON["email"], "csrf_token": csrf_token_from(page)},
        ).data
    )
    assert again["registrations"] == []


def test_erasure_also_reaches_registrations_retention_anonymised_already(app):
    long_ago = factories.seminar("Früher", starts_in=timedelta(days=-900))
    recent = factories.seminar("Neulich", starts_in=timedelta(days=-10))
    old = attend(long_ago, factories.applicant(**PERSON), when=utcnow() - timedelta(days=910))
    attend(recent, factories.applicant(**PERSON), when=utcnow() - timedelta(days=20))
    assert services.anonymise_old_registrations(utcnow()) == 1
    old_key = db.session.get(Registration, old.id).person_key
    assert services.erase_person(PERSON["email"], actor=None, now=utcnow()) == 2
    db.session.commit()
    db.session.expire_all()
    keys = set(db.session.scalars(select(Registration.person_key)))
    assert len(keys) == 1 and old_key not in keys  # one person still, under a new key


def _figures(now):
    """Every headline figure, for all years and for each year."""
    result = {}
    for year in (None, *statistics.filter_choices(None, now=now)[1]):
        headline = statistics.statistics(statistics.Filters(year=year), now=now).headline
        result[year] = headline
    return result


def test_figures_do_not_move_after_retention_and_erasure(app):
    """Two people attend two seminars each, one of them years ago: "people reached" counts
    them once before retention, after it, after an erasure and after running both again."""
    now = utcnow()
    old_seminar = factories.seminar("Früher", starts_in=timedelta(days=-800))
    other_old = factories.seminar("Auch früher", starts_in=timedelta(days=-790))
    new_seminar = factories.seminar("Neulich", starts_in=timedelta(days=-10))
    for number in (1, 2):
        when = now - timedelta(days=820)
        person = factories.applicant(number, email=f"Person{number}@Example.org ")
        attend(old_seminar, person, when=when)
        attend(other_old if number == 1 else new_seminar, person, when=when)
    attend(new_seminar, factories.applicant(3), when=now - timedelta(days=20))
    before = _figures(now)
    assert before[None].people_reached == 3
    assert services.anonymise_old_registrations(now) == 3
    assert _figures(now) == before
    assert services.erase_person("person2@example.org", actor=None, now=now) == 2
    db.session.commit()
    assert _figures(now) == before
    services.anonymise_old_registrations(now + timedelta(days=1))
    assert _figures(now) == before


def test_retention_removes_certificate_names_and_sent_mail_text(app, client, smtp_server):
    seminar = factories.seminar("Früher", starts_in=timedelta(days=-800))
    registration = attend(
        seminar, factories.applicant(**PERSON), when=utcnow() - timedelta(days=810)
    )
    certificate = certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    deliver()
    assert smtp_server.messages
    assert services.anonymise_old_registrations(utcnow()) == 1
    db.session.expire_all()
    assert traces([]) == []
    result = certificates.verify(certificate.code)
    assert (result.state, result.name, result.title) == ("expired", "", "Früher")
    assert db.session.get(CertificatePdf, certificate.id) is None
    assert certificates.for_seminar(seminar.id) == []  # nothing left to download
    page = client.get(f"/pruefen?code={certificate.code}").get_data(as_text=True)
    assert "Aufbewahrungsfrist" in page and "Quendelsack" not in page


def test_a_sent_mail_keeps_no_address_and_no_text(app, smtp_server):
    seminar = factories.seminar()
    registration = allocation.register(
        seminar.id, factories.applicant(**PERSON), now=utcnow()
    ).registration
    db.session.commit()
    assert deliver().sent == 1
    with db.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM outbox_message")).mappings().one()
    assert (row["recipient"], row["body_text"], row["body_html"]) == ("", "", "")
    assert row["kind"] == "confirm_request" and row["registration_id"] == registration.id
    assert PERSON["email"] in smtp_server.messages[0]["To"]


def _names_in_stored_pdfs() -> str:
    """The text of every stored certificate PDF (what a copy of the database would show)."""
    import io

    from pypdf import PdfReader

    pdfs = db.session.scalars(select(CertificatePdf.pdf)).all()
    return "\n".join(PdfReader(io.BytesIO(body)).pages[0].extract_text() for body in pdfs)


def test_erasure_and_retention_leave_the_name_in_no_stored_certificate_pdf(app):
    """The stored PDFs are compressed, so the search of every table does not read them: their
    text is searched here, with another person's certificate still stored beside them."""
    seminar = factories.seminar("Gruppen leiten", starts_in=timedelta(days=-5))
    when = utcnow() - timedelta(days=20)
    person = attend(seminar, factories.applicant(**PERSON), when=when)
    other_seminar = factories.seminar("Recht in der Gruppe", starts_in=timedelta(days=-5))
    other = attend(other_seminar, factories.applicant(2, last_name="Bleibtreu"), when=when)
    old_seminar = factories.seminar("Früher", starts_in=timedelta(days=-800))
    old = attend(
        old_seminar,
        factories.applicant(3, last_name="Vergangen"),
        when=utcnow() - timedelta(days=810),
    )
    for registration in (person, other, old):
        certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    text = _names_in_stored_pdfs()
    assert "Quendelsack" in text and "Bleibtreu" in text and "Vergangen" in text
    db.session.commit()  # end the reading transaction: erasure locks first

    services.erase_person(PERSON["email"], actor=None, now=utcnow())
    db.session.commit()
    services.anonymise_old_registrations(utcnow())
    db.session.commit()
    db.session.expire_all()

    text = _names_in_stored_pdfs()
    assert "Bleibtreu" in text
    assert "Quendelsack" not in text and "Vergangen" not in text
