"""Needs arriving at the same moment, by registering and by changing one's own details:
one task per kind, the counts right, no deadlock and no clash on the task's uniqueness."""

import threading
from datetime import timedelta

from sqlalchemy import select

from seminars.accessibility.models import ServiceTask
from seminars.core.locking import begin_write
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation, self_service, tokens
from tests import factories

NEWCOMERS = 16
SEATS = 4
CHANGERS = 4


def test_needs_arriving_at_once_keep_one_task_per_kind_with_the_right_counts(app):
    seminar = factories.seminar(
        capacity=SEATS + CHANGERS, waitlist_capacity=100, starts_in=timedelta(days=60)
    )
    seminar_id = seminar.id
    changers = []
    for _ in range(CHANGERS):
        registration = factories.registration(seminar)
        registration.token_salt = tokens.new_salt()
        token = tokens.token_for(registration.id, registration.token_salt)
        registration.token_hash = tokens.token_hash(token)
        values = {name: getattr(registration, name) for name in self_service.OWN_FIELDS}
        changers.append((token, {**values, "need_braille": True, "need_sign_language": True}))
    db.session.commit()
    start = threading.Barrier(NEWCOMERS + CHANGERS)
    errors: list[BaseException] = []

    def newcomer(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                allocation.register(
                    seminar_id,
                    factories.applicant(number, need_sign_language=True),
                    now=utcnow(),
                )
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    def changer(token: str, values: dict) -> None:
        try:
            with app.app_context():
                start.wait()
                begin_write()  # what a POST request's unit of work does first
                self_service.change_own_details(token, values, now=utcnow())
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=newcomer, args=(n,)) for n in range(NEWCOMERS)]
    threads += [threading.Thread(target=changer, args=pair) for pair in changers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    db.session.rollback()
    found = {
        task.kind: task
        for task in db.session.scalars(
            select(ServiceTask).where(ServiceTask.seminar_id == seminar_id)
        )
    }
    assert set(found) == {"sign_language", "braille"}
    # The four with seats already, four newcomers in the free seats, twelve waiting.
    assert (found["sign_language"].people, found["sign_language"].waiting) == (
        CHANGERS + SEATS,
        NEWCOMERS - SEATS,
    )
    assert (found["braille"].people, found["braille"].waiting) == (CHANGERS, 0)
