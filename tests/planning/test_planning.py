from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import services
from seminars.planning.services import ChangedMeanwhile, PlanningError, SeminarData
from seminars.programme.models import Seminar, Topic
from seminars.registrations import allocation
from tests import factories
from tests.conftest import csrf_token_from

START = datetime(2027, 5, 8, 7, 30, tzinfo=UTC)


def data(**changes) -> SeminarData:
    topic = db.session.scalars(select(Topic).where(Topic.key == "recht")).one()
    values = dict(
        code="SID-2027-09",
        title="Vereinsrecht",
        topic_id=topic.id,
        format="online",
        capacity=2,
        sessions=[(START, START + timedelta(hours=6))],
        instructors=["Thomas Reichelt"],
    )
    values.update(changes)
    return SeminarData(**values)


def test_create_publish_and_audit(app):
    staff = factories.user("staff")
    seminar = services.create_seminar(data(), actor=staff)
    services.set_status(seminar.id, "published", actor=staff)
    db.session.commit()
    assert seminar.status == "published" and [i.name for i in seminar.instructors] == [
        "Thomas Reichelt"
    ]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["seminar.create", "seminar.status"]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "seminar.status")
    ).one()
    assert (entry.before, entry.after, entry.actor_email) == (
        {"status": "draft"},
        {"status": "published"},
        staff.email,
    )


def test_code_must_be_unique_and_venue_needed_for_presence(app):
    staff = factories.user("staff")
    services.create_seminar(data(), actor=staff)
    db.session.commit()
    with pytest.raises(PlanningError):
        services.create_seminar(data(code="sid-2027-09"), actor=staff)
    db.session.rollback()
    with pytest.raises(PlanningError):
        services.create_seminar(data(code="X", format="in_person"), actor=staff)


def test_second_save_with_an_old_version_is_refused(app):
    staff = factories.user("staff")
    seminar = services.create_seminar(data(), actor=staff)
    db.session.commit()
    version = seminar.version
    services.update_seminar(
        seminar.id,
        data(title="Erste Änderung"),
        version=version,
        notify=False,
        actor=staff,
        now=utcnow(),
    )
    db.session.commit()
    with pytest.raises(ChangedMeanwhile):
        services.update_seminar(
            seminar.id,
            data(title="Zweite Änderung"),
            version=version,
            notify=False,
            actor=staff,
            now=utcnow(),
        )
    db.session.rollback()
    assert db.session.get(Seminar, seminar.id).title == "Erste Änderung"


def test_more_seats_go_to_the_waitlist_and_fewer_keep_everyone(app):
    staff = factories.user("staff")
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=20), seminar_format="online")
    now = utcnow()
    people = []
    for number in range(3):
        registration = allocation.register(
            seminar.id, factories.applicant(number), now=now
        ).registration
        db.session.commit()
        allocation.confirm(registration.id, now=now)
        db.session.commit()
        people.append(registration.id)
    seminar = services.get_seminar(seminar.id)
    sessions = [(s.starts_at, s.ends_at) for s in seminar.sessions]
    services.update_seminar(
        seminar.id,
        data(code=seminar.code, capacity=2, sessions=sessions),
        version=seminar.version,
        notify=False,
        actor=staff,
        now=now,
    )
    db.session.commit()
    assert factories.outbox_kinds(people[1])[-1] == "seat_offered"
    assert factories.outbox_kinds(people[2])[-1] == "waitlisted"
    fresh = db.session.get(Seminar, seminar.id)
    services.update_seminar(
        seminar.id,
        data(code=seminar.code, capacity=1, sessions=sessions),
        version=fresh.version,
        notify=False,
        actor=staff,
        now=now,
    )
    db.session.commit()
    kept = db.session.scalars(
        select(allocation.Registration.status).where(allocation.Registration.id.in_(people[:2]))
    ).all()
    assert sorted(kept) == ["confirmed", "offered"]


def test_notify_tells_confirmed_participants_about_new_dates(app):
    staff = factories.user("staff")
    seminar = factories.seminar(capacity=3, seminar_format="online")
    now = utcnow()
    confirmed = allocation.register(seminar.id, factories.applicant(1), now=now).registration
    db.session.commit()
    allocation.confirm(confirmed.id, now=now)
    pending = allocation.register(seminar.id, factories.applicant(2), now=now).registration
    db.session.commit()
    later = [(START, START + timedelta(hours=3))]
    services.update_seminar(
        seminar.id,
        data(code=seminar.code, capacity=3, sessions=later),
        version=seminar.version,
        notify=True,
        actor=staff,
        now=now,
    )
    db.session.commit()
    assert factories.outbox_kinds(confirmed.id)[-1] == "seminar_changed"
    assert "seminar_changed" not in factories.outbox_kinds(pending.id)


def test_duplicate_for_next_year_and_delete_rules(app):
    staff = factories.user("staff")
    seminar = factories.seminar(capacity=3)
    copy = services.duplicate_seminar(seminar.id, actor=staff)
    db.session.commit()
    seminar, copy = services.get_seminar(seminar.id), services.get_seminar(copy.id)
    assert copy.status == "draft" and copy.code.startswith(seminar.code + "-")
    assert copy.sessions[0].starts_at == seminar.sessions[0].starts_at + timedelta(days=364)
    services.delete_seminar(copy.id, actor=staff)
    db.session.commit()
    allocation.register(seminar.id, factories.applicant(), now=utcnow())
    db.session.commit()
    with pytest.raises(PlanningError, match="Anmeldungen"):
        services.delete_seminar(seminar.id, actor=staff)


def test_seminar_without_sessions_cannot_be_published(app):
    staff = factories.user("staff")
    seminar = services.get_seminar(factories.seminar().id)
    seminar.sessions.clear()
    db.session.commit()
    with pytest.raises(PlanningError):
        services.set_status(seminar.id, "published", actor=staff)


def test_walk_through_the_planning_pages(client, login):
    login("staff")
    page = client.get("/verwaltung/seminare/neu").get_data(as_text=True)
    form = {
        "code": "SID-WEB-1",
        "title": "Pressearbeit",
        "topic_id": "1",
        "format": "online",
        "venue_id": "0",
        "sessions": "2027-06-05 09:30-16:00\n2027-06-06 09:30-13:00",
        "capacity": "12",
        "waitlist_capacity": "5",
        "teaching_units": "8",
        "summary": "Kurz",
        "description": "## Inhalte",
        "instructors": "Anna Lindner",
        "meeting_url": "https://meet.example.org/raum",
        "certificate_min_sessions": "1",
        "csrf_token": csrf_token_from(page),
    }
    bad = client.post("/verwaltung/seminare/neu", data={**form, "sessions": "morgen"})
    assert bad.status_code == 422 and "ist kein Termin" in bad.get_data(as_text=True)
    created = client.post("/verwaltung/seminare/neu", data=form)
    assert created.status_code == 303
    seminar_id = db.session.scalars(select(Seminar.id).where(Seminar.code == "SID-WEB-1")).one()
    seminar = services.get_seminar(seminar_id)
    assert len(seminar.sessions) == 2 and seminar.certificate_min_sessions == 1
    edit = client.get(f"/verwaltung/seminare/{seminar.id}/bearbeiten").get_data(as_text=True)
    assert "2027-06-05 09:30-16:00" in edit
    stale_version = str(seminar.version)
    saved = client.post(
        f"/verwaltung/seminare/{seminar.id}/bearbeiten",
        data={**form, "title": "Pressearbeit kompakt", "version": stale_version},
    )
    assert saved.status_code == 303
    conflict = client.post(
        f"/verwaltung/seminare/{seminar.id}/bearbeiten",
        data={**form, "title": "Überschrieben?", "version": stale_version},
    )
    assert conflict.status_code == 409 and "inzwischen geändert" in conflict.get_data(as_text=True)
    token = {"csrf_token": csrf_token_from(edit)}
    assert (
        client.post(f"/verwaltung/seminare/{seminar.id}/veroeffentlichen", data=token).status_code
        == 303
    )
    db.session.expire_all()
    seminar = db.session.get(Seminar, seminar.id)
    assert (seminar.title, seminar.status) == ("Pressearbeit kompakt", "published")
    overview = client.get(f"/verwaltung/seminare/{seminar.id}").get_data(as_text=True)
    assert (
        "Seminar geändert" in overview
        and "seminar.update" not in overview
        and "Pressearbeit kompakt" in overview
    )
    assert "SID-WEB-1" in client.get("/verwaltung/seminare").get_data(as_text=True)


def test_topics_can_be_added_and_renamed_but_keep_their_key(client, login):
    from seminars.programme.models import Topic

    login("staff")
    token = csrf_token_from(client.get("/verwaltung/themen/neu").get_data(as_text=True))
    try:
        response = client.post(
            "/verwaltung/themen/neu",
            data={
                "key": "digitales",
                "name_de": "Digitale Selbsthilfe",
                "name_en": "Digital self-help",
                "position": "60",
                "csrf_token": token,
            },
        )
        assert response.status_code == 303
        topic = db.session.scalars(select(Topic).where(Topic.key == "digitales")).one()
        again = client.post(
            "/verwaltung/themen/neu",
            data={"key": "digitales", "name_de": "X", "name_en": "X", "csrf_token": token},
        )
        assert again.status_code == 422
        client.post(
            f"/verwaltung/themen/{topic.id}",
            data={
                "key": "anders",
                "name_de": "Digitales",
                "name_en": "Digital",
                "position": "5",
                "csrf_token": token,
            },
        )
        db.session.expire_all()
        topic = db.session.get(Topic, topic.id)
        assert (topic.key, topic.name_de, topic.position) == ("digitales", "Digitales", 5)
        assert "Digitales" in client.get("/verwaltung/themen").get_data(as_text=True)
    finally:
        db.session.rollback()
        db.session.execute(Topic.__table__.delete().where(Topic.key == "digitales"))
        db.session.commit()
