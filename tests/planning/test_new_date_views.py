"""The staff page "Neuer Termin aus Warteliste", the lists that show places from a new date,
and the personal page where someone from the interest list gives their name and accepts."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import berlin_date, utcnow
from seminars.extensions import db
from seminars.planning import services
from seminars.programme.models import Seminar
from seminars.registrations import mails
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from, field_error


def text(response) -> str:
    return response.get_data(as_text=True)


def full_seminar(waiting: int = 2, interested: int = 1) -> Seminar:
    old = factories.seminar("Gruppen gut leiten", capacity=2, waitlist_capacity=10)
    factories.fill(old, 2, waitlisted=waiting)
    for number in range(interested):
        factories.subscription(f"interesse{number}@example.org", seminar_id=old.id)
    db.session.commit()
    return old


def form_values(page: str, **changes) -> dict:
    start = (utcnow() + timedelta(days=40)).strftime("%Y-%m-%d")
    values = {
        "csrf_token": csrf_token_from(page),
        "code": "GGL-NEU",
        "sessions": f"{start} 09:30-16:00",
        "venue_id": re.search(r'<option selected value="(\d+)"', page).group(1),
        "capacity": "3",
        "registration_opens": "",
        "registration_closes": "",
    }
    values.update(changes)
    return values


def test_the_page_says_who_waits_and_creates_a_draft_new_date(client, login):
    login("staff")
    old = full_seminar(waiting=2, interested=1)
    seminar_page = text(client.get(f"/verwaltung/seminare/{old.id}"))
    assert f'href="/verwaltung/seminare/{old.id}/neuer-termin"' in seminar_page
    assert "Neuer Termin aus Warteliste" in seminar_page
    registrations = text(client.get(f"/verwaltung/seminare/{old.id}/anmeldungen"))
    assert f'href="/verwaltung/seminare/{old.id}/neuer-termin"' in registrations

    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    assert "2 Personen warten auf der Warteliste." in page
    assert "1 Person steht auf der Interessenliste für einen neuen Termin." in page
    assert 'value="3"' not in page and 'name="capacity" required type="number" value="2"' in page
    response = client.post(f"/verwaltung/seminare/{old.id}/neuer-termin", data=form_values(page))
    assert response.status_code == 303
    copy = db.session.scalars(select(Seminar).where(Seminar.code == "GGL-NEU")).one()
    assert response.headers["Location"].endswith(f"/verwaltung/seminare/{copy.id}")
    assert (copy.status, copy.repeat_of_id, copy.capacity, copy.title) == (
        "draft",
        old.id,
        3,
        "Gruppen gut leiten",
    )
    assert copy.venue_id == old.venue_id and copy.topic_id == old.topic_id
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "seminar.new_date")
    ).one()
    assert entry.after["waiting"] == 2 and entry.after["interested"] == 1
    shown = text(client.get(response.headers["Location"]))
    assert "Sobald Sie ihn veröffentlichen, bekommen die Wartenden der Reihe nach" in shown
    assert "Neuer Termin aus Warteliste angelegt" in shown  # the audit log, in words


def test_the_page_for_one_person_waiting_speaks_in_the_singular(client, login):
    login("staff")
    old = full_seminar(waiting=1, interested=0)
    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    assert "1 Person wartet auf der Warteliste." in page
    assert "0 Personen stehen auf der Interessenliste" in page


def test_without_anyone_waiting_there_is_no_form_and_no_new_date(client, login):
    login("staff")
    old = full_seminar(waiting=0, interested=0)
    assert "neuer-termin" not in text(client.get(f"/verwaltung/seminare/{old.id}"))
    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    assert "wartet niemand auf einen neuen Termin" in page and 'name="sessions"' not in page
    other = full_seminar()
    filled = text(client.get(f"/verwaltung/seminare/{other.id}/neuer-termin"))
    response = client.post(f"/verwaltung/seminare/{old.id}/neuer-termin", data=form_values(filled))
    assert response.status_code == 422
    assert db.session.scalar(select(Seminar).where(Seminar.repeat_of_id == old.id)) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": "viele"}, "capacity"),
        ({"capacity": "0"}, "capacity"),
        ({"sessions": "irgendwann"}, "sessions"),
        ({"sessions": ""}, "sessions"),
        ({"code": "leer zeichen"}, "code"),
        ({"venue_id": "0"}, "venue_id"),  # in person needs a place
        ({"venue_id": "abc"}, "venue_id"),
        ({"registration_opens": "31.02.2027"}, "registration_opens"),
    ],
)
def test_bad_input_is_refused_on_the_form(client, login, changes, field):
    login("staff")
    old = full_seminar()
    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    response = client.post(
        f"/verwaltung/seminare/{old.id}/neuer-termin", data=form_values(page, **changes)
    )
    assert response.status_code == 422
    assert field_error(text(response), field)
    assert db.session.scalar(select(Seminar).where(Seminar.repeat_of_id == old.id)) is None


def test_a_code_already_taken_is_refused(client, login):
    login("staff")
    old = full_seminar()
    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    response = client.post(
        f"/verwaltung/seminare/{old.id}/neuer-termin", data=form_values(page, code=old.code)
    )
    assert response.status_code == 422
    assert "Diese Kennung hat schon ein anderes Seminar." in field_error(text(response), "code")


def test_the_steering_committee_may_not(client, login):
    login("steering")
    old = full_seminar()
    assert client.get(f"/verwaltung/seminare/{old.id}/neuer-termin").status_code == 403
    assert client.post(f"/verwaltung/seminare/{old.id}/neuer-termin").status_code in (400, 403)
    assert client.get("/verwaltung/seminare/999999/neuer-termin").status_code == 403


def test_an_unknown_seminar_is_not_found(client, login):
    login("staff")
    assert client.get("/verwaltung/seminare/999999/neuer-termin").status_code == 404


def published_new_date(old: Seminar, capacity: int = 3) -> Seminar:
    from seminars.planning import new_dates

    start = utcnow().replace(microsecond=0) + timedelta(days=20)
    copy = new_dates.create_new_date(
        old.id,
        new_dates.NewDateData(
            code="GGL-NEU",
            sessions=[(start, start + timedelta(hours=6))],
            capacity=capacity,
            venue_id=old.venue_id,
        ),
        actor=None,
    )
    db.session.commit()
    services.set_status(copy.id, "published", actor=None, now=utcnow())
    db.session.commit()
    return copy


def test_the_registrations_list_says_where_each_place_came_from(client, login, count_queries):
    login("staff")
    old = full_seminar(waiting=2, interested=1)
    copy = published_new_date(old, capacity=1)
    path = f"/verwaltung/seminare/{copy.id}/anmeldungen"
    page = text(client.get(path))
    # The page shows the day in Berlin: late in the UTC evening that is the next day.
    old_day = str(berlin_date(old.sessions[0].starts_at).day)
    assert page.count("vom Termin ") == 2 and old_day in page
    assert page.count("von der Interessenliste") == 1
    assert page.count("(Name noch nicht angegeben)") == 1
    with count_queries() as few:
        client.get(path)
    for number in range(4):
        factories.subscription(f"mehr{number}@example.org", seminar_id=old.id)
    factories.fill(old, 0, waitlisted=3)
    db.session.commit()
    second = published_new_date_again(old)
    client.get(f"/verwaltung/seminare/{second.id}/anmeldungen")
    with count_queries() as many:
        page = text(client.get(f"/verwaltung/seminare/{second.id}/anmeldungen"))
    assert page.count("von der Interessenliste") == 4
    assert many.count == few.count, "\n".join(many.statements)


def published_new_date_again(old: Seminar) -> Seminar:
    from seminars.planning import new_dates

    start = utcnow().replace(microsecond=0) + timedelta(days=30)
    copy = new_dates.create_new_date(
        old.id,
        new_dates.NewDateData(
            code="GGL-NEU-2",
            sessions=[(start, start + timedelta(hours=6))],
            capacity=1,
            venue_id=old.venue_id,
        ),
        actor=None,
    )
    db.session.commit()
    services.set_status(copy.id, "published", actor=None, now=utcnow())
    db.session.commit()
    return copy


def personal_path(registration: Registration) -> str:
    return mails.manage_url(registration).replace("http://seminare.test", "")


def test_someone_from_the_interest_list_gives_their_name_and_accepts(client):
    old = full_seminar(waiting=0, interested=1)
    copy = published_new_date(old, capacity=1)
    [place] = db.session.scalars(select(Registration).where(Registration.seminar_id == copy.id))
    assert place.status == "offered" and place.first_name == ""
    path = personal_path(place)
    page = text(client.get(path))
    assert "Anmeldung für interesse0@example.org" in page
    assert 'name="first_name"' in page and 'name="last_name"' in page
    token = csrf_token_from(page)
    refused = client.post(
        f"{path}/angebot/annehmen",
        data={"csrf_token": token, "first_name": "", "last_name": "Muster", "organisation": "SHG"},
    )
    assert refused.status_code == 422
    assert "Bitte geben Sie Ihren Vornamen an." in field_error(text(refused), "first_name")
    db.session.expire_all()
    assert db.session.get(Registration, place.id).status == "offered"
    response = client.post(
        f"{path}/angebot/annehmen",
        data={
            "csrf_token": token,
            "first_name": "Erika",
            "last_name": "Muster",
            "organisation": "SHG Gera",
            "county": "th-gera",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    accepted = db.session.get(Registration, place.id)
    assert (accepted.status, accepted.first_name, accepted.last_name, accepted.county) == (
        "confirmed",
        "Erika",
        "Muster",
        "th-gera",
    )
    assert accepted.person_key == factories.person_key("interesse0@example.org")
    assert factories.outbox_kinds(place.id) == ["new_date_offered", "confirmed"]


def test_someone_from_the_waitlist_accepts_with_one_button(client):
    old = full_seminar(waiting=1, interested=0)
    copy = published_new_date(old, capacity=1)
    [place] = db.session.scalars(select(Registration).where(Registration.seminar_id == copy.id))
    path = personal_path(place)
    page = text(client.get(path))
    assert 'name="first_name"' not in page
    assert "behalten Sie Ihren Platz auf der Warteliste des früheren Termins" in page
    response = client.post(f"{path}/angebot/annehmen", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, place.id).status == "confirmed"
    assert db.session.get(Registration, place.moved_from_id).status == "cancelled"


def test_someone_without_a_name_is_greeted_and_listed_without_one(client, login):
    from seminars.outbox.models import OutboxMessage
    from seminars.registrations import allocation

    login("staff")
    old = full_seminar(waiting=0, interested=1)
    copy = published_new_date(old, capacity=1)
    [place] = db.session.scalars(select(Registration).where(Registration.seminar_id == copy.id))
    page = text(client.get(f"/verwaltung/anmeldungen/{place.id}"))
    assert "<h1>Anmeldung von (Name noch nicht angegeben)</h1>" in page
    allocation.decline_offer(place.id, now=utcnow())
    db.session.commit()
    bodies = db.session.scalars(
        select(OutboxMessage.body_text)
        .where(OutboxMessage.registration_id == place.id)
        .order_by(OutboxMessage.id)
    ).all()
    assert [body.splitlines()[0] for body in bodies] == ["Guten Tag,", "Guten Tag,"]


def test_a_name_given_after_the_offer_ran_out_is_not_stored(app):
    from seminars.registrations import offer_completion, tokens

    old = full_seminar(waiting=0, interested=1)
    copy = published_new_date(old, capacity=1)
    [place] = db.session.scalars(select(Registration).where(Registration.seminar_id == copy.id))
    late = place.offer_expires_at + timedelta(minutes=1)
    answered = offer_completion.complete_and_accept(
        tokens.token_for(place.id, place.token_salt),
        first_name="Erika",
        last_name="Muster",
        organisation="SHG",
        county=None,
        now=late,
    )
    db.session.commit()
    assert answered.status == "expired"
    assert (answered.first_name, answered.last_name, answered.organisation) == ("", "", "")
