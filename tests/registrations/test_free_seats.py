"""No seat stays free while a confirmed person waits for it: every path that frees a seat
offers it, the consistency check notices when that did not happen, housekeeping repairs it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import run
from seminars.programme.models import Seminar
from seminars.registrations import allocation
from seminars.registrations.consistency import find_problems
from seminars.registrations.models import Registration
from tests import factories


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def register(seminar, now, *, confirm: bool):
    registration = allocation.register(seminar.id, factories.applicant(), now=now).registration
    db.session.commit()
    if confirm:
        allocation.confirm(registration.id, now=now)
        db.session.commit()
    return registration


def status(registration) -> tuple[str, bool]:
    db.session.expire_all()
    row = db.session.get(Registration, registration.id)
    return row.status, row.holds_seat


def free_seats(seminar) -> int:
    db.session.expire_all()
    taken = sum(
        r.seats
        for r in db.session.scalars(
            select(Registration).where(
                Registration.seminar_id == seminar.id, Registration.holds_seat
            )
        )
    )
    return db.session.get(Seminar, seminar.id).capacity - taken


def test_a_hold_that_ran_out_while_someone_else_registers_goes_to_the_waitlist(app, now):
    """The audit's scenario: A holds the only seat and never confirms; B confirms and waits;
    A's hold runs out; C registers before housekeeping runs."""
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=20))
    holder = register(seminar, now, confirm=False)
    waiting = register(seminar, now + timedelta(minutes=5), confirm=True)
    assert status(waiting) == ("waitlisted", False)

    newcomer = register(seminar, now + timedelta(hours=3), confirm=False)

    assert status(holder) == ("expired", False)
    assert status(waiting) == ("offered", True)  # the freed seat went to B at once
    assert factories.outbox_kinds(waiting.id)[-1] == "seat_offered"
    assert status(newcomer) == ("pending", False)  # C queues behind B
    assert free_seats(seminar) == 0
    assert find_problems(now + timedelta(hours=3)) == []
    assert run(now + timedelta(hours=3, minutes=5)).repaired == 0


def test_an_offer_that_ran_out_while_someone_else_registers_passes_on(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=20))
    first = register(seminar, now, confirm=True)
    second = register(seminar, now + timedelta(minutes=1), confirm=True)
    third = register(seminar, now + timedelta(minutes=2), confirm=True)
    allocation.cancel(first.id, now=now + timedelta(minutes=3))
    db.session.commit()
    assert status(second) == ("offered", True)

    register(seminar, now + timedelta(hours=49), confirm=False)  # OFFER_HOURS = 48

    assert status(second) == ("expired", False)
    assert status(third) == ("offered", True)
    assert factories.outbox_kinds(second.id)[-1] == "offer_expired"


def stuck(now, *, starts_in=timedelta(days=20)):
    """A seminar with a free seat and a confirmed person waiting, as an older version or a
    change outside the allocation could leave it."""
    seminar = factories.seminar(capacity=1, starts_in=starts_in)
    register(seminar, now, confirm=True)
    waiting = register(seminar, now + timedelta(minutes=1), confirm=True)
    db.session.get(Seminar, seminar.id).capacity = 2  # past the allocation
    db.session.commit()
    return seminar, waiting


def test_the_check_reports_a_free_seat_while_people_wait(app, now):
    seminar, _waiting = stuck(now)
    problems = find_problems(now)
    assert [(p.kind, p.subject_id) for p in problems] == [("free_seat_waiting", seminar.id)]


def test_the_command_reports_a_free_seat_while_people_wait(app, now):
    seminar, _waiting = stuck(now)
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert result.exit_code == 1
    assert f"free_seat_waiting {seminar.id}" in result.output


def test_a_seat_too_close_to_the_start_stays_free_for_staff_and_is_no_problem(app, now):
    seminar, waiting = stuck(now, starts_in=timedelta(hours=1))  # OFFER_MIN_HOURS = 2
    assert find_problems(now) == []
    assert run(now).repaired == 0
    assert status(waiting) == ("waitlisted", False)


def test_housekeeping_repairs_a_free_seat_while_people_wait_and_says_so(app, now):
    seminar, waiting = stuck(now)
    report = run(now)
    assert report.repaired == 1
    assert status(waiting) == ("offered", True)
    offer = db.session.get(Registration, waiting.id).offer_expires_at
    assert offer == now + timedelta(hours=48)
    assert factories.outbox_kinds(waiting.id)[-1] == "seat_offered"
    assert find_problems(now) == []
    assert run(now).repaired == 0


def test_the_housekeeping_command_names_the_repair(app, now):
    seminar, waiting = stuck(utcnow() - timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "Reparatur: freie Plätze an Wartende angeboten in 1 Seminar" in result.output
    assert status(waiting) == ("offered", True)
