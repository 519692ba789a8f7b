"""Fifty people register at the same moment for five seats: nobody is lost, nobody overbooks."""

import threading

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories

PEOPLE = 50
SEATS = 5


def test_fifty_at_once_for_five_seats(app):
    seminar = factories.seminar(capacity=SEATS, waitlist_capacity=100)
    seminar_id = seminar.id
    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def volunteer(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                allocation.register(seminar_id, factories.applicant(number), now=utcnow())
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=volunteer, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    db.session.rollback()  # end the test's own read snapshot (SQLite keeps one per transaction)
    rows = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id)
            .order_by(Registration.id)
        )
    )
    assert len(rows) == PEOPLE
    assert len({r.email_normalized for r in rows}) == PEOPLE
    seated = [r for r in rows if r.holds_seat]
    assert len(seated) == SEATS
    # First come, first served: the seats went to the first five in registration order.
    assert rows[:SEATS] == seated
    assert all(r.status == "pending" and not r.holds_seat for r in rows[SEATS:])

    # Everyone confirms, also at once: the waitlist keeps its order.
    confirm_start = threading.Barrier(PEOPLE)

    def confirm(registration_id: int) -> None:
        try:
            with app.app_context():
                confirm_start.wait()
                allocation.confirm(registration_id, now=utcnow())
                db.session.commit()
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(r.id,)) for r in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()
    statuses = [db.session.get(Registration, r.id).status for r in rows]
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    assert len(factories.outbox_kinds()) == 2 * PEOPLE
