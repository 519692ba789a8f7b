"""Someone offered a seat answers by phone, whatever their channel: staff record the answer on
the registration's page, and the seat moves as if the person had answered on their page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from

BUTTONS = ("Angebot angenommen (am Telefon)", "Angebot abgelehnt (am Telefon)")


def text(response) -> str:
    return response.get_data(as_text=True)


def offered(channel: str):
    """A full seminar whose holder cancels: the seat is offered to ``channel``'s person, and
    someone by e-mail waits behind."""
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=30))
    holder = factories.registration(seminar)
    person = factories.registration(
        seminar, status="waitlisted", channel=channel, first_name="Paula", last_name="Brief"
    )
    behind = factories.registration(seminar, status="waitlisted")
    allocation.cancel(holder.id, now=utcnow())
    db.session.commit()
    assert fresh(person).status == "offered"
    return person, behind


def fresh(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def messages(registration, kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration.id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
    )


def actions(registration) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.registration_id == registration.id)
            .order_by(AuditEntry.id)
        )
    )


def page_of(registration) -> str:
    return f"/verwaltung/anmeldungen/{registration.id}"


def answer(client, registration, value):
    token = csrf_token_from(text(client.get(page_of(registration))))
    return client.post(
        f"{page_of(registration)}/angebot", data={"csrf_token": token, "answer": value}
    )


def test_the_page_offers_both_answers_with_the_deadline_while_offered(client, login):
    login("staff")
    person, behind = offered("post")
    page = text(client.get(page_of(person)))
    assert all(button in page for button in BUTTONS)
    assert "Die Person kann sich bis " in page and "überfällig" not in page
    waiting = text(client.get(page_of(behind)))
    assert not any(button in waiting for button in BUTTONS)


def test_accepted_by_a_post_registrant_confirms_and_a_letter_goes(client, login):
    account = login("staff")
    person, behind = offered("post")
    response = answer(client, person, "accepted")
    assert response.status_code == 303
    now = fresh(person)
    assert (now.status, now.holds_seat, now.offer_expires_at) == ("confirmed", True, None)
    assert fresh(behind).status == "waitlisted"
    (letter,) = messages(person, "confirmed")
    assert (letter.channel, letter.status) == ("letter", "pending")  # to print and post
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.registration_id == person.id,
            AuditEntry.action == "registration.offer_answered_by_phone",
        )
    ).one()
    assert entry.actor_id == account.id
    assert "call.done" not in actions(person)
    page = text(client.get(page_of(person)))
    assert "Angenommen: Die Person hat den Platz." in page
    assert not any(button in page for button in BUTTONS)


def test_declined_by_a_post_registrant_the_next_person_is_offered(client, login):
    login("staff")
    person, behind = offered("post")
    assert answer(client, person, "declined").status_code == 303
    now = fresh(person)
    assert (now.status, now.holds_seat) == ("cancelled", False)
    assert fresh(behind).status == "offered"
    (letter,) = messages(person, "cancelled_by_you")
    assert (letter.channel, letter.status) == ("letter", "pending")
    assert messages(behind, "seat_offered")[0].channel == "email"
    page = text(client.get(page_of(person)))
    assert "Platzangebot am Telefon beantwortet" in page and "Abgelehnt" in page


def test_an_email_registrant_gets_the_confirmation_by_mail(client, login):
    login("staff")
    person, _behind = offered("email")
    assert answer(client, person, "accepted").status_code == 303
    assert fresh(person).status == "confirmed"
    assert [m.channel for m in messages(person, "confirmed")] == ["email"]


def test_a_phone_registrant_answered_here_closes_the_calls(client, login):
    account = login("staff")
    person, _behind = offered("phone")
    assert answer(client, person, "accepted").status_code == 303
    assert fresh(person).status == "confirmed"
    (call,) = messages(person, "seat_offered")
    assert (call.status, call.outcome, call.done_by_id) == ("sent", "accepted", account.id)
    (confirmed,) = messages(person, "confirmed")
    assert (confirmed.channel, confirmed.status, confirmed.outcome) == ("call", "sent", "told")
    assert actions(person).count("call.done") == 2
    assert "Paula Brief" not in text(client.get("/verwaltung/anrufe"))


def test_after_the_deadline_an_acceptance_expires_the_offer(client, login):
    login("staff")
    person, behind = offered("post")
    late = fresh(person)
    late.offer_expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert "überfällig" in text(client.get(page_of(person)))
    assert answer(client, person, "accepted").status_code == 303
    assert fresh(person).status == "expired"
    assert fresh(behind).status == "offered"
    assert "Frist für das Angebot war schon abgelaufen" in text(client.get(page_of(person)))


@pytest.mark.parametrize("value", ["", "told", "not_reached", "x" * 300])
def test_only_accepted_or_declined_is_taken(client, login, value):
    login("staff")
    person, _behind = offered("post")
    assert answer(client, person, value).status_code == 303
    assert fresh(person).status == "offered"
    assert "registration.offer_answered_by_phone" not in actions(person)


def test_an_answer_without_an_offer_is_refused_politely(client, login):
    login("staff")
    person, _behind = offered("post")
    token = csrf_token_from(text(client.get(page_of(person))))
    assert answer(client, person, "accepted").status_code == 303
    # A second press (a second tab) finds no offer any more.
    again = client.post(
        f"{page_of(person)}/angebot", data={"csrf_token": token, "answer": "declined"}
    )
    assert again.status_code == 303
    assert "Für diese Anmeldung liegt kein Platzangebot vor." in text(client.get(page_of(person)))
    assert fresh(person).status == "confirmed"
    assert actions(person).count("registration.offer_answered_by_phone") == 1
    missing = client.post(
        "/verwaltung/anmeldungen/999999/angebot", data={"csrf_token": token, "answer": "accepted"}
    )
    assert missing.status_code in (303, 404)


@pytest.mark.parametrize("role", [None, "steering"])
def test_only_staff_answer_offers(client, login, role):
    person, _behind = offered("post")
    if role is not None:
        login(role)
    token = csrf_token_from(
        text(client.get("/verwaltung/anmelden" if role is None else "/verwaltung/"))
    )
    posted = client.post(
        f"{page_of(person)}/angebot", data={"csrf_token": token, "answer": "accepted"}
    )
    assert posted.status_code in (302, 400, 403)
    assert fresh(person).status == "offered"
