"""The venue check in the back office: its page and its form, the warning on the seminar's
staff page and the list on the start page (staff only, in a constant number of queries)."""

from datetime import timedelta

from sqlalchemy import select

from seminars.accessibility.models import VenueCheckNote
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from tests import factories
from tests.conftest import csrf_token_from


def register(seminar, **needs):
    result = allocation.register(seminar.id, factories.applicant(**needs), now=utcnow())
    db.session.commit()
    return result.registration


def seminar_missing_a_loop(title="Gruppen leiten", **fields):
    place = factories.venue("Gera", hearing_loop=False)  # step-free, with an accessible WC
    seminar = factories.seminar(title, place=place, **fields)
    register(seminar, need_hearing_loop=True)
    return seminar


def url(seminar) -> str:
    return f"/verwaltung/seminare/{seminar.id}/ortspruefung"


def test_resolve_round_trip_settles_the_warning(client, login):
    staff = login("staff")
    seminar = seminar_missing_a_loop()
    register(seminar, need_hearing_loop=True)

    page = client.get(url(seminar))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 Personen brauchen eine induktive Höranlage." in html
    assert "Der Ort hat keine induktive Höranlage." in html
    assert "Induktive Höranlage: <strong>nein</strong>" in html
    assert f'href="/verwaltung/seminare/{seminar.id}/bearbeiten"' in html
    assert "<legend>Wie ist es gelöst?</legend>" in html
    warning = client.get(f"/verwaltung/seminare/{seminar.id}").get_data(as_text=True)
    assert "Der Ort passt nicht zu allen Bedarfen" in warning
    assert url(seminar) in warning

    response = client.post(
        url(seminar),
        data={
            "csrf_token": csrf_token_from(html),
            "check": "hearing_loop",
            "resolution": "arranged",
            "note": "Mobile Höranlage beim Verleih bestellt",
        },
    )
    assert response.status_code == 303
    html = client.get(url(seminar)).get_data(as_text=True)
    assert "Die Ortsprüfung ist gespeichert." in html
    assert "geklärt" in html and "Mobile Höranlage beim Verleih bestellt" in html
    assert f"von {staff.name}: anders organisiert." in html
    note = db.session.scalars(select(VenueCheckNote)).one()
    assert (note.need, note.resolution, note.venue_id) == (
        "hearing_loop",
        "arranged",
        seminar.venue_id,
    )
    warning = client.get(f"/verwaltung/seminare/{seminar.id}").get_data(as_text=True)
    assert "Der Ort passt nicht zu allen Bedarfen" not in warning
    assert "Ortsprüfung geklärt" in warning  # the change log names it

    # Taking the note back opens the check again.
    response = client.post(
        f"{url(seminar)}/hearing_loop/wieder-oeffnen", data={"csrf_token": csrf_token_from(html)}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(db.func.count()).select_from(VenueCheckNote)) == 0


def test_fine_without_a_reason_is_refused_with_a_message(client, login):
    login("staff")
    seminar = seminar_missing_a_loop()
    token = csrf_token_from(client.get(url(seminar)).get_data(as_text=True))

    response = client.post(
        url(seminar),
        data={"csrf_token": token, "check": "hearing_loop", "resolution": "fine", "note": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="check-hearing_loop-note-error"' in html
    assert "Bitte schreiben Sie auf, warum es so passt." in html
    assert 'value="fine" checked' in html  # what was chosen stays chosen

    response = client.post(url(seminar), data={"csrf_token": token, "check": "hearing_loop"})
    assert response.status_code == 422
    assert "Bitte wählen Sie, wie es gelöst ist." in response.get_data(as_text=True)

    response = client.post(
        url(seminar), data={"csrf_token": token, "check": "parking", "resolution": "arranged"}
    )
    assert response.status_code == 422
    assert "Diese Prüfung gibt es nicht." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(VenueCheckNote)) == 0


def test_steering_may_not_open_the_venue_check(client, login):
    seminar = seminar_missing_a_loop()
    login("steering")
    page = client.get("/verwaltung/").get_data(as_text=True)
    assert client.get(url(seminar)).status_code == 403
    response = client.post(
        url(seminar),
        data={"csrf_token": csrf_token_from(page), "check": "hearing_loop", "resolution": "fine"},
    )
    assert response.status_code == 403
    assert "passt der Ort nicht" not in page
    assert "Höranlage" not in page


def test_online_seminar_page_says_there_is_nothing_to_check(client, login):
    login("staff")
    seminar = factories.seminar(seminar_format="online")
    register(seminar, need_step_free=True)
    html = client.get(url(seminar)).get_data(as_text=True)
    assert "Es gibt keinen Ort zu prüfen." in html
    assert 'name="resolution"' not in html


def test_start_page_lists_seminars_with_open_mismatches_for_staff(client, login):
    login("admin")
    seminar = seminar_missing_a_loop("Recht im Ehrenamt")
    fine = factories.seminar("Alles passt", place=factories.venue("Jena", hearing_loop=True))
    register(fine, need_hearing_loop=True, need_step_free=True)
    html = client.get("/verwaltung/").get_data(as_text=True)
    assert "Bei 1 Seminar passt der Ort nicht zu allen Bedarfen:" in html
    assert f'<a href="{url(seminar)}">Recht im Ehrenamt</a>' in html
    assert "keine induktive Höranlage (1 Person braucht sie)" in html
    assert url(fine) not in html


def registered(seminar, **needs) -> None:
    """A confirmed registration with these needs, without mail (the outbox stays empty)."""
    entry = factories.registration(seminar, commit=False)
    for key, value in needs.items():
        setattr(entry, key, value)
    db.session.commit()


def _grow(rounds: int) -> None:
    for number in range(rounds):
        place = factories.venue(f"Ort {number}", step_free_access=False, hearing_loop=False)
        seminar = factories.seminar(place=place, starts_in=timedelta(days=10 + number))
        registered(seminar, need_step_free=True)
        registered(seminar, need_hearing_loop=True)
        settled = factories.seminar(place=place, starts_in=timedelta(days=20 + number))
        registered(settled, need_hearing_loop=True)
        db.session.add(
            VenueCheckNote(
                seminar_id=settled.id, venue_id=place.id, need="hearing_loop", resolution="fine"
            )
        )
        db.session.commit()


def test_start_page_runs_a_constant_number_of_queries(client, login, count_queries):
    login("staff")
    _grow(1)

    def measure() -> tuple[int, int]:
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get("/verwaltung/")
        assert page.status_code == 200
        return counter.count, page.get_data(as_text=True).count("/ortspruefung")

    measure()
    few, shown_few = measure()
    _grow(6)
    many, shown_many = measure()
    assert (shown_few, shown_many) == (1, 7)
    assert many == few


def test_seminar_page_warning_costs_a_constant_number_of_queries(client, login, count_queries):
    login("staff")
    seminar = seminar_missing_a_loop()

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get(f"/verwaltung/seminare/{seminar.id}")
        assert "Der Ort passt nicht zu allen Bedarfen" in page.get_data(as_text=True)
        return counter.count

    measure()
    few = measure()
    for _ in range(5):
        registered(seminar, need_hearing_loop=True, need_step_free=True)
    assert measure() == few
