"""Every transition of the seat-allocation service, without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.errors import NotFoundError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from seminars.registrations.allocation import NotPossible, RegistrationClosed
from seminars.registrations.models import Registration
from tests import factories


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def register(seminar, now, **fields):
    result = allocation.register(seminar.id, factories.applicant(**fields), now=now)
    db.session.commit()
    return result.registration


def confirm(registration, now):
    result = allocation.confirm(registration.id, now=now)
    db.session.commit()
    return result


def statuses(seminar) -> list[tuple[str, bool]]:
    rows = db.session.execute(
        select(Registration.status, Registration.holds_seat)
        .where(Registration.seminar_id == seminar.id)
        .order_by(Registration.id)
    )
    return [tuple(row) for row in rows]


def test_register_holds_a_seat_and_asks_for_confirmation(app, now):
    seminar = factories.seminar(capacity=2)
    registration = register(seminar, now)
    assert (registration.status, registration.holds_seat) == ("pending", True)
    assert registration.hold_expires_at == now + timedelta(hours=2)  # CONFIRMATION_HOURS
    assert registration.token_hash and len(registration.token_hash) == 64
    assert registration.consent_at == now
    assert factories.outbox_kinds(registration.id) == ["confirm_request"]


def test_confirming_a_seat_makes_it_confirmed(app, now):
    seminar = factories.seminar(capacity=1)
    registration = confirm(register(seminar, now), now + timedelta(hours=1))
    assert (registration.status, registration.holds_seat) == ("confirmed", True)
    assert factories.outbox_kinds(registration.id) == ["confirm_request", "confirmed"]


def test_full_seminar_puts_people_on_the_waitlist_in_order(app, now):
    seminar = factories.seminar(capacity=1, waitlist_capacity=5)
    first = register(seminar, now)
    second = register(seminar, now)
    third = register(seminar, now)
    assert [second.holds_seat, third.holds_seat] == [False, False]
    confirm(third, now)
    confirm(second, now)
    assert statuses(seminar) == [("pending", True), ("waitlisted", False), ("waitlisted", False)]
    assert factories.outbox_kinds(second.id)[-1] == "waitlisted"
    assert first.status == "pending"


def test_full_waitlist_refuses(app, now):
    seminar = factories.seminar(capacity=1, waitlist_capacity=1)
    register(seminar, now)
    register(seminar, now)
    with pytest.raises(RegistrationClosed):
        allocation.register(seminar.id, factories.applicant(), now=now)


def test_assistant_takes_a_second_seat(app, now):
    seminar = factories.seminar(capacity=2)
    with_assistant = register(seminar, now, need_personal_assistant=True)
    assert with_assistant.holds_seat
    late = register(seminar, now)
    assert not late.holds_seat  # both seats are taken by one registration


def test_assistant_needing_two_seats_waits_when_only_one_is_free(app, now):
    seminar = factories.seminar(capacity=1)
    register(seminar, now)
    needs_two = register(seminar, now, need_personal_assistant=True)
    assert not needs_two.holds_seat


def test_same_address_gets_no_second_registration(app, now):
    seminar = factories.seminar(capacity=5)
    first = register(seminar, now, email="Erika@Example.org")
    result = allocation.register(
        seminar.id, factories.applicant(email=" erika@example.ORG "), now=now
    )
    db.session.commit()
    assert not result.created and result.registration.id == first.id
    assert len(statuses(seminar)) == 1
    assert factories.outbox_kinds(first.id) == ["confirm_request", "already_registered"]


def test_cancelled_person_may_register_again(app, now):
    seminar = factories.seminar(capacity=5)
    first = register(seminar, now, email="a@example.org")
    allocation.cancel(first.id, now=now)
    db.session.commit()
    again = register(seminar, now, email="a@example.org")
    assert again.id != first.id and again.status == "pending"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_opens_at": "future"}, "noch nicht geöffnet"),
        ({"registration_closes_at": "past"}, "keine Anmeldung möglich"),
        ({"status": "cancelled"}, "keine Anmeldung möglich"),
    ],
)
def test_closed_registration_is_refused(app, now, fields, message):
    values = {
        k: (
            now + timedelta(days=1)
            if v == "future"
            else now - timedelta(minutes=1)
            if v == "past"
            else v
        )
        for k, v in fields.items()
    }
    seminar = factories.seminar(**values)
    with pytest.raises(RegistrationClosed, match=message):
        allocation.register(seminar.id, factories.applicant(), now=now)


def test_past_seminar_is_refused(app, now):
    seminar = factories.seminar(starts_in=timedelta(hours=-1))
    with pytest.raises(RegistrationClosed):
        allocation.register(seminar.id, factories.applicant(), now=now)


def test_draft_or_unknown_seminar_is_not_found(app, now):
    draft = factories.seminar(status="draft")
    for seminar_id in (draft.id, 999999):
        with pytest.raises(NotFoundError):
            allocation.register(seminar_id, factories.applicant(), now=now)


def test_cancelling_a_seat_offers_it_to_the_first_confirmed_on_the_waitlist(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    holder = confirm(register(seminar, now), now)
    unconfirmed = register(seminar, now)  # keeps its place but cannot take an offer
    waiting = confirm(register(seminar, now), now)
    later = confirm(register(seminar, now), now)
    cancelled = allocation.cancel(holder.id, now=now)
    db.session.commit()
    assert cancelled.status == "cancelled" and not cancelled.holds_seat
    db.session.refresh(waiting)
    assert waiting.status == "offered" and waiting.holds_seat
    assert waiting.offer_expires_at == now + timedelta(hours=48)
    assert factories.outbox_kinds(waiting.id)[-1] == "seat_offered"
    assert factories.outbox_kinds(holder.id)[-1] == "cancelled_by_you"
    db.session.refresh(later)
    db.session.refresh(unconfirmed)
    assert later.status == "waitlisted" and unconfirmed.status == "pending"


def test_offer_window_is_cut_at_the_start(app, now):
    seminar = factories.seminar(capacity=1, starts_at=now + timedelta(hours=10))
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    allocation.cancel(holder.id, now=now)
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.offer_expires_at == now + timedelta(hours=10)


def test_no_offer_when_too_little_time_is_left(app, now):
    seminar = factories.seminar(capacity=1, starts_at=now + timedelta(hours=3))
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    later = now + timedelta(hours=1, minutes=30)  # 90 minutes before the start
    allocation.cancel(holder.id, now=later)
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == "waitlisted"  # the seat stays free for staff at the door


def test_accept_offer(app, now):
    seminar = factories.seminar(capacity=1)
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    allocation.cancel(holder.id, now=now)
    accepted = allocation.accept_offer(waiting.id, now=now + timedelta(hours=1))
    db.session.commit()
    assert (accepted.status, accepted.holds_seat, accepted.offer_expires_at) == (
        "confirmed",
        True,
        None,
    )
    assert factories.outbox_kinds(waiting.id)[-1] == "confirmed"


def test_accepting_too_late_expires_and_passes_the_seat_on(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    next_one = confirm(register(seminar, now), now)
    allocation.cancel(holder.id, now=now)
    db.session.commit()
    result = allocation.accept_offer(waiting.id, now=now + timedelta(hours=49))
    db.session.commit()
    assert result.status == "expired" and not result.holds_seat
    db.session.refresh(next_one)
    assert next_one.status == "offered"
    assert factories.outbox_kinds(waiting.id)[-1] == "offer_expired"


def test_decline_offer_passes_the_seat_on(app, now):
    seminar = factories.seminar(capacity=1)
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    next_one = confirm(register(seminar, now), now)
    allocation.cancel(holder.id, now=now)
    declined = allocation.decline_offer(waiting.id, now=now)
    db.session.commit()
    assert declined.status == "cancelled"
    db.session.refresh(next_one)
    assert next_one.status == "offered"


def test_offer_actions_need_an_offer(app, now):
    seminar = factories.seminar(capacity=2)
    registration = confirm(register(seminar, now), now)
    with pytest.raises(NotPossible):
        allocation.accept_offer(registration.id, now=now)
    with pytest.raises(NotPossible):
        allocation.decline_offer(registration.id, now=now)


def test_cancel_twice_is_refused(app, now):
    seminar = factories.seminar()
    registration = register(seminar, now)
    allocation.cancel(registration.id, now=now)
    db.session.commit()
    with pytest.raises(NotPossible):
        allocation.cancel(registration.id, now=now)


def test_expired_hold_frees_the_seat_for_the_waitlist(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    unconfirmed = register(seminar, now)
    waiting = confirm(register(seminar, now + timedelta(minutes=1)), now + timedelta(minutes=1))
    expired = allocation.expire_due(seminar.id, now=now + timedelta(hours=24))
    db.session.commit()
    assert expired == 1
    db.session.refresh(unconfirmed)
    db.session.refresh(waiting)
    assert (unconfirmed.status, unconfirmed.holds_seat) == ("expired", False)
    assert waiting.status == "offered"


def test_confirming_after_the_hold_ran_out_expires(app, now):
    seminar = factories.seminar(capacity=1)
    registration = register(seminar, now)
    result = confirm(registration, now + timedelta(hours=25))
    assert result.status == "expired"


def test_confirming_twice_changes_nothing(app, now):
    seminar = factories.seminar(capacity=1)
    registration = confirm(register(seminar, now), now)
    again = confirm(registration, now)
    assert again.status == "confirmed"
    assert factories.outbox_kinds(registration.id).count("confirmed") == 1


def test_expire_due_ignores_what_is_not_due(app, now):
    seminar = factories.seminar(capacity=1)
    register(seminar, now)
    hold = timedelta(hours=app.config["CONFIRMATION_HOURS"])
    assert allocation.expire_due(seminar.id, now=now + hold - timedelta(seconds=1)) == 0
    assert allocation.expire_due(seminar.id, now=now + hold) == 1


def test_waitlisted_person_confirming_gets_a_free_seat_offered_at_once(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    holder = register(seminar, now)
    waiting = register(seminar, now)
    allocation.cancel(holder.id, now=now)  # the seat is free, but nobody confirmed is waiting
    db.session.commit()
    result = confirm(waiting, now)
    assert result.status == "offered"
    assert factories.outbox_kinds(waiting.id) == ["confirm_request", "seat_offered"]


def test_newcomer_does_not_jump_the_waitlist(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    holder = confirm(register(seminar, now), now)
    needs_two = confirm(register(seminar, now, need_personal_assistant=True), now)
    allocation.cancel(holder.id, now=now)
    db.session.commit()
    db.session.refresh(needs_two)
    assert needs_two.status == "waitlisted"  # one seat free, two needed: nobody skips them
    newcomer = register(seminar, now)
    assert not newcomer.holds_seat


def test_capacity_increase_offers_seats_in_order(app, now):
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    confirm(register(seminar, now), now)
    waiting = [confirm(register(seminar, now), now) for _ in range(3)]
    offered = allocation.change_capacity(seminar.id, 3, now=now)
    db.session.commit()
    assert [r.id for r in offered] == [waiting[0].id, waiting[1].id]


def test_capacity_decrease_keeps_everyone(app, now):
    seminar = factories.seminar(capacity=3)
    people = [confirm(register(seminar, now), now) for _ in range(3)]
    allocation.change_capacity(seminar.id, 1, now=now)
    db.session.commit()
    assert [s for s, _ in statuses(seminar)] == ["confirmed"] * 3
    assert all(p.holds_seat for p in people)
    assert not register(seminar, now).holds_seat


def test_cancelling_the_seminar_releases_and_tells_everyone(app, now):
    seminar = factories.seminar(capacity=1)
    holder = confirm(register(seminar, now), now)
    waiting = confirm(register(seminar, now), now)
    told = allocation.cancel_seminar(seminar.id, now=now)
    db.session.commit()
    assert told == 2
    assert [s for s, _ in statuses(seminar)] == ["cancelled", "cancelled"]
    for registration in (holder, waiting):
        assert factories.outbox_kinds(registration.id)[-1] == "seminar_cancelled"


def test_a_registration_reads_and_writes_in_a_fixed_number_of_statements(app, now, count_queries):
    """However many are registered, a newcomer costs the same few statements: the seats are
    counted by the database, and the seminar is read once with what the mail shows (topic,
    venue, sessions; never its instructors, which no mail names), then its seat columns
    again under the lock."""
    seminar = factories.seminar(capacity=30, sessions=3, instructors=["Ute Kranz"])
    factories.fill(seminar, 12)
    seminar_id = seminar.id
    db.session.expire_all()
    with count_queries() as counter:
        result = allocation.register(
            seminar_id, factories.applicant(email="neu@example.org"), now=now
        )
        db.session.commit()
    assert result.registration.holds_seat and result.registration.status == "pending"
    assert not [s for s in counter.statements if "instructor" in s]
    reads_of_the_seminar = [s for s in counter.statements if "FROM seminar " in s]
    assert len(reads_of_the_seminar) == 2, reads_of_the_seminar
    assert "seminar_session" in reads_of_the_seminar[0]
    assert counter.count <= 10, counter.statements
