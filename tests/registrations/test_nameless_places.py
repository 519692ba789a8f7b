"""A place on a new date from an interest list holds only the e-mail address: nobody
confirms it before the name is known, and every mail that can reach it greets without one."""

import pytest
from sqlalchemy import select

from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.planning import services
from seminars.registrations import allocation, phone_calls, staff
from seminars.registrations.models import Registration
from tests import factories
from tests.planning.test_new_dates import full_seminar, new_date, places_on


def _nameless_offer(capacity: int = 2) -> tuple[int, Registration]:
    old, _waiting = full_seminar(("email",))
    factories.subscription("eins@example.org", seminar_id=old.id)
    db.session.commit()
    copy = new_date(old, capacity=capacity)
    services.set_status(copy.id, "published", actor=None, now=utcnow())
    db.session.commit()
    place = places_on(copy.id)[1]
    assert place.interest_subscription_id is not None and place.first_name == ""
    return copy.id, place


def test_staff_cannot_record_an_acceptance_without_a_name(app):
    _copy_id, place = _nameless_offer()
    assert place.status == "offered"
    with pytest.raises(DomainError, match="Kontaktdaten"):
        phone_calls.answer_offer(place.id, "accepted", actor=None, now=utcnow())
    db.session.rollback()
    with pytest.raises(allocation.NotPossible, match="Name"):
        allocation.accept_offer(place.id, now=utcnow())
    db.session.rollback()
    place = db.session.get(Registration, place.id)
    assert place.status == "offered"
    assert "confirmed" not in factories.outbox_kinds(place.id)
    # With the name entered the answer goes through.
    values = {name: getattr(place, name) for name in staff.CONTACT_FIELDS}
    staff.correct_contact(place.id, values | {"first_name": "Eva", "last_name": "Eins"}, actor=None)
    db.session.commit()
    answer = phone_calls.answer_offer(place.id, "accepted", actor=None, now=utcnow())
    db.session.commit()
    assert answer.status == "confirmed"
    body = db.session.scalars(
        select(OutboxMessage.body_text).where(
            OutboxMessage.registration_id == place.id, OutboxMessage.kind == "confirmed"
        )
    ).one()
    assert body.splitlines()[0] == "Guten Tag Eva Eins,"


def test_an_address_registering_again_is_greeted_without_an_empty_name(app):
    copy_id, _place = _nameless_offer(capacity=1)
    allocation.register(
        copy_id,
        factories.applicant(email="eins@example.org", first_name="Eva", last_name="E"),
        now=utcnow(),
    )
    db.session.commit()
    body = db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.kind == "already_registered")
    ).one()
    assert body.splitlines()[0] == "Guten Tag,"
