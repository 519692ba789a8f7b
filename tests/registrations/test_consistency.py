from datetime import timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations.consistency import find_problems
from seminars.registrations.models import Registration
from tests import factories


def _seminar_with_people():
    seminar = factories.seminar(capacity=2)
    return seminar, factories.confirmed_people(seminar, 3)


def test_a_service_made_state_has_no_problems(app):
    _seminar_with_people()
    assert find_problems() == []


def test_overbooking_is_found(app):
    seminar, people = _seminar_with_people()
    people[2].status, people[2].holds_seat = "confirmed", True
    db.session.commit()
    found = [(p.kind, p.subject_id) for p in find_problems()]
    # Put in by hand: over capacity, and without the confirmation mail the service sends.
    assert found == [("overbooked", seminar.id), ("missing_mail", people[2].id)]


def test_invalid_states_are_found(app):
    _seminar, people = _seminar_with_people()
    people[0].holds_seat = False  # confirmed without a seat
    people[2].offer_expires_at = utcnow() + timedelta(hours=1)  # waitlisted with a deadline
    db.session.commit()
    found = {(p.kind, p.subject_id) for p in find_problems()}
    assert ("invalid_state", people[0].id) in found and ("invalid_state", people[2].id) in found


def test_a_client_pseudonym_kept_past_confirmation_is_found(app):
    _seminar, people = _seminar_with_people()
    assert find_problems() == []
    people[1].client_key = "a" * 64  # the service drops it on confirmation
    db.session.commit()
    assert [(p.kind, p.subject_id) for p in find_problems()] == [("invalid_state", people[1].id)]


def test_a_missing_mail_is_found(app):
    _seminar, people = _seminar_with_people()
    db.session.add(
        Registration(
            seminar_id=people[0].seminar_id, status="waitlisted", first_name="A", last_name="B",
            email="x@example.org", email_normalized="x@example.org", person_key="x",
        )
    )  # fmt: skip
    db.session.commit()
    assert [p.kind for p in find_problems()] == ["missing_mail"]


def test_the_command_reports_and_exits_with_one(app):
    seminar, people = _seminar_with_people()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["check-consistency"]).exit_code == 0
    people[2].status, people[2].holds_seat = "confirmed", True
    db.session.commit()
    result = runner.invoke(args=["check-consistency"])
    assert result.exit_code == 1
    assert f"overbooked {seminar.id}" in result.output
    assert "2 Probleme gefunden." in result.output and "3 von 2 Plätzen belegt" in result.output


def test_a_mail_given_up_is_no_promise_kept(app):
    from seminars.outbox.models import OutboxMessage

    _seminar, people = _seminar_with_people()
    confirmation = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == people[0].id, OutboxMessage.kind == "confirmed"
        )
    ).one()
    confirmation.status, confirmation.attempts = "failed", 20
    db.session.commit()
    found = [(p.kind, p.subject_id) for p in find_problems()]
    assert found == [("missing_mail", people[0].id), ("mail_failed", confirmation.id)]
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert result.exit_code == 1 and f"mail_failed {confirmation.id}" in result.output


def test_a_mail_given_up_and_sent_again_is_no_longer_a_problem(app):
    from seminars.outbox.models import OutboxMessage
    from seminars.registrations import mails

    _seminar, people = _seminar_with_people()
    confirmation = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == people[0].id, OutboxMessage.kind == "confirmed"
        )
    ).one()
    confirmation.status = "failed"
    db.session.commit()
    mails.queue(db.session.get(Registration, people[0].id), mails.CONFIRMED)  # staff resend
    db.session.commit()
    assert find_problems() == []
