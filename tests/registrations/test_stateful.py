"""Random sequences of everything that changes seat use, checked after every step.

Time moves on between steps in two ways: with housekeeping (``time_passes``) and without
(``clock_moves``): then holds and offers run out unnoticed until the next action on the
seminar, whoever's it is, finds them.
"""

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation
from seminars.registrations.models import REGISTRATION_STATUSES, Registration
from tests import factories

# Hours the clock moves on, without housekeeping, before an action: mostly none, sometimes
# past a confirmation hold (2 hours) or a seat offer (48 hours).
LATER = st.sampled_from([0, 0, 0, 1, 3, 49])

# The mail each change of status promises (None: no mail).
PROMISED = {
    (None, "pending"): "confirm_request",
    ("pending", "confirmed"): "confirmed",
    ("pending", "waitlisted"): "waitlisted",
    ("pending", "offered"): "seat_offered",
    ("waitlisted", "offered"): "seat_offered",
    ("offered", "confirmed"): "confirmed",
    ("offered", "expired"): "offer_expired",
    ("pending", "expired"): None,
    ("pending", "cancelled"): "cancelled_by_you",
    ("confirmed", "cancelled"): "cancelled_by_you",
    ("waitlisted", "cancelled"): "cancelled_by_you",
    ("offered", "cancelled"): "cancelled_by_you",
}


class SeatMachine(RuleBasedStateMachine):
    registrations = Bundle("registrations")

    def __init__(self) -> None:
        super().__init__()
        self.now = utcnow().replace(microsecond=0)
        self.starts_at = self.now + timedelta(days=8)
        self.seminar = factories.seminar(capacity=1, waitlist_capacity=6, starts_at=self.starts_at)
        self.ceiling = 1
        self.known: dict[int, str] = {}
        self.expected_mail: Counter = Counter()
        self.waitlisted_before: set[int] = set()

    # -- actions -----------------------------------------------------------------------

    def _run(self, action, later: int = 0) -> None:
        self.now += timedelta(hours=later)
        try:
            action()
            db.session.commit()
        except DomainError:
            db.session.rollback()

    def _register(self, assistant: bool, same_address: bool, confirm: bool) -> int:
        number = 1 if same_address else len(self.known) + 100
        result = {}

        def act():
            outcome = allocation.register(
                self.seminar.id,
                factories.applicant(number, need_personal_assistant=assistant),
                now=self.now,
            )
            result["id"] = outcome.registration.id
            if not outcome.created and not outcome.over_cap:
                self.expected_mail[(outcome.registration.id, "already_registered")] += 1
            if confirm:
                db.session.commit()
                if outcome.created:  # two changes in one step: the first one's mail too
                    self.known[outcome.registration.id] = "pending"
                    self.expected_mail[(outcome.registration.id, "confirm_request")] += 1
                allocation.confirm(outcome.registration.id, now=self.now)

        self._run(act)
        return result.get("id", 0)

    @rule(
        target=registrations,
        assistant=st.sampled_from([False, False, False, True]),
        same_address=st.sampled_from([False, False, False, True]),
        later=LATER,
    )
    def register(self, assistant, same_address, later):
        self.now += timedelta(hours=later)
        return self._register(assistant, same_address, confirm=False)

    @rule(target=registrations, later=LATER)
    def register_and_confirm_at_once(self, later):
        self.now += timedelta(hours=later)
        return self._register(False, False, confirm=True)

    @rule(registration=registrations, later=LATER)
    def confirm(self, registration, later):
        self._run(lambda: allocation.confirm(registration, now=self.now), later)

    @rule(registration=registrations, later=LATER)
    def cancel(self, registration, later):
        self._run(lambda: allocation.cancel(registration, now=self.now), later)

    @rule(registration=registrations, later=LATER)
    def accept(self, registration, later):
        self._run(lambda: allocation.accept_offer(registration, now=self.now), later)

    @rule(registration=registrations, later=LATER)
    def decline(self, registration, later):
        self._run(lambda: allocation.decline_offer(registration, now=self.now), later)

    @rule(hours=st.integers(min_value=1, max_value=60))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours)
        self._run(lambda: allocation.expire_due(self.seminar.id, now=self.now))

    @rule(hours=st.sampled_from([1, 2, 3, 24, 47, 49]))
    def clock_moves(self, hours):
        # No housekeeping: holds (2 hours) and offers (48 hours) run out where they are.
        self.now += timedelta(hours=hours)

    # Mostly the capacity it has: a seminar rarely changes size, and a full one shows most.
    @rule(capacity=st.sampled_from([1, 1, 1, 1, 0, 2, 3, 5]), later=LATER)
    def change_capacity(self, capacity, later):
        self._run(
            lambda: allocation.change_capacity(self.seminar.id, capacity, now=self.now), later
        )
        self.ceiling = max(capacity, self._taken())

    # -- checks ------------------------------------------------------------------------

    def _rows(self) -> list[Registration]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(Registration)
                .where(Registration.seminar_id == self.seminar.id)
                .order_by(Registration.id)
            )
        )

    def _taken(self) -> int:
        return sum(r.seats for r in self._rows() if r.holds_seat)

    @invariant()
    def check_after_every_step(self):
        self.seats_never_exceed_capacity()
        self.every_registration_is_in_one_valid_state()
        self.waitlist_is_served_in_order()  # compares with the statuses of the last step
        self.no_free_seat_while_a_confirmed_person_waits()
        self.offers_never_reach_past_the_start()
        self.every_promised_mail_is_in_the_outbox()  # then records the new statuses

    def seats_never_exceed_capacity(self):
        taken = self._taken()
        capacity = db.session.get(type(self.seminar), self.seminar.id).capacity
        assert taken <= self.ceiling
        # Once people leave, seats are never refilled beyond the capacity.
        self.ceiling = max(capacity, taken)

    def every_registration_is_in_one_valid_state(self):
        for r in self._rows():
            assert r.status in REGISTRATION_STATUSES
            if r.status in ("confirmed", "offered"):
                assert r.holds_seat
            if r.status in ("waitlisted", "cancelled", "expired"):
                assert not r.holds_seat
            assert (r.status == "offered") == (r.offer_expires_at is not None)

    def waitlist_is_served_in_order(self):
        rows = self._rows()
        still_waiting = {r.id for r in rows if r.status == "waitlisted"}
        new_offers = [
            r for r in rows if r.status == "offered" and self.known.get(r.id) != "offered"
        ]
        for offer in new_offers:
            assert not [w for w in still_waiting if w < offer.id], "someone was skipped"

    def no_free_seat_while_a_confirmed_person_waits(self):
        """The first confirmed person in line gets a seat that fits, unless fewer than
        OFFER_MIN_HOURS are left before the start (the seat then stays free for staff)."""
        rows = self._rows()
        capacity = db.session.get(type(self.seminar), self.seminar.id).capacity
        free = capacity - sum(r.seats for r in rows if r.holds_seat)
        first = next((r for r in rows if r.status == "waitlisted"), None)
        window_ok = self.starts_at - self.now >= timedelta(hours=2)
        if first is not None and window_ok:
            assert first.seats > free, "a free seat was not offered"

    def offers_never_reach_past_the_start(self):
        for r in self._rows():
            if r.offer_expires_at is not None:
                assert r.offer_expires_at <= self.starts_at

    def every_promised_mail_is_in_the_outbox(self):
        for r in self._rows():
            before = self.known.get(r.id)
            if before != r.status:
                kind = PROMISED[(before, r.status)]
                if kind:
                    self.expected_mail[(r.id, kind)] += 1
                self.known[r.id] = r.status
        actual = Counter(
            (row.registration_id, row.kind)
            for row in db.session.scalars(
                select(OutboxMessage)
                .join(Registration, Registration.id == OutboxMessage.registration_id)
                .where(Registration.seminar_id == self.seminar.id)
            )
        )
        assert actual == +self.expected_mail


def test_random_sequences_keep_every_promise(app, monkeypatch):
    # One seminar's seats are checked here; the examples share the database, so the
    # per-address cap on unconfirmed registrations (across seminars) would carry over.
    monkeypatch.setitem(app.config, "PENDING_MAX_PER_ADDRESS", 0)
    run_state_machine_as_test(
        SeatMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_machine_replays_the_audit_scenario(app, monkeypatch):
    """A holds the only seat and never confirms, B confirms and waits, A's hold runs out and
    C registers before housekeeping runs: every check holds after every step."""
    monkeypatch.setitem(app.config, "PENDING_MAX_PER_ADDRESS", 0)
    machine = SeatMachine()
    machine.register(assistant=False, same_address=False, later=0)
    machine.check_after_every_step()
    waiting = machine.register_and_confirm_at_once(later=0)
    machine.check_after_every_step()
    machine.register(assistant=False, same_address=False, later=3)
    machine.check_after_every_step()
    assert machine.known[waiting] == "offered"
    machine.teardown()
