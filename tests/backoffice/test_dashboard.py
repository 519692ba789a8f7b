from datetime import timedelta

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
    factories.seminar("Später", starts_in=timedelta(days=60))
    client.get("/verwaltung/")  # sends the mails the registrations above queued
    with count_queries() as counter:
        page = client.get("/verwaltung/").get_data(as_text=True)
    few = counter.count
    assert "Bald mit Dolmetschung" in page and "2 / 2 (100" in page
    assert "Dolmetschung bis" in page and "3 unbestätigte Anmeldungen" in page
    for _ in range(10):
        factories.fill(factories.seminar(), 2, waitlisted=1)
    with count_queries() as counter:
        client.get("/verwaltung/")
    assert counter.count == few


def test_steering_sees_the_start_page_without_names(client, login):
    login("steering")
    seminar = factories.seminar("Mit Menschen")
    allocation.register(seminar.id, factories.applicant(7, last_name="Geheimname"), now=utcnow())
    db.session.commit()
    page = client.get("/verwaltung/").get_data(as_text=True)
    assert "Mit Menschen" in page and "Geheimname" not in page
