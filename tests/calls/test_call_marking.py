"""Marking a call is a conditional update: of two people who mark the same call at once one
is recorded, the other is told it is done; a call removed meanwhile is refused, not a crash.

"At once" is what each request saw: both read the call as open. The tests keep the first
request's view (the session's copy says "pending") while the row has moved on."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import set_committed_value

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation, phone_calls
from seminars.registrations.call_records import CallNotOpen
from seminars.registrations.models import Registration
from tests import factories
from tests.calls.test_call_list import call_of, offered_by_phone


def told_call(actor):
    """An open call (a cancellation to tell), as a request has just read it."""
    seminar = factories.seminar()
    person = factories.registration(seminar, channel="phone")
    allocation.cancel(person.id, now=utcnow())
    db.session.commit()
    return person, call_of(person, "cancelled_by_you")


def seen_open(message: OutboxMessage) -> None:
    """The request read the call before the other one marked it."""
    set_committed_value(message, "status", "pending")


def audit(registration, action: str) -> int:
    return len(
        db.session.scalars(
            select(AuditEntry.id).where(
                AuditEntry.registration_id == registration.id, AuditEntry.action == action
            )
        ).all()
    )


def test_the_same_call_marked_twice_is_recorded_once(login):
    first, second = factories.user("staff"), factories.user("staff")
    person, call = told_call(first)
    phone_calls.record_outcome(call.id, "told", actor=first, now=utcnow())
    seen_open(call)
    with pytest.raises(CallNotOpen) as refused:
        phone_calls.record_outcome(call.id, "told", actor=second, now=utcnow())
    assert refused.value.status_code == 409
    assert str(refused.value.message) == "Dieser Anruf ist schon erledigt."
    db.session.commit()
    done = call_of(person, "cancelled_by_you")
    assert (done.status, done.done_by_id) == ("sent", first.id)
    assert audit(person, "call.done") == 1


def test_not_reached_after_the_call_was_done_changes_nothing(login):
    first, second = factories.user("staff"), factories.user("staff")
    person, call = told_call(first)
    phone_calls.record_outcome(call.id, "told", actor=first, now=utcnow())
    seen_open(call)
    with pytest.raises(CallNotOpen):
        phone_calls.record_outcome(call.id, "not_reached", actor=second, now=utcnow())
    db.session.commit()
    done = call_of(person, "cancelled_by_you")
    assert (done.status, done.outcome, done.attempts or 0) == ("sent", "told", 0)
    assert audit(person, "call.not_reached") == 0


def test_not_reached_counts_on_the_row_not_on_what_was_read(login):
    staff = factories.user("staff")
    person, call = told_call(staff)
    phone_calls.record_outcome(call.id, "not_reached", actor=staff, now=utcnow())
    # The other request read the call before the first attempt was counted.
    set_committed_value(call, "attempts", 0)
    phone_calls.record_outcome(call.id, "not_reached", actor=staff, now=utcnow())
    db.session.commit()
    assert call_of(person, "cancelled_by_you").attempts == 2


def test_an_offer_answered_twice_moves_the_seat_once(login):
    first, second = factories.user("staff"), factories.user("staff")
    _seminar, phone, behind = offered_by_phone()
    call = call_of(phone)
    phone_calls.record_outcome(call.id, "accepted", actor=first, now=utcnow())
    db.session.commit()
    seen_open(call)
    with pytest.raises(CallNotOpen):
        phone_calls.record_outcome(call.id, "declined", actor=second, now=utcnow())
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Registration, phone.id).status == "confirmed"
    assert db.session.get(Registration, behind.id).status == "waitlisted"
    assert audit(phone, "registration.offer_answered_by_phone") == 1


@pytest.mark.parametrize("outcome", ["told", "not_reached"])
def test_a_call_removed_meanwhile_is_refused_not_a_crash(login, outcome):
    staff = factories.user("staff")
    person, call = told_call(staff)
    # Erasure removed the row after the request read it.
    db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id == call.id)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(CallNotOpen) as refused:
        phone_calls.record_outcome(call.id, outcome, actor=staff, now=utcnow())
    assert refused.value.status_code in (404, 409)
    db.session.rollback()
    assert audit(person, "call.done") == 0


def test_a_removed_call_answers_the_call_list_politely(client, login):
    login("staff")
    person, call = told_call(None)
    page = client.get("/verwaltung/anrufe").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id == call.id))
    db.session.commit()
    response = client.post(
        f"/verwaltung/anrufe/{call.id}", data={"csrf_token": token, "outcome": "told"}
    )
    assert response.status_code == 303
    assert "Diesen Anruf gibt es nicht." in client.get("/verwaltung/anrufe").get_data(as_text=True)
    assert person.id and timedelta  # the registration is untouched
