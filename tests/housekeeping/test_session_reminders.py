"""A reminder before every session of a series, each once, however many runners race."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import send_reminders
from seminars.outbox.models import OutboxMessage
from seminars.privacy import services as privacy
from seminars.programme.models import SeminarSession
from seminars.registrations import allocation, reminders
from seminars.registrations.models import SessionReminder
from tests import factories


def confirmed(seminar, now):
    registration = allocation.register(seminar.id, factories.applicant(), now=now).registration
    db.session.commit()
    allocation.confirm(registration.id, now=now)
    db.session.commit()
    return registration


def reminder_texts(registration_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.body_text)
            .where(
                OutboxMessage.registration_id == registration_id,
                OutboxMessage.kind == "reminder",
            )
            .order_by(OutboxMessage.id)
        )
    )


def run(now) -> int:
    sent = send_reminders(now)
    db.session.commit()
    return sent


def sessions_of(seminar) -> list[SeminarSession]:
    return list(
        db.session.scalars(
            select(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id)
            .order_by(SeminarSession.starts_at)
        )
    )


def weekly_series(now, sessions=3):
    """An online series, one evening a week, the first in two days."""
    seminar = factories.seminar(
        capacity=5, seminar_format="online", starts_at=now + timedelta(days=2), hours=2
    )
    (first,) = sessions_of(seminar)
    for week in range(1, sessions):
        db.session.add(
            SeminarSession(
                seminar_id=seminar.id,
                starts_at=first.starts_at + timedelta(weeks=week),
                ends_at=first.ends_at + timedelta(weeks=week),
            )
        )
    db.session.commit()
    return seminar


def test_each_session_of_a_series_gets_its_reminder_once(app):
    now = utcnow().replace(microsecond=0)
    seminar = weekly_series(now)
    person = confirmed(seminar, now)
    starts = [s.starts_at for s in sessions_of(seminar)]
    assert run(now) == 1  # the first evening only: the others are weeks away
    assert run(now) == 0
    assert run(starts[0] + timedelta(hours=1)) == 0  # the second is more than 3 days away
    assert run(starts[1] - timedelta(days=2)) == 1
    assert run(starts[1] - timedelta(days=1)) == 0
    assert run(starts[2] - timedelta(days=2)) == 1
    assert run(starts[2] - timedelta(hours=1)) == 0
    texts = reminder_texts(person.id)
    assert len(texts) == 3
    for text, session in zip(texts, sessions_of(seminar), strict=True):
        with app.test_request_context():
            from seminars.core.i18n import format_session_range

            when = format_session_range(session.starts_at, session.ends_at)
        assert f"Diese Erinnerung gilt für den Termin {when}." in text
        assert "auf Ihrer Anmeldeseite" in text  # where the meeting link is
    pairs = db.session.scalars(select(SessionReminder.session_id)).all()
    assert sorted(pairs) == [sessions_of(seminar)[1].id, sessions_of(seminar)[2].id]


def test_a_daily_series_reminds_of_one_session_at_a_time(app):
    now = utcnow().replace(microsecond=0)
    seminar = factories.seminar(capacity=5, starts_in=timedelta(days=1), sessions=3)
    confirmed(seminar, now)
    assert run(now) == 1  # all three are within three days; only the first is next
    assert run(sessions_of(seminar)[0].starts_at + timedelta(minutes=1)) == 1
    assert run(sessions_of(seminar)[1].starts_at + timedelta(minutes=1)) == 1
    assert run(sessions_of(seminar)[2].starts_at + timedelta(minutes=1)) == 0


def test_only_the_first_session_when_switched_off(app):
    app.config["REMINDER_EVERY_SESSION"] = False
    try:
        now = utcnow().replace(microsecond=0)
        seminar = weekly_series(now)
        confirmed(seminar, now)
        assert run(now) == 1
        assert run(sessions_of(seminar)[1].starts_at - timedelta(days=2)) == 0
    finally:
        app.config["REMINDER_EVERY_SESSION"] = True


def test_a_single_session_reminder_reads_as_before(app):
    now = utcnow().replace(microsecond=0)
    seminar = factories.seminar(capacity=5, starts_in=timedelta(days=2))
    person = confirmed(seminar, now)
    assert run(now) == 1
    assert run(now + timedelta(days=1)) == 0
    (text,) = reminder_texts(person.id)
    assert "Diese Erinnerung gilt" not in text
    assert db.session.scalars(select(SessionReminder)).all() == []


def test_cancelled_people_get_no_session_reminder(app):
    now = utcnow().replace(microsecond=0)
    seminar = weekly_series(now)
    person = confirmed(seminar, now)
    assert run(now) == 1
    allocation.cancel(person.id, now=now)
    db.session.commit()
    assert run(sessions_of(seminar)[1].starts_at - timedelta(days=2)) == 0


def test_two_runners_claim_a_session_reminder_once(app, dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    now = utcnow().replace(microsecond=0)
    seminar = weekly_series(now)
    person = confirmed(seminar, now)
    session_id = sessions_of(seminar)[1].id
    barrier = threading.Barrier(2)
    results, errors = [], []

    def runner():
        try:
            with app.app_context():
                barrier.wait()
                results.append(reminders.send_session_reminder_once(person.id, session_id, now=now))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(reminder_texts(person.id)) == 1


def test_erasure_removes_the_session_reminder_records(app):
    now = utcnow().replace(microsecond=0)
    seminar = weekly_series(now)
    person = confirmed(seminar, now)
    run(sessions_of(seminar)[1].starts_at - timedelta(days=2))
    assert db.session.scalars(select(SessionReminder)).all()
    privacy.erase_person(person.email, actor=None, now=now)
    db.session.commit()
    assert db.session.scalars(select(SessionReminder)).all() == []
