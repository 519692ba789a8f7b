import threading
from datetime import timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import run
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories


def register(seminar, now, confirm=True):
    registration = allocation.register(seminar.id, factories.applicant(), now=now).registration
    db.session.commit()
    if confirm:
        allocation.confirm(registration.id, now=now)
        db.session.commit()
    return registration


def status(registration) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def reminder_count() -> int:
    return len(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
    )


def test_expires_holds_and_offers_and_passes_seats_on(app):
    now = utcnow()
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=20))
    unconfirmed = register(seminar, now, confirm=False)
    first_waiting = register(seminar, now + timedelta(minutes=1))
    second_waiting = register(seminar, now + timedelta(minutes=2))
    report = run(now + timedelta(hours=25))
    assert report.expired == 1
    assert status(unconfirmed) == "expired" and status(first_waiting) == "offered"
    report = run(now + timedelta(hours=25 + 49))
    assert report.expired == 1
    assert status(first_waiting) == "expired" and status(second_waiting) == "offered"
    assert factories.outbox_kinds(first_waiting.id)[-1] == "offer_expired"
    assert run(now + timedelta(hours=25 + 49)).expired == 0  # idempotent


def test_reminders_go_once_to_confirmed_people_shortly_before_the_start(app):
    now = utcnow()
    soon = factories.seminar(capacity=2, starts_in=timedelta(days=2))
    far = factories.seminar(capacity=2, starts_in=timedelta(days=10))
    confirmed = register(soon, now)
    waiting_seminar = factories.seminar(capacity=0, starts_in=timedelta(days=2))
    register(waiting_seminar, now)  # waitlisted: no reminder
    register(soon, now, confirm=False)  # unconfirmed: no reminder
    register(far, now)
    assert run(now).reminders == 1
    assert factories.outbox_kinds(confirmed.id)[-1] == "reminder"
    assert run(now).reminders == 0
    assert reminder_count() == 1


def test_two_runners_at_once_send_each_reminder_once(app):
    now = utcnow()
    seminar = factories.seminar(capacity=10, starts_in=timedelta(days=1))
    for _ in range(6):
        register(seminar, now)
    errors = []

    def runner():
        try:
            with app.app_context():
                run(now)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert reminder_count() == 6


def test_cli_runs_every_step(app, smtp_server):
    now = utcnow()
    seminar = factories.seminar(capacity=2, starts_in=timedelta(days=1))
    register(seminar, now)
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "Erinnerungen: 1" in result.output
    assert len(smtp_server.messages) == 3  # confirm request, confirmed, reminder
