"""A browser-free walk through the back office: plan, publish, fill, attend, export, mail."""

import csv
import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import Seminar
from seminars.registrations.models import Attendance, Registration
from tests import factories
from tests.conftest import csrf_token_from, field_error

PHONE_FORM = {
    "first_name": "Hanna", "last_name": "Telefon", "email": "hanna@example.org",
    "organisation": "SHG Rheuma Gotha", "county": "th-gotha", "need_sign_language": "y",
    "consent": "y",
}  # fmt: skip


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_plan_publish_fill_attend_export_and_mail(client, login):
    login("staff")
    token = csrf_token_from(page(client, "/verwaltung/seminare/neu"))
    created = client.post(
        "/verwaltung/seminare/neu",
        data={
            "code": "SID-WALK",
            "title": "=HYPERLINK(1) Öffentlichkeitsarbeit",
            "topic_id": "4",
            "format": "online",
            "venue_id": "0",
            "capacity": "2",
            "waitlist_capacity": "5",
            "sessions": "2030-03-02 09:30-16:00\n2030-03-03 09:30-13:00",
            "csrf_token": token,
        },
    )
    assert created.status_code == 303
    seminar_id = db.session.scalars(select(Seminar.id).where(Seminar.code == "SID-WALK")).one()
    client.post(f"/verwaltung/seminare/{seminar_id}/veroeffentlichen", data={"csrf_token": token})

    # fill: three people by phone (two seats, one waitlisted), one with a formula for a name
    for number, last_name in enumerate(("Telefon", "=1+2", "Warte")):
        response = client.post(
            f"/verwaltung/seminare/{seminar_id}/anmeldungen/neu",
            data={
                **PHONE_FORM,
                "last_name": last_name,
                "email": f"p{number}@example.org",
                "csrf_token": token,
            },
        )
        assert response.status_code == 303
    duplicate = client.post(
        f"/verwaltung/seminare/{seminar_id}/anmeldungen/neu",
        data={**PHONE_FORM, "email": "p0@example.org", "csrf_token": token},
    )
    assert duplicate.status_code == 422 and "schon angemeldet" in duplicate.get_data(as_text=True)
    listing = page(client, f"/verwaltung/seminare/{seminar_id}/anmeldungen")
    assert "3 × Gebärdensprachdolmetschung" in listing and "Dolmetschung buchen bis" in listing
    people = db.session.scalars(
        select(Registration).where(Registration.seminar_id == seminar_id).order_by(Registration.id)
    ).all()
    assert [p.status for p in people] == ["confirmed", "confirmed", "waitlisted"]
    assert all(p.registered_by_staff for p in people)

    # attendance: everyone at the first session, one person at the second
    sheet = page(client, f"/verwaltung/seminare/{seminar_id}/anwesenheit")
    session_ids = [int(i) for i in re.findall(r'name="session_id" value="(\d+)"', sheet)]
    client.post(
        f"/verwaltung/seminare/{seminar_id}/anwesenheit",
        data={"session_id": session_ids[0], "all": "1", "csrf_token": token},
    )
    client.post(
        f"/verwaltung/seminare/{seminar_id}/anwesenheit",
        data={"session_id": session_ids[1], "present": [people[0].id], "csrf_token": token},
    )
    marks = db.session.scalars(select(Attendance).where(Attendance.present.is_(True))).all()
    assert len(marks) == 3
    assert "Anwesenheitsquote: 75" in page(client, f"/verwaltung/seminare/{seminar_id}/anwesenheit")

    # exports: CSV and XLSX neutralise formulas, the PDF lists the names and sessions
    exported = client.get(f"/verwaltung/seminare/{seminar_id}/teilnehmende.csv")
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    rows = list(
        csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][0] == "Nachname" and len(rows) == 4
    assert "'=1+2" in [row[0] for row in rows]
    workbook = load_workbook(
        io.BytesIO(client.get(f"/verwaltung/seminare/{seminar_id}/teilnehmende.xlsx").data)
    )
    names = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    assert "'=1+2" in names
    overview = client.get("/verwaltung/seminare.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in overview
    pdf = client.get(f"/verwaltung/seminare/{seminar_id}/unterschriften.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Telefon, Hanna" in text and "2. März 2030" in text
    assert "Warte" not in text  # only confirmed participants sign

    # mail to confirmed participants, with a preview first
    compose_url = f"/verwaltung/seminare/{seminar_id}/nachricht"
    message = {
        "audience": "confirmed",
        "subject": "Raumänderung",
        "text": "Bitte Raum 2.",
        "csrf_token": token,
    }
    preview = client.post(compose_url, data={**message, "action": "preview"})
    assert "Geht an 2 Personen." in preview.get_data(as_text=True)
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_message")).all()
        == []
    )
    sent = client.post(compose_url, data={**message, "action": "send"})
    assert sent.status_code == 303
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "staff_message")
    ).all()
    assert sorted(m.recipient for m in mails) == ["p0@example.org", "p1@example.org"]
    assert "/anmeldung/" in mails[0].body_text

    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "seminar.create",
        "seminar.status",
        "registration.create_by_staff",
        "attendance.record",
        "seminar.mail",
    } <= actions


def test_staff_actions_on_one_registration(client, login):
    login("staff")
    seminar = factories.seminar(capacity=1, seminar_format="online")
    token = csrf_token_from(page(client, f"/verwaltung/seminare/{seminar.id}/anmeldungen/neu"))
    for number in range(3):
        client.post(
            f"/verwaltung/seminare/{seminar.id}/anmeldungen/neu",
            data={**PHONE_FORM, "email": f"q{number}@example.org", "csrf_token": token},
        )
    holder, first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    detail = page(client, f"/verwaltung/anmeldungen/{second.id}")
    assert "Platz 2 der Warteliste" in detail
    no_reason = client.post(
        f"/verwaltung/anmeldungen/{second.id}/vorziehen", data={"reason": "", "csrf_token": token}
    )
    assert no_reason.status_code == 303
    client.post(
        f"/verwaltung/anmeldungen/{second.id}/vorziehen",
        data={"reason": "Referentin bittet darum", "csrf_token": token},
    )
    client.post(
        f"/verwaltung/anmeldungen/{holder.id}/absagen",
        data={"reason": "Krank gemeldet", "csrf_token": token},
    )
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "offered"
    assert db.session.get(Registration, first.id).status == "waitlisted"
    client.post(
        f"/verwaltung/anmeldungen/{first.id}/kontakt",
        data={
            "first_name": "Hanna",
            "last_name": "Neu",
            "email": "neu@example.org",
            "phone": "0361 1",
            "organisation": "SHG",
            "csrf_token": token,
        },
    )
    taken = client.post(
        f"/verwaltung/anmeldungen/{first.id}/kontakt",
        data={
            "first_name": "Hanna",
            "last_name": "Neu",
            "email": "q2@example.org",
            "phone": "",
            "organisation": "SHG",
            "csrf_token": token,
        },
    )
    assert taken.status_code == 422
    assert "schon jemand für das Seminar angemeldet" in field_error(
        taken.get_data(as_text=True), "email"
    )
    db.session.expire_all()
    assert db.session.get(Registration, first.id).email == "neu@example.org"
    client.post(f"/verwaltung/anmeldungen/{first.id}/mail", data={"csrf_token": token})
    history = page(client, f"/verwaltung/anmeldungen/{first.id}")
    assert "Kontaktdaten korrigiert" in history and "Nachricht erneut gesendet" in history
    assert "registration.update" not in history
    # the change is logged with the address before and after it
    update_row = next(row for row in history.split("<tr>") if "Kontaktdaten korrigiert" in row)
    assert update_row.index("q1@example.org") < update_row.index("neu@example.org")
    reasons = db.session.scalars(select(AuditEntry.note).where(AuditEntry.note != "")).all()
    assert set(reasons) == {"Referentin bittet darum", "Krank gemeldet"}


def test_steering_never_sees_registrations_or_exports(client, login):
    login("steering")
    seminar = factories.seminar()
    for url in (
        f"/verwaltung/seminare/{seminar.id}/anmeldungen",
        f"/verwaltung/seminare/{seminar.id}/teilnehmende.csv",
        f"/verwaltung/seminare/{seminar.id}/unterschriften.pdf",
        "/verwaltung/seminare",
    ):
        assert client.get(url).status_code == 403
