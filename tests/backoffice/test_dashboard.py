from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.accessibility.models import ServiceTask
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from tests import factories


def test_dashboard_shows_figures_and_what_needs_attention(client, login, count_queries):
    login("staff")
    soon = factories.seminar("Bald mit Dolmetschung", capacity=2, starts_in=timedelta(days=10))
    for number, sign in ((1, True), (2, False), (3, False)):
        allocation.register(
            soon.id, factories.applicant(number, need_sign_language=sign), now=utcnow()
        )
    db.session.commit()
    later = factories.seminar("Später", starts_in=timedelta(days=60))
    factories.failed_mail(factories.registration(later))
    client.get("/verwaltung/")  # sends the mails the registrations above queued
    db.session.expire_all()
    with count_queries() as counter:
        page = client.get("/verwaltung/").get_data(as_text=True)
    few = counter.count
    assert "Bald mit Dolmetschung" in page and "2 / 2 (100" in page
    assert "3 unbestätigte Anmeldungen" in page
    # Booking the interpreters is on the list of support to organise, linked to its task.
    support = _support(page)
    task_id = db.session.scalar(select(ServiceTask.id).where(ServiceTask.seminar_id == soon.id))
    item = support.split(f'href="/verwaltung/unterstuetzung/{task_id}"')[1].split("</li>")[0]
    assert "Gebärdensprachdolmetschung (DGS)" in item and "Bald mit Dolmetschung" in item
    assert "1 Person" in item and "buchen bis" in item and "noch niemand zuständig" in item
    assert "1 Mail konnte nicht zugestellt werden." in page
    for _ in range(10):
        seminar = factories.seminar()
        factories.fill(seminar, 2, waitlisted=1)
        factories.registration(seminar, commit=False).need_large_print = True
        factories.failed_mail(factories.registration(later))
    client.get("/verwaltung/")  # sends the alerts the new needs queued
    db.session.expire_all()  # the request shares this session: nothing loaded beforehand
    with count_queries() as counter:
        page = client.get("/verwaltung/").get_data(as_text=True)
    assert counter.count == few
    assert "11 Mails konnten nicht zugestellt werden." in page
    assert _support(page).count("Unterlagen in Großdruck") == 10


def _support(page: str) -> str:
    return page.split('id="tasks-heading"')[1].split("</section>")[0]


def test_steering_sees_the_start_page_without_names(client, login):
    login("steering")
    seminar = factories.seminar("Mit Menschen")
    allocation.register(seminar.id, factories.applicant(7, last_name="Geheimname"), now=utcnow())
    db.session.commit()
    page = client.get("/verwaltung/").get_data(as_text=True)
    assert "Mit Menschen" in page and "Geheimname" not in page


def _seminar_with_needs(title: str, *, interpreting: int, other: int):
    seminar = factories.seminar(title, capacity=10, starts_in=timedelta(days=10))
    number = 100 * len(title)
    for index in range(max(interpreting, other)):
        allocation.register(
            seminar.id,
            factories.applicant(
                number + index,
                need_sign_language=index < interpreting,
                need_step_free=index < other,
            ),
            now=utcnow(),
        )
    db.session.commit()
    return seminar


def _row(page: str, title: str) -> list[str]:
    import re

    start = re.search(rf'<th scope="row">(<a href="[^"]*">)?{re.escape(title)}', page)
    row = page[start.end() :].split("</tr>")[0]
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


@pytest.fixture
def minimum_of_three(app):
    saved = app.config["SURVEY_MIN_RESPONSES"]
    app.config["SURVEY_MIN_RESPONSES"] = 3
    yield
    app.config["SURVEY_MIN_RESPONSES"] = saved


def test_steering_never_sees_a_need_counted_below_the_minimum(client, login, minimum_of_three):
    _seminar_with_needs("Eine Dolmetschung", interpreting=1, other=2)
    _seminar_with_needs("Viele Bedarfe", interpreting=3, other=4)
    _seminar_with_needs("Keine Bedarfe", interpreting=0, other=0)
    login("steering")
    page = client.get("/verwaltung/").get_data(as_text=True)
    one = _row(page, "Eine Dolmetschung")
    assert one[4] == "weniger als 3" and one[5] == "weniger als 3"
    assert _row(page, "Keine Bedarfe")[4:] == ["weniger als 3", "weniger als 3"]
    many = _row(page, "Viele Bedarfe")
    assert many[4].startswith("3 – buchen bis") and many[5] == "4"
    # The attention list names neither the one interpreter request nor its deadline.
    attention = page.split('id="attention-heading"')[1].split("</section>")[0]
    assert (
        "Eine Dolmetschung" not in attention
        or "Dolmetschung bis" not in attention.split("Eine Dolmetschung")[1].split("</li>")[0]
    )
    # The list of support to organise names the needs of seminars: staff only.
    assert 'id="tasks-heading"' not in page and "/verwaltung/unterstuetzung" not in page
    assert "Gebärdensprachdolmetschung" not in page and "Anfrage" not in page


def test_staff_keep_the_exact_needs_to_book_interpreters(client, login, minimum_of_three):
    _seminar_with_needs("Eine Dolmetschung", interpreting=1, other=2)
    login("staff")
    page = client.get("/verwaltung/").get_data(as_text=True)
    one = _row(page, "Eine Dolmetschung")
    assert one[4].startswith("1 – buchen bis") and one[5] == "2"
    assert "weniger als" not in page


def test_staff_reach_each_seminar_from_the_start_page_and_see_overdue_bookings(client, login):
    late = _seminar_with_needs("Zu spät gebucht", interpreting=1, other=0)
    in_time = factories.seminar("Rechtzeitig", starts_in=timedelta(days=40))
    factories.registration(in_time, commit=False).need_sign_language = True
    db.session.commit()
    login("staff")
    page = client.get("/verwaltung/").get_data(as_text=True)
    link = f'<a href="/verwaltung/seminare/{late.id}">Zu spät gebucht</a>'
    assert f'<th scope="row">{link}' in page
    assert _row(page, "Zu spät gebucht")[4].endswith("überfällig</strong>")
    assert "überfällig" not in _row(page, "Rechtzeitig")[4]
    support = _support(page)
    assert "überfällig" in support.split("Zu spät gebucht")[0].split("<li>")[-1]
    assert "Rechtzeitig" in support  # nobody is in charge yet
    assert "überfällig" not in support.split("Rechtzeitig")[0].split("<li>")[-1]
    task_id = db.session.scalar(select(ServiceTask.id).where(ServiceTask.seminar_id == late.id))
    assert f'href="/verwaltung/unterstuetzung/{task_id}"' in support


def test_a_booking_is_overdue_only_after_its_day(app):
    from datetime import date

    from seminars.backoffice.services import SeminarStatus

    status = SeminarStatus(
        seminar=None,
        starts_at=None,
        seats_taken=0,
        confirmed_waiting=0,
        unconfirmed=0,
        interpreting=1,
        other_needs=0,
        interpreter_deadline=date(2026, 3, 10),
    )
    assert not status.interpreters_overdue(date(2026, 3, 10))
    assert status.interpreters_overdue(date(2026, 3, 11))
    assert not replace(status, interpreter_deadline=None).interpreters_overdue(date(2026, 3, 11))
