"""The call list: people who take part by phone hear from the academy by a call. A seat
offered to them appears on the list, and the answer staff record moves the seat."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping.services import expire_overdue
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from

LIST = "/verwaltung/anrufe"


def text(response) -> str:
    return response.get_data(as_text=True)


def offered_by_phone(title="Gruppen leiten am Telefon"):
    """A full seminar whose holder cancels: the seat goes to a phone registration, and
    someone by e-mail waits behind."""
    seminar = factories.seminar(title, capacity=1, starts_in=timedelta(days=30))
    holder = factories.registration(seminar)
    phone = factories.registration(
        seminar, status="waitlisted", channel="phone", first_name="Gerda", last_name="Anruf"
    )
    behind = factories.registration(seminar, status="waitlisted")
    allocation.cancel(holder.id, now=utcnow())
    db.session.commit()
    return seminar, phone, behind


def call_of(registration, kind="seat_offered") -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == registration.id, OutboxMessage.kind == kind
        )
    ).one()


def fresh(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def answer(client, message, outcome):
    token = csrf_token_from(text(client.get(LIST)))
    return client.post(f"{LIST}/{message.id}", data={"csrf_token": token, "outcome": outcome})


def actions(registration) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.registration_id == registration.id)
            .order_by(AuditEntry.id)
        )
    )


def test_an_offer_by_phone_appears_on_the_call_list(client, login):
    login("staff")
    seminar, phone, _behind = offered_by_phone()
    call = call_of(phone)
    assert (call.channel, call.status, call.recipient) == ("call", "pending", phone.phone)
    page = text(client.get(LIST))
    assert "Gerda Anruf" in page and "Platzangebot" in page
    assert f'href="tel:{phone.phone.replace(" ", "")}"' in page
    assert "<details>" in page and "Möchten Sie den Platz annehmen?" in page
    assert seminar.title in page and "überfällig" not in page
    # The sentence to read out names the deadline as it is said: "bis Donnerstag, 3. Dezember,
    # 18 Uhr" (the window of a phone registration, PHONE_OFFER_HOURS).
    assert fresh(phone).offer_expires_at is not None
    assert "Sie können sich bis " in call.body_text and " Uhr entscheiden." in call.body_text
    assert "http" not in call.body_text  # nothing to read out that only a mail can use


def test_accepted_on_the_phone_the_person_holds_the_seat(client, login):
    account = login("staff")
    _seminar, phone, behind = offered_by_phone()
    call = call_of(phone)
    response = answer(client, call, "accepted")
    assert response.status_code == 303
    person = fresh(phone)
    assert person.status == "confirmed" and person.holds_seat
    assert person.offer_expires_at is None
    assert fresh(behind).status == "waitlisted"
    done = call_of(phone)
    assert (done.status, done.outcome, done.done_by_id) == ("sent", "accepted", account.id)
    assert done.sent_at is not None and (done.recipient, done.body_text) == ("", "")
    # The confirmation was said on the phone: no second call about it.
    confirmed = call_of(phone, "confirmed")
    assert (confirmed.status, confirmed.outcome) == ("sent", "told")
    assert "registration.offer_answered_by_phone" in actions(phone)
    assert actions(phone).count("call.done") == 2
    page = text(client.get(LIST))
    assert "Gerda Anruf" not in page and "Keine offenen Anrufe." in page


def test_declined_on_the_phone_the_seat_goes_to_the_next_person(client, login):
    login("staff")
    _seminar, phone, behind = offered_by_phone()
    assert answer(client, call_of(phone), "declined").status_code == 303
    person = fresh(phone)
    assert person.status == "cancelled" and not person.holds_seat
    assert fresh(behind).status == "offered"
    assert call_of(phone).outcome == "declined"
    assert call_of(phone, "cancelled_by_you").status == "sent"
    # The audit log words the answer.
    page = text(client.get(f"/verwaltung/anmeldungen/{phone.id}"))
    assert "Platzangebot am Telefon beantwortet" in page and "Abgelehnt" in page


def test_not_reached_the_offer_stays_and_the_window_moves_the_seat_on(client, login, app):
    login("staff")
    _seminar, phone, behind = offered_by_phone()
    call = call_of(phone)
    assert answer(client, call, "not_reached").status_code == 303
    assert answer(client, call, "not_reached").status_code == 303
    person = fresh(phone)
    assert person.status == "offered" and person.holds_seat
    kept = call_of(phone)
    assert (kept.status, kept.attempts, kept.outcome) == ("pending", 2, "not_reached")
    assert kept.body_text  # still there to read out
    page = text(client.get(LIST))
    assert "Gerda Anruf" in page and "2-mal nicht erreicht" in page
    # After the window the housekeeping expiry passes the seat on.
    later = person.offer_expires_at + timedelta(minutes=1)
    assert expire_overdue(later) == 1
    assert fresh(phone).status == "expired"
    assert fresh(behind).status == "offered"
    gone = call_of(phone)
    assert (gone.status, gone.outcome, gone.body_text) == ("sent", "obsolete", "")
    # What is left to say is that the offer ran out.
    assert call_of(phone, "offer_expired").status == "pending"
    page = text(client.get(LIST))
    assert "Platzangebot abgelaufen" in page and "2-mal nicht erreicht" not in page


def test_an_overdue_offer_is_called_overdue(client, login):
    login("staff")
    _seminar, phone, _behind = offered_by_phone()
    person = fresh(phone)
    person.offer_expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = text(client.get(LIST))
    assert "überfällig" in page
    start = text(client.get("/verwaltung/"))
    assert "1 Anruf offen" in start and "1 Platzangebot überfällig" in start
    # Accepted too late: the offer expires instead, and staff are told so.
    response = answer(client, call_of(phone), "accepted")
    assert response.status_code == 303
    assert fresh(phone).status == "expired"
    assert "Frist für das Angebot war schon abgelaufen" in text(client.get(LIST))
    assert call_of(phone).outcome == "obsolete"


def test_an_answer_for_an_offer_answered_online_is_refused_politely(client, login):
    login("staff")
    _seminar, phone, _behind = offered_by_phone()
    call = call_of(phone)
    token = csrf_token_from(text(client.get(LIST)))
    allocation.accept_offer(phone.id, now=utcnow())  # the person answered on their page
    db.session.commit()
    assert call_of(phone).outcome == "obsolete"  # the offer's call is done: nothing to say
    response = client.post(f"{LIST}/{call.id}", data={"csrf_token": token, "outcome": "declined"})
    assert response.status_code == 303
    assert "Dieser Anruf ist schon erledigt." in text(client.get(LIST))
    assert fresh(phone).status == "confirmed"


def test_an_offer_call_whose_offer_no_longer_holds_leaves_the_list(client, login):
    """Even a call the allocation did not close (an older version's) is not shown, and an
    answer to it is refused."""
    login("staff")
    _seminar, phone, _behind = offered_by_phone()
    call = call_of(phone)
    person = fresh(phone)
    person.status, person.holds_seat, person.offer_expires_at = "expired", False, None
    db.session.commit()
    assert "Gerda Anruf" not in text(client.get(LIST))
    assert answer(client, call, "accepted").status_code == 303
    assert "Das Platzangebot gilt nicht mehr" in text(client.get(LIST))
    assert call_of(phone).status == "pending"  # refused: nothing changed


@pytest.mark.parametrize("outcome", ["", "accepted", "declined", "erledigt", "x" * 300])
def test_other_calls_take_told_or_not_reached_only(client, login, outcome):
    login("staff")
    seminar = factories.seminar()
    person = factories.registration(seminar, channel="phone")
    allocation.cancel(person.id, now=utcnow())
    db.session.commit()
    call = call_of(person, "cancelled_by_you")
    assert answer(client, call, outcome).status_code == 303
    assert "Bitte wählen Sie aus" in text(client.get(LIST))
    assert call_of(person, "cancelled_by_you").status == "pending"


def test_a_told_call_is_done(client, login):
    account = login("staff")
    seminar = factories.seminar()
    person = factories.registration(seminar, channel="phone")
    allocation.cancel(person.id, now=utcnow())
    db.session.commit()
    call = call_of(person, "cancelled_by_you")
    page = text(client.get(LIST))
    assert "Abmeldung bestätigt" in page and "ohne Frist" in page
    assert answer(client, call, "told").status_code == 303
    done = call_of(person, "cancelled_by_you")
    assert (done.status, done.outcome, done.done_by_id) == ("sent", "told", account.id)
    assert (done.recipient, done.body_text) == ("", "")
    assert actions(person)[-1] == "call.done"
    assert answer(client, done, "told").status_code == 303
    assert "Dieser Anruf ist schon erledigt." in text(client.get(LIST))


def test_a_missing_call_is_refused_politely(client, login):
    login("staff")
    token = csrf_token_from(text(client.get(LIST)))
    data = {"csrf_token": token, "outcome": "told"}
    assert client.post(f"{LIST}/999999", data=data).status_code == 303
    assert "Diesen Anruf gibt es nicht." in text(client.get(LIST))
    # A mail is not a call.
    seminar = factories.seminar()
    person = factories.registration(seminar)
    allocation.cancel(person.id, now=utcnow())
    db.session.commit()
    mail = call_of(person, "cancelled_by_you")
    assert mail.channel == "email"
    assert client.post(f"{LIST}/{mail.id}", data=data).status_code == 303
    assert call_of(person, "cancelled_by_you").status == "pending"


def test_offers_come_first_by_deadline_then_the_rest_oldest_first(client, login):
    login("staff")
    seminar = factories.seminar(capacity=5)
    told = factories.registration(seminar, channel="phone", last_name="Abgemeldet")
    allocation.cancel(told.id, now=utcnow())
    later = factories.registration(seminar, status="offered", channel="phone", last_name="Später")
    sooner = factories.registration(seminar, status="offered", channel="phone", last_name="Eher")
    now = utcnow()
    later.offer_expires_at, sooner.offer_expires_at = (
        now + timedelta(hours=40),
        now + timedelta(hours=10),
    )
    db.session.commit()
    from seminars.registrations import mails

    mails.queue(later, mails.SEAT_OFFERED)
    mails.queue(sooner, mails.SEAT_OFFERED)
    reminded = factories.registration(seminar, channel="phone", last_name="Erinnert")
    mails.queue(reminded, mails.REMINDER)
    db.session.commit()
    page = text(client.get(LIST))
    order = [page.index(name) for name in ("Eher", "Später", "Abgemeldet", "Erinnert")]
    assert order == sorted(order)


@pytest.mark.parametrize("role", [None, "steering"])
def test_only_staff_see_the_call_list(client, login, role):
    _seminar, phone, _behind = offered_by_phone()
    call = call_of(phone)
    if role is None:
        answer_page = client.get(LIST)
        assert answer_page.status_code == 302
        assert "/verwaltung/anmelden" in answer_page.headers["Location"]
        posted = client.post(f"{LIST}/{call.id}", data={"outcome": "accepted"})
        assert posted.status_code in (302, 400)
    else:
        login(role)
        assert client.get(LIST).status_code == 403
        token = csrf_token_from(text(client.get("/verwaltung/")))
        posted = client.post(f"{LIST}/{call.id}", data={"csrf_token": token, "outcome": "accepted"})
        assert posted.status_code == 403
        start = text(client.get("/verwaltung/"))
        assert "Anrufe offen" not in start and "1 Anruf offen" not in start
        assert 'href="/verwaltung/anrufe"' not in start
    assert fresh(phone).status == "offered"


def test_the_start_page_counts_open_calls_and_links_the_list(client, login):
    login("staff")
    offered_by_phone()
    start = text(client.get("/verwaltung/"))
    assert "1 Anruf offen" in start and 'href="/verwaltung/anrufe"' in start
    offered_by_phone("Zweites Seminar")
    assert "2 Anrufe offen" in text(client.get("/verwaltung/"))
    page = text(client.get(LIST))
    assert 'href="/verwaltung/anrufe" aria-current="page"' in page


def test_the_call_list_runs_a_constant_number_of_queries(client, login, count_queries):
    login("staff")

    def grow(times):
        for number in range(times):
            offered_by_phone(f"Seminar {number}")
            seminar = factories.seminar(f"Abgesagt {number}")
            person = factories.registration(seminar, channel="phone")
            allocation.cancel(person.id, now=utcnow())
            db.session.commit()

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get(LIST)
        assert page.status_code == 200
        return counter.count, len(page.data)

    grow(1)
    measure()  # the mails the growing queued leave after the first request's commit
    few, small = measure()
    grow(6)
    measure()
    many, large = measure()
    assert large > small
    assert many == few


def test_the_reminder_call_of_an_online_seminar_gives_staff_the_access_to_say(client, login):
    """People reached by phone have no personal page in hand: the reminder call tells them
    how to join, and the list shows staff the access (not stored with the call's text)."""
    from seminars.registrations import mails

    login("staff")
    online = factories.seminar(
        "Online gut zuhören",
        seminar_format="online",
        meeting_url="https://meet.example.org/zuhoeren-2027",
    )
    pending = factories.seminar("Noch ohne Zugang", seminar_format="online")
    in_person = factories.seminar("Vor Ort zuhören")
    people = [
        factories.registration(item, channel="phone", street="", postcode="", city="")
        for item in (online, pending, in_person)
    ]
    for person in people:
        mails.queue(person, mails.REMINDER)
    db.session.commit()
    page = text(client.get("/verwaltung/anrufe"))
    assert page.count('class="meeting-access"') == 2
    assert "https://meet.example.org/zuhoeren-2027" in page
    assert "noch nicht eingetragen" in page
    said = call_of(people[0], "reminder").body_text
    assert "Zugang durch" in said and "http" not in said
    assert "Zugang durch" not in call_of(people[2], "reminder").body_text
