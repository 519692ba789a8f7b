from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import run
from seminars.outbox.models import OutboxMessage
from seminars.privacy import services
from seminars.registrations import allocation, staff
from seminars.registrations.models import Attendance, Registration
from seminars.statistics import services as statistics
from tests import factories


def past_seminar(days_ago: int):
    seminar = factories.seminar(starts_in=timedelta(days=-days_ago), capacity=5)
    earlier = utcnow() - timedelta(days=days_ago + 10)
    registration = allocation.register(
        seminar.id,
        factories.applicant(
            1,
            county="th-gotha",
            phone="0361 1",
            needs_other="Gebärdensprache bitte",
            need_sign_language=True,
            remarks="Ich bringe meinen Hund mit",
        ),
        now=earlier,
        by_staff=True,
    ).registration
    db.session.commit()
    session = staff.attendance_of(seminar.id).sessions[0]
    staff.record_attendance(seminar.id, session.id, {registration.id}, actor=None, now=earlier)
    db.session.commit()
    return seminar, registration


def test_free_text_needs_go_after_thirty_days(app):
    _old, old = past_seminar(40)
    _recent, recent = past_seminar(10)
    assert services.delete_free_text_needs(utcnow()) == 1
    db.session.expire_all()
    assert db.session.get(Registration, old.id).needs_other == ""
    assert db.session.get(Registration, recent.id).needs_other == "Gebärdensprache bitte"
    assert db.session.get(Registration, old.id).last_name  # the rest stays for now


def test_personal_data_goes_after_the_retention_period_and_figures_survive(app):
    seminar, old = past_seminar(800)
    _recent, recent = past_seminar(100)
    email = old.email
    before = statistics.statistics(statistics.Filters(seminar_id=seminar.id), now=utcnow()).headline
    assert services.anonymise_old_registrations(utcnow()) == 1
    assert services.anonymise_old_registrations(utcnow()) == 0  # idempotent
    db.session.expire_all()
    gone = db.session.get(Registration, old.id)
    assert (
        gone.first_name,
        gone.last_name,
        gone.email,
        gone.phone,
        gone.organisation,
        gone.remarks,
        gone.needs_other,
        gone.need_sign_language,
        gone.token_hash,
    ) == ("", "", "", "", "", "", "", False, None)
    assert (gone.county, gone.status) == ("th-gotha", "confirmed") and gone.anonymised_at
    assert db.session.scalars(select(Attendance).where(Attendance.registration_id == old.id)).all()
    assert db.session.get(Registration, recent.id).email == recent.email
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == old.id)
    ):
        assert email not in (message.recipient + message.body_text)
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.registration_id == old.id)):
        assert email not in str(entry.after)
    after = statistics.statistics(statistics.Filters(seminar_id=seminar.id), now=utcnow()).headline
    assert (after.seminars_held, after.registrations, after.seats, after.no_shows) == (
        before.seminars_held,
        before.registrations,
        before.seats,
        before.no_shows,
    )


def test_housekeeping_runs_retention(app):
    past_seminar(800)
    report = run(utcnow())
    assert report.anonymised == 1 and report.needs_deleted == 1


def test_export_and_erase_one_person(client, login):
    import json

    from tests.conftest import csrf_token_from

    seminar, old = past_seminar(5)
    email = old.email
    upcoming = factories.seminar(capacity=1)
    active = allocation.register(
        upcoming.id, factories.applicant(1), now=utcnow(), by_staff=True
    ).registration
    waiting = allocation.register(
        upcoming.id, factories.applicant(2), now=utcnow(), by_staff=True
    ).registration
    db.session.commit()
    login("staff")
    token = csrf_token_from(client.get("/verwaltung/personendaten").get_data(as_text=True))
    page = client.post(
        "/verwaltung/personendaten", data={"contact": old.email, "csrf_token": token}
    ).get_data(as_text=True)
    assert "2 Anmeldungen gefunden" in page
    assert old.email not in client.get("/verwaltung/personendaten").get_data(as_text=True)
    exported = json.loads(
        client.post(
            "/verwaltung/personendaten.json", data={"contact": old.email, "csrf_token": token}
        ).data
    )
    assert [r["seminar"]["code"] for r in exported["registrations"]] == [
        seminar.code,
        upcoming.code,
    ]
    assert exported["registrations"][0]["needs"]["needs_other"] == "Gebärdensprache bitte"
    assert exported["registrations"][0]["attended_sessions"]
    response = client.post(
        "/verwaltung/personendaten/loeschen",
        data={"contact": old.email, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    for registration_id in (old.id, active.id):
        gone = db.session.get(Registration, registration_id)
        assert gone.email == "" and gone.anonymised_at is not None
    assert db.session.get(Registration, active.id).status == "cancelled"
    assert db.session.get(Registration, waiting.id).status == "offered"  # the seat passed on
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.erase")).one()
    assert email not in str(entry.after) and entry.after == {"registrations": 2}
    assert (
        json.loads(
            client.post(
                "/verwaltung/personendaten.json", data={"contact": old.email, "csrf_token": token}
            ).data
        )["registrations"]
        == []
    )


def test_retention_anonymises_seminar_by_seminar(app, monkeypatch):
    """A failure part-way keeps the seminars done before it and leaves no seminar half done."""
    from seminars.certificates import services as certificates

    _first_seminar, first = past_seminar(900)
    _second_seminar, second = past_seminar(800)
    real = certificates.anonymise_for

    def fail_on_the_second(ids, *, now):
        if second.id in ids:
            raise RuntimeError("disk full")
        return real(ids, now=now)

    monkeypatch.setattr(certificates, "anonymise_for", fail_on_the_second)
    with pytest.raises(RuntimeError):
        services.anonymise_old_registrations(utcnow())
    db.session.expire_all()
    assert db.session.get(Registration, first.id).anonymised_at is not None
    left = db.session.get(Registration, second.id)
    assert left.anonymised_at is None and left.email  # nothing of its half-done work stays
    monkeypatch.setattr(certificates, "anonymise_for", real)
    assert services.anonymise_old_registrations(utcnow()) == 1  # the next run goes on
