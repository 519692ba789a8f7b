"""Erasure locks the seminars it changes newest first, as accepting a place on a new date
does (new date, then the old one): the two at once never deadlock (PostgreSQL row locks)."""

import time

import pytest

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import services
from seminars.privacy import services as privacy
from seminars.registrations import allocation
from tests.planning.test_new_date_concurrency import prepared, rows, run_all


def test_erasing_someone_while_another_accepts_the_new_date(app, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks")
    old_id, new_id = prepared(waiting=2, capacity=1)
    services.set_status(new_id, "published", actor=None, now=utcnow())
    db.session.commit()
    offered, waiting = rows(new_id)[0], rows(new_id)[1]
    assert offered.status == "offered" and waiting.status == "waitlisted"
    email = waiting.email
    real_cancel, real_old_dates = allocation.cancel, allocation._old_dates

    def slow_cancel(registration_id, *, now):
        result = real_cancel(registration_id, now=now)
        time.sleep(0.5)  # holds the seminar's lock
        return result

    def slow_old_dates(registration):
        time.sleep(0.3)  # holds the new date's lock
        return real_old_dates(registration)

    monkeypatch.setattr(allocation, "cancel", slow_cancel)
    monkeypatch.setattr(allocation, "_old_dates", slow_old_dates)

    def erase():
        privacy.erase_person(email, actor=None, now=utcnow())

    def accept():
        time.sleep(0.1)
        allocation.accept_offer(offered.id, now=utcnow())

    assert run_all(app, [erase, accept]) == []
    db.session.expire_all()
    statuses = {r.id: r.status for r in rows(new_id) + rows(old_id)}
    assert statuses[offered.id] == "confirmed" and statuses[offered.moved_from_id] == "cancelled"
    assert statuses[waiting.id] == "cancelled" and statuses[waiting.moved_from_id] == "cancelled"
