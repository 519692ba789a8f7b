"""Who hears of a changed seminar, the reason to tell nobody, and sessions in the past."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.planning import services
from seminars.planning.services import PlanningError, SeminarData
from seminars.programme.models import Seminar
from seminars.registrations import allocation
from tests import factories


def people(seminar, *, confirmed=1, waiting=1, pending=0, when=None):
    """Registrations in the given states (capacity must leave ``waiting`` people over)."""
    now = when or utcnow()
    made = {"confirmed": [], "waiting": [], "pending": []}
    for group, number in (("confirmed", confirmed), ("waiting", waiting)):
        for _ in range(number):
            registration = allocation.register(seminar.id, factories.applicant(), now=now)
            db.session.commit()
            allocation.confirm(registration.registration.id, now=now)
            db.session.commit()
            made[group].append(registration.registration.id)
    for _ in range(pending):
        registration = allocation.register(seminar.id, factories.applicant(), now=now)
        db.session.commit()
        made["pending"].append(registration.registration.id)
    return made


def data_of(seminar: Seminar, **changes) -> SeminarData:
    seminar = services.get_seminar(seminar.id)
    values = dict(
        code=seminar.code,
        title=seminar.title,
        topic_id=seminar.topic_id,
        format=seminar.format,
        capacity=seminar.capacity,
        sessions=[(s.starts_at, s.ends_at) for s in seminar.sessions],
        venue_id=seminar.venue_id,
        meeting_url=seminar.meeting_url or "",
        waitlist_capacity=seminar.waitlist_capacity,
        teaching_units=seminar.teaching_units,
    )
    values.update(changes)
    return SeminarData(**values)


def later(seminar: Seminar, days: int = 7):
    return [(s.starts_at + timedelta(days=days), s.ends_at + timedelta(days=days))
            for s in services.get_seminar(seminar.id).sessions]  # fmt: skip


def save(seminar, data, **options):
    fresh = db.session.get(Seminar, seminar.id)
    saved = services.update_seminar(
        seminar.id,
        data,
        version=fresh.version,
        actor=factories.user("staff"),
        now=utcnow(),
        **options,
    )
    db.session.commit()
    return saved


def changed_mail(registration_id: int) -> OutboxMessage | None:
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == registration_id,
            OutboxMessage.kind == "seminar_changed",
        )
    ).one_or_none()


def last_update() -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "seminar.update")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one()


def test_new_dates_reach_confirmed_and_waitlisted_people_by_default(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    made = people(seminar, confirmed=1, waiting=1, pending=1)
    saved = save(seminar, data_of(seminar, sessions=later(seminar)))
    assert saved.told == 2
    confirmed, waiting = changed_mail(made["confirmed"][0]), changed_mail(made["waiting"][0])
    assert confirmed is not None and waiting is not None
    assert changed_mail(made["pending"][0]) is None  # address not confirmed yet
    assert "Neue Termine" in confirmed.body_text and "Neue Termine" in waiting.body_text
    assert "Ihr Platz bleibt Ihnen sicher" in confirmed.body_text
    assert "weiterhin auf der Warteliste" in waiting.body_text
    assert "Ihr Platz bleibt" not in waiting.body_text
    assert last_update().after["notified"] == {"confirmed": 1, "waitlisted": 1}


def test_a_new_meeting_link_reaches_only_people_with_a_seat(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    made = people(seminar, confirmed=1, waiting=1)
    saved = save(seminar, data_of(seminar, meeting_url="https://meet.example.org/neu"))
    assert saved.told == 1
    assert "Zugangslink" in changed_mail(made["confirmed"][0]).body_text
    assert changed_mail(made["waiting"][0]) is None


def test_other_changes_tell_nobody(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    made = people(seminar, confirmed=1, waiting=1)
    assert save(seminar, data_of(seminar, title="Neuer Titel")).told == 0
    assert changed_mail(made["confirmed"][0]) is None
    assert "notified" not in last_update().after


def test_telling_nobody_needs_a_reason_which_the_audit_log_keeps(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    made = people(seminar, confirmed=1, waiting=1)
    with pytest.raises(PlanningError) as refused:
        save(seminar, data_of(seminar, sessions=later(seminar)), notify=False, quiet_reason=" ")
    assert refused.value.field == "quiet_reason"
    db.session.rollback()
    assert services.get_seminar(seminar.id).sessions[0].starts_at > utcnow()
    saved = save(
        seminar,
        data_of(seminar, sessions=later(seminar)),
        notify=False,
        quiet_reason="Alle wurden am Telefon informiert.",
    )
    assert saved.told == 0
    assert changed_mail(made["confirmed"][0]) is None and changed_mail(made["waiting"][0]) is None
    entry = last_update()
    assert entry.after["not_notified"] == {"reason": "Alle wurden am Telefon informiert."}
    assert "sessions" in entry.after


def test_sessions_in_the_past_are_refused_once_people_are_registered(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    people(seminar, confirmed=1, waiting=0)
    past = [(s - timedelta(days=60), e - timedelta(days=60)) for s, e in later(seminar, 0)]
    with pytest.raises(PlanningError) as refused:
        save(seminar, data_of(seminar, sessions=past))
    assert refused.value.field == "sessions"
    assert "Vergangenheit" in str(refused.value.message)


def test_a_running_series_keeps_its_past_sessions_and_moves_a_later_one(app):
    seminar = factories.seminar(
        capacity=2, starts_in=timedelta(days=-1), sessions=3, seminar_format="online"
    )
    people(seminar, confirmed=1, waiting=0, when=utcnow() - timedelta(days=3))
    spans = later(seminar, 0)
    spans[2] = (spans[2][0] + timedelta(days=7), spans[2][1] + timedelta(days=7))
    saved = save(seminar, data_of(seminar, sessions=spans))
    assert saved.past == [] and saved.told == 1


def test_without_registrations_sessions_in_the_past_are_allowed_and_named(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    past = [(s - timedelta(days=400), e - timedelta(days=400)) for s, e in later(seminar, 0)]
    saved = save(seminar, data_of(seminar, sessions=past))
    assert saved.past == past and saved.told == 0


def test_the_preview_counts_and_shows_the_mail_and_writes_nothing(app):
    seminar = factories.seminar(capacity=1, seminar_format="online")
    made = people(seminar, confirmed=1, waiting=2)
    fresh = db.session.get(Seminar, seminar.id)
    version, spans = fresh.version, later(seminar)
    preview = services.preview_update(
        seminar.id, data_of(seminar, sessions=spans), version=version, now=utcnow()
    )
    assert (preview.notice.confirmed, preview.notice.waiting) == (1, 2)
    assert set(preview.texts) == {"confirmed", "waitlisted"}
    assert "Neue Termine" in preview.texts["confirmed"]
    assert "weiterhin auf der Warteliste" in preview.texts["waitlisted"]
    db.session.rollback()
    assert services.get_seminar(seminar.id).sessions[0].starts_at != spans[0][0]
    assert changed_mail(made["confirmed"][0]) is None
    quiet = services.preview_update(
        seminar.id,
        data_of(seminar, sessions=spans),
        version=version,
        notify=False,
        quiet_reason="schon telefonisch gesagt",
        now=utcnow(),
    )
    assert quiet is None
    assert (
        services.preview_update(
            seminar.id, data_of(seminar, title="Nur der Titel"), version=version, now=utcnow()
        )
        is None
    )


def test_each_person_reads_the_changes_in_their_language(app):
    seminar = factories.seminar(capacity=2, seminar_format="online")
    now = utcnow()
    english = allocation.register(seminar.id, factories.applicant(locale="en"), now=now)
    db.session.commit()
    allocation.confirm(english.registration.id, now=now)
    db.session.commit()
    save(seminar, data_of(seminar, sessions=later(seminar)))
    text = changed_mail(english.registration.id).body_text
    assert "- New dates" in text and "Neue Termine" not in text
