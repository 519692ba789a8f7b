"""Registrations nobody confirms cannot empty a seminar.

The audit's script: a dozen registrations to invented addresses, half of them asking for a
personal assistant, took a seminar from 7 free places to 1 for a whole day. Now an
unconfirmed registration holds its seat for ``CONFIRMATION_HOURS`` (2 by default), one client
holds at most ``PENDING_MAX_PER_CLIENT`` unconfirmed seats and one address at most
``PENDING_MAX_PER_ADDRESS``, across seminars; an assistant's seat counts against the caps.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import expire_overdue
from seminars.registrations import allocation
from seminars.registrations.models import Registration, seats_expression
from tests import factories
from tests.registrations.test_views import FORM, text

ATTACKER = "203.0.113.66"


@pytest.fixture
def caps(app, monkeypatch):
    """The production defaults, whatever the test configuration says."""
    for name, value in (
        ("CONFIRMATION_HOURS", 2),
        ("PENDING_MAX_PER_CLIENT", 5),
        ("PENDING_MAX_PER_ADDRESS", 3),
    ):
        monkeypatch.setitem(app.config, name, value)
    return app.config


def scripted_post(client, seminar, number: int, address: str, **changes):
    """What a script sends: a fresh invented address each time, from ``address``."""
    environ = {"REMOTE_ADDR": address}
    page = client.get(f"/seminare/{seminar.id}", environ_base=environ)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(page)).group(1)
    data = {**FORM, "email": f"erfunden{number}@example.net", "csrf_token": token, **changes}
    return client.post(f"/seminare/{seminar.id}/anmeldung", data=data, environ_base=environ)


def free_seats(seminar) -> int:
    db.session.expire_all()
    taken = db.session.scalar(
        select(func.coalesce(func.sum(seats_expression), 0)).where(
            Registration.seminar_id == seminar.id, Registration.holds_seat
        )
    )
    return seminar.capacity - taken


def test_a_scripted_batch_from_one_client_cannot_empty_a_seminar(client, caps):
    seminar = factories.seminar(capacity=7, waitlist_capacity=10)
    answers = [
        scripted_post(
            client, seminar, n, ATTACKER, need_personal_assistant="y" if n % 2 else ""
        ).status_code
        for n in range(12)
    ]
    # Seats 1, 2 (with assistant), 1; then 2 more would pass the cap of 5, 1 more does not.
    assert answers == [303, 303, 303, 429, 303] + [429] * 7, answers
    assert free_seats(seminar) == 2
    refused = scripted_post(client, seminar, 99, ATTACKER)
    assert "Von Ihrem Internetanschluss aus warten schon mehrere Anmeldungen" in text(refused)
    assert "verfallen nach 2 Stunden" in text(refused)
    # Another volunteer, elsewhere, still gets a seat.
    assert scripted_post(client, seminar, 100, "198.51.100.20").status_code == 303
    newest = db.session.scalars(select(Registration).order_by(Registration.id.desc())).first()
    assert newest.holds_seat and newest.email == "erfunden100@example.net"
    assert free_seats(seminar) == 1
    # Two hours later every unconfirmed hold has run out; the client may register again.
    expire_overdue(utcnow() + timedelta(hours=2, minutes=1))
    assert free_seats(seminar) == 7


def test_the_client_cap_message_is_translated(client, caps):
    seminar = factories.seminar(capacity=20)
    for n in range(5):
        assert scripted_post(client, seminar, n, ATTACKER).status_code == 303
    client.set_cookie("lang", "en")
    refused = scripted_post(client, seminar, 5, ATTACKER)
    assert refused.status_code == 429
    assert "Several registrations from your internet connection" in text(refused)


def test_ipv6_clients_are_counted_by_their_slash_64(client, caps):
    seminar = factories.seminar(capacity=20)
    answers = [
        scripted_post(client, seminar, n, f"2001:db8:1:2::{n + 1:x}").status_code for n in range(7)
    ]
    assert answers == [303] * 5 + [429] * 2
    assert scripted_post(client, seminar, 50, "2001:db8:1:3::1").status_code == 303


def test_several_clients_hold_only_their_caps_and_only_for_hours(client, caps):
    """A script spread over several clients is held to each client's cap; what they hold is
    free again after CONFIRMATION_HOURS (not a day), for the next registration to take."""
    seminar = factories.seminar(capacity=20, waitlist_capacity=10)
    clients = ["203.0.113.10", "203.0.113.11", "203.0.113.12"]
    answers = {
        address: [scripted_post(client, seminar, 10 * i + n, address).status_code for n in range(8)]
        for i, address in enumerate(clients)
    }
    assert all(codes == [303] * 5 + [429] * 3 for codes in answers.values()), answers
    assert free_seats(seminar) == 20 - 15
    # Two hours later the first real registration finds every unconfirmed seat free again
    # (the seminar expires run-out holds inside its lock, before counting).
    result = allocation.register(
        seminar.id,
        factories.applicant(),
        now=utcnow() + timedelta(hours=2, seconds=1),
        client_key="someone-else",
    )
    db.session.commit()
    assert result.created and result.registration.holds_seat
    assert free_seats(seminar) == 19


def test_holds_are_short(app, caps):
    """The audit's 12 registrations kept their seats for 24 hours; now for 2."""
    seminar = factories.seminar(capacity=7)
    now = utcnow().replace(microsecond=0)
    result = allocation.register(seminar.id, factories.applicant(), now=now, client_key="k")
    db.session.commit()
    assert result.registration.hold_expires_at == now + timedelta(hours=2)
    assert allocation.expire_due(seminar.id, now=now + timedelta(hours=2)) == 1
    db.session.commit()
    assert free_seats(seminar) == 7


def test_one_address_holds_only_a_few_unconfirmed_registrations(client, caps):
    """The fourth unconfirmed registration of one address is not made, and the answer is the
    one every registration gets; the owner is mailed why, with the link of one to confirm."""
    seminars = [factories.seminar(f"Seminar {n}", capacity=5) for n in range(5)]
    address = "viel.unterwegs@example.org"
    answers = []
    for n, seminar in enumerate(seminars):
        # From different clients, so that only the address is counted.
        response = scripted_post(client, seminar, n, f"198.51.100.{n + 1}", email=address)
        answers.append((response.status_code, response.headers["Location"]))
    assert [status for status, _ in answers] == [303] * 5
    assert [location for _, location in answers] == [
        f"/seminare/{s.id}/anmeldung/gesendet" for s in seminars
    ]
    made = db.session.scalars(
        select(Registration).where(Registration.email_normalized == address)
    ).all()
    assert [r.seminar_id for r in made] == [s.id for s in seminars[:3]]
    assert factories.outbox_kinds(made[-1].id) == [
        "confirm_request",
        "pending_limit",
        "pending_limit",
    ]
    # Confirming one frees room for another.
    allocation.confirm(made[0].id, now=utcnow())
    db.session.commit()
    scripted_post(client, seminars[4], 9, "198.51.100.9", email=address)
    seats = db.session.scalars(
        select(Registration.seminar_id).where(Registration.email_normalized == address)
    ).all()
    assert seminars[4].id in seats


def test_the_answer_never_tells_whether_an_address_is_registered(client, caps):
    """New address, one already registered for this seminar, one at its cap: one answer."""
    target = factories.seminar("Ziel", capacity=10)
    others = [factories.seminar(f"Anderes {n}", capacity=10) for n in range(3)]
    for n, seminar in enumerate(others):
        scripted_post(client, seminar, n, f"198.51.100.{n + 1}", email="voll@example.org")
    scripted_post(client, target, 7, "198.51.100.7", email="schon@example.org")
    pages = []
    for n, email in enumerate(("neu@example.org", "schon@example.org", "voll@example.org")):
        response = scripted_post(client, target, 20 + n, f"192.0.2.{n + 1}", email=email)
        assert response.status_code == 303
        followed = client.get(response.headers["Location"])
        pages.append((followed.status_code, re.sub(r'value="[^"]*"', "", text(followed))))
    assert pages[0] == pages[1] == pages[2]


def test_a_registration_with_assistant_counts_twice_and_always_fits_once(app, caps):
    caps["PENDING_MAX_PER_ADDRESS"] = 2
    seminars = [factories.seminar(f"S{n}", capacity=5) for n in range(2)]
    now = utcnow()
    applicant = factories.applicant(7, need_personal_assistant=True)
    first = allocation.register(seminars[0].id, applicant, now=now)
    db.session.commit()
    assert first.created and first.registration.seats == 2 and first.registration.holds_seat
    second = allocation.register(seminars[1].id, factories.applicant(7), now=now)
    db.session.commit()
    assert not second.created and second.over_cap
    # A cap smaller than one registration with an assistant still lets that one through.
    caps["PENDING_MAX_PER_ADDRESS"] = 1
    alone = allocation.register(
        seminars[1].id, factories.applicant(8, need_personal_assistant=True), now=now
    )
    db.session.commit()
    assert alone.created


def test_client_key_is_kept_only_while_unconfirmed(app, caps):
    seminar = factories.seminar(capacity=5)
    now = utcnow()
    kept = allocation.register(seminar.id, factories.applicant(), now=now, client_key="c1")
    left = allocation.register(seminar.id, factories.applicant(), now=now, client_key="c1")
    db.session.commit()
    assert kept.registration.client_key == "c1"
    allocation.confirm(kept.registration.id, now=now)
    allocation.cancel(left.registration.id, now=now)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(select(Registration.client_key)).all() == [None, None]


def test_staff_registrations_are_outside_the_caps(app, caps):
    caps["PENDING_MAX_PER_ADDRESS"] = 1
    seminars = [factories.seminar(f"T{n}", capacity=5) for n in range(3)]
    now = utcnow()
    for seminar in seminars[:2]:
        allocation.register(seminar.id, factories.applicant(3), now=now)
        db.session.commit()
    phoned = allocation.register(seminars[2].id, factories.applicant(3), now=now, by_staff=True)
    db.session.commit()
    assert phoned.created and phoned.registration.status == "confirmed"


def test_the_sent_page_states_the_hold_time(client, caps):
    seminar = factories.seminar(capacity=5)
    response = scripted_post(client, seminar, 1, "192.0.2.50")
    page = text(client.get(response.headers["Location"]))
    assert "2 Stunden lang" in page
    caps["CONFIRMATION_HOURS"] = 1
    page = text(client.get(response.headers["Location"]))
    assert "1 Stunde lang" in page


def test_caps_hold_when_a_script_registers_for_many_seminars_at_once(app, caps):
    """The caps count across seminars, which no seminar lock covers: concurrent registrations
    of one client (and of one address) for different seminars still stop at the cap."""
    seminar_ids = [factories.seminar(f"Parallel {n}", capacity=5).id for n in range(12)]

    def at_once(who) -> list[str]:
        """Register for every seminar at the same moment; ``who(n)`` gives the applicant's
        number and the client key of the n-th registration."""
        start = threading.Barrier(len(seminar_ids))
        outcomes: list[str] = []

        def script(n: int, seminar_id: int) -> None:
            number, key = who(n)
            try:
                with app.app_context():
                    start.wait()
                    result = allocation.register(
                        seminar_id, factories.applicant(number), now=utcnow(), client_key=key
                    )
                    db.session.commit()
                    outcomes.append("created" if result.created else "over_cap")
                    db.session.remove()
            except allocation.TooManyUnconfirmed:
                outcomes.append("refused")
            except BaseException as exc:  # reported below
                outcomes.append(repr(exc))

        threads = [threading.Thread(target=script, args=pair) for pair in enumerate(seminar_ids)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        db.session.rollback()
        return sorted(outcomes)

    # One client, a new invented address each time.
    assert at_once(lambda n: (2000 + n, "one-client")) == ["created"] * 5 + ["refused"] * 7
    # One address, each time from another client.
    assert at_once(lambda n: (1000, f"client-{n}")) == ["created"] * 3 + ["over_cap"] * 9
