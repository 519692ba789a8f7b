"""A new date under load: publishing while people register, publishing twice at once,
accepting on the new date while a seat frees on the old one. Nothing overbooks, nobody is
taken over twice, no two transactions wait on each other (new date first, then old)."""

import threading
from datetime import timedelta

from sqlalchemy import select

from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import new_dates, services
from seminars.registrations import allocation, consistency
from seminars.registrations.models import Registration
from tests import factories

TIMEOUT = 60


def prepared(waiting: int = 4, capacity: int = 2):
    old = factories.seminar("Gruppen gut leiten", capacity=1, waitlist_capacity=20)
    factories.fill(old, 1, waitlisted=waiting)
    start = utcnow().replace(microsecond=0) + timedelta(days=20)
    copy = new_dates.create_new_date(
        old.id,
        new_dates.NewDateData(
            code="NEU-1",
            sessions=[(start, start + timedelta(hours=6))],
            capacity=capacity,
            venue_id=old.venue_id,
        ),
        actor=None,
    )
    db.session.commit()
    return old.id, copy.id


def run_all(app, jobs) -> list[BaseException]:
    """Run the jobs at the same moment, each in its own app context and transaction."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            with app.app_context():
                start.wait()
                try:
                    job()
                    db.session.commit()
                except DomainError:
                    db.session.rollback()  # refused (not yet published): fine
                finally:
                    db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    db.session.rollback()  # end the test's own read snapshot
    return errors


def problems(*seminar_ids: int) -> list:
    """What the consistency check finds (mails only for the registrations of
    ``seminar_ids``: the factories book the other people without mail)."""
    now = utcnow()
    ids = {r.id for seminar_id in seminar_ids for r in rows(seminar_id)}
    return (
        consistency.overbooked_seminars()
        + consistency.free_seats_while_waiting(now)
        + consistency.invalid_registrations()
        + [p for p in consistency.missing_mails() if p.subject_id in ids]
    )


def rows(seminar_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id)
            .order_by(Registration.id)
        )
    )


def test_publishing_while_people_register_keeps_the_waiting_first(app):
    old_id, new_id = prepared(waiting=4, capacity=2)
    publish = lambda: services.set_status(new_id, "published", actor=None, now=utcnow())  # noqa: E731
    registrants = [
        (lambda n=n: allocation.register(new_id, factories.applicant(500 + n), now=utcnow()))
        for n in range(6)
    ]
    assert run_all(app, [publish, *registrants]) == []
    places = rows(new_id)
    copies = [r for r in places if r.moved_from_id is not None]
    public = [r for r in places if r.moved_from_id is None]
    assert len(copies) == 4
    assert all(p.id > max(c.id for c in copies) for p in public)
    assert [r.status for r in copies] == ["offered", "offered", "waitlisted", "waitlisted"]
    assert not any(r.holds_seat for r in public)
    assert sum(r.seats for r in places if r.holds_seat) == 2
    assert problems(new_id) == []


def test_publishing_twice_at_once_takes_the_waiting_over_once(app):
    old_id, new_id = prepared(waiting=3, capacity=1)
    publish = lambda: services.set_status(new_id, "published", actor=None, now=utcnow())  # noqa: E731
    assert run_all(app, [publish, publish]) == []
    assert len(rows(new_id)) == 3
    assert sum(r.holds_seat for r in rows(new_id)) == 1


def test_accepting_the_new_date_while_a_seat_frees_on_the_old_one(app):
    old_id, new_id = prepared(waiting=3, capacity=1)
    services.set_status(new_id, "published", actor=None, now=utcnow())
    db.session.commit()
    [offered] = [r for r in rows(new_id) if r.status == "offered"]
    seated = next(r for r in rows(old_id) if r.holds_seat)
    accept = lambda: allocation.accept_offer(offered.id, now=utcnow())  # noqa: E731
    free_old_seat = lambda: allocation.cancel(seated.id, now=utcnow())  # noqa: E731
    assert run_all(app, [accept, free_old_seat]) == []
    origin = db.session.get(Registration, offered.moved_from_id)
    assert db.session.get(Registration, offered.id).status == "confirmed"
    assert origin.status == "cancelled" and not origin.holds_seat
    old = rows(old_id)
    # The freed old seat went to the next person waiting there, whoever came first.
    assert sum(r.seats for r in old if r.holds_seat) == 1
    assert [r.status for r in old if r.holds_seat] == ["offered"]
    assert problems(new_id) == []
    assert origin.id not in {p.subject_id for p in consistency.missing_mails()}
