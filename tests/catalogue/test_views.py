from datetime import timedelta

import pytest

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import FORMAT_ONLINE, STATUS_CANCELLED, STATUS_DRAFT
from tests import factories


def text(response) -> str:
    return response.get_data(as_text=True)


def test_catalogue_shows_upcoming_seminars_with_facts(client):
    item = factories.seminar("Gruppen leiten", capacity=12, town="Jena")
    factories.fill(item, 4)
    factories.seminar("Online lernen", seminar_format=FORMAT_ONLINE, capacity=2)
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="de">' in page
    assert "Gruppen leiten" in page and "Jena" in page
    assert "Noch 8 Plätze frei" in page
    assert "Online lernen" in page and "Online" in page
    assert "2 Seminare gefunden" in page
    assert f'href="/seminare/{item.id}"' in page


def test_catalogue_page_has_landmarks_skip_link_and_labels(client):
    factories.seminar()
    page = text(client.get("/"))
    assert 'class="skip-link" href="#inhalt"' in page
    assert '<main id="inhalt"' in page and "<header" in page and "<footer" in page
    assert page.count("<h1>") == 1
    for control in ("q", "topic", "format", "month", "town", "free"):
        assert f'for="{control}"' in page and f'id="{control}"' in page


def test_catalogue_explains_nonsense_filters_instead_of_failing(client):
    factories.seminar("Bleibt sichtbar")
    response = client.get(
        "/?topic=%00%ff&format=zirkus&month=nie&page=abc&free=vielleicht&town=" + "x" * 5000
    )
    assert response.status_code == 200
    page = text(response)
    assert "Nicht alle Filter konnten angewendet werden" in page
    assert "Bleibt sichtbar" in page


@pytest.mark.parametrize(
    "query",
    [
        "?page=999999999999",
        "?q=%25%27%22%3C%3E",
        "?month=2027-02&month=2027-03",
        "?q=" + "ä" * 300,
        "?town=&topic=&format=",
        "?free=1&free=0",
    ],
)
def test_odd_queries_never_fail(client, query):
    factories.seminar()
    assert client.get("/" + query).status_code == 200
    assert client.get("/archiv" + query).status_code == 200


def test_filters_through_the_query_string(client):
    factories.seminar("Recht", topic_key="recht")
    factories.seminar("Gruppe")
    page = text(client.get("/?topic=recht"))
    assert "Recht" in page and "Gruppe<" not in page and "1 Seminar gefunden" in page
    assert '<option value="recht" selected>' in page


def test_pagination_links_keep_filters(client, app):
    app.config["CATALOGUE_PAGE_SIZE"] = 2
    try:
        for day in range(1, 6):
            factories.seminar(f"Recht {day}", topic_key="recht", starts_in=timedelta(days=day))
        page = text(client.get("/?topic=recht&page=2"))
        assert "Seite 2 von 3" in page
        assert 'href="/?topic=recht&amp;page=3" rel="next"' in page
        assert 'href="/?topic=recht" rel="prev"' in page
        assert "Recht 3" in page and "Recht 1" not in page
    finally:
        app.config["CATALOGUE_PAGE_SIZE"] = 20


def test_archive_shows_past_seminars(client):
    factories.seminar("Damals", starts_in=timedelta(days=-10))
    factories.seminar("Demnächst")
    page = text(client.get("/archiv"))
    assert "Damals" in page and "Demnächst" not in page


def test_detail_page(client):
    item = factories.seminar(
        "Datenschutz",
        description="## Inhalte\n\n- Fotos\n- Listen\n\n<script>alert(1)</script>",
        instructors=["Thomas Reichelt"],
        sessions=2,
        teaching_units=8,
        # In the morning, so that no session runs past midnight whatever time the test runs.
        starts_at=(utcnow() + timedelta(days=30)).replace(hour=7, minute=0, second=0),
    )
    page = text(client.get(f"/seminare/{item.id}"))
    assert "<h1>Datenschutz</h1>" in page
    assert "<h3>Inhalte</h3>" in page and "<li>Fotos</li>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "Thomas Reichelt" in page
    assert "Kostenfrei für Ehrenamtliche aus Selbsthilfegruppen" in page
    assert "Stufenlos erreichbar" in page and "Aufzug vorhanden." in page
    assert "8 Unterrichtseinheiten" in page
    assert page.count(" Uhr</li>") == 2 and '<h2 id="dates-heading">Termine</h2>' in page
    assert 'id="anmeldung"' in page
    assert f'href="/seminare/{item.id}.ics"' in page


def test_detail_never_shows_the_meeting_link(client):
    item = factories.seminar(
        seminar_format=FORMAT_ONLINE, meeting_url="https://meet.example/geheim"
    )
    page = text(client.get(f"/seminare/{item.id}"))
    assert "geheim" not in page
    assert "findet online statt" in page


def test_cancelled_seminar_says_so(client):
    item = factories.seminar(status=STATUS_CANCELLED)
    page = text(client.get(f"/seminare/{item.id}"))
    assert "Dieses Seminar wurde abgesagt." in page


@pytest.mark.parametrize(
    "path",
    ["/seminare/999999", "/seminare/99999999999999999999", "/seminare/abc", "/gibt-es-nicht"],
)
def test_unknown_pages_give_a_german_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = text(response)
    assert "Seite nicht gefunden" in page and '<html lang="de">' in page


def test_draft_page_is_not_found(client):
    item = factories.seminar(status=STATUS_DRAFT)
    assert client.get(f"/seminare/{item.id}").status_code == 404


def test_wrong_method_is_explained(client):
    response = client.post("/seminare/1")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    page = text(response)
    assert "Bitte nutzen Sie die Links und Formulare auf unseren Seiten." in page
    assert '<html lang="de">' in page


@pytest.mark.parametrize("path", ["/", "/archiv", "/api/v1/seminars", "/seminare.ics"])
def test_list_pages_run_a_constant_number_of_queries(client, count_queries, path):
    def measure() -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    factories.seminar(starts_in=timedelta(days=-3) if path == "/archiv" else timedelta(days=3))
    few = measure()
    for number in range(15):
        days = -number - 5 if path == "/archiv" else number + 5
        item = factories.seminar(
            starts_in=timedelta(days=days), sessions=2, instructors=[f"Person {number}"]
        )
        factories.fill(item, 2, waitlisted=1)
    many = measure()
    assert many == few
    assert many <= 6


def test_catalogue_cache_serves_fresh_enough_pages(client, app, count_queries):
    item = factories.seminar("Gecacht", capacity=5)
    app.config["CATALOGUE_CACHE_SECONDS"] = 60
    try:
        assert "Noch 5 Plätze frei" in text(client.get("/"))
        factories.fill(item, 1)
        with count_queries() as counter:
            cached = text(client.get("/"))
        assert counter.count == 0 and "Noch 5 Plätze frei" in cached
        # Another query string is another page.
        assert "Noch 4 Plätze frei" in text(client.get("/?q=Gecacht"))
    finally:
        app.config["CATALOGUE_CACHE_SECONDS"] = 0
    assert "Noch 4 Plätze frei" in text(client.get("/"))


def test_cache_expires(client, app, monkeypatch):
    import seminars.catalogue.page_cache as cache_module

    item = factories.seminar("Gecacht", capacity=5)
    app.config["CATALOGUE_CACHE_SECONDS"] = 3
    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    try:
        client.get("/")
        factories.fill(item, 1)
        clock[0] += 2.9
        assert "Noch 5 Plätze frei" in text(client.get("/"))
        clock[0] += 0.2
        assert "Noch 4 Plätze frei" in text(client.get("/"))
    finally:
        app.config["CATALOGUE_CACHE_SECONDS"] = 0


def test_healthz_and_robots(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"
    assert client.get("/robots.txt").mimetype == "text/plain"


def test_healthz_reports_an_unreachable_database(app):
    from seminars import create_app

    broken = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    db.session.remove()


def test_times_are_shown_in_berlin_time(client):
    from datetime import UTC, datetime

    # 22:30 UTC on 31 March 2027 is 00:30 on 1 April in Berlin (summer time).
    item = factories.seminar(starts_at=datetime(2027, 3, 31, 22, 30, tzinfo=UTC), hours=2)
    page = text(client.get(f"/seminare/{item.id}"))
    assert "Donnerstag, 1. April 2027, 00:30 bis 02:30 Uhr" in page


def test_month_filter_offers_only_months_with_upcoming_seminars(client):
    from seminars.core.timezone import berlin_date

    factories.seminar("Bald", starts_in=timedelta(days=3))
    factories.seminar("Entwurf", starts_in=timedelta(days=200), status=STATUS_DRAFT)
    factories.seminar("Vorbei", starts_in=timedelta(days=-200))
    month = berlin_date(utcnow().replace(microsecond=0) + timedelta(days=3))
    page = text(client.get("/"))
    options = page.split('<select id="month" name="month">')[1].split("</select>")[0]
    assert options.count("<option") == 2  # "Alle Monate" and the one month with a seminar
    assert f'value="{month:%Y-%m}"' in options
    archive = text(client.get("/archiv"))
    past = archive.split('<select id="month" name="month">')[1].split("</select>")[0]
    assert past.count("<option") == 2 and f'value="{month:%Y-%m}"' not in past


def test_favicon_is_served_cacheable_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon" and icon.data[:4] == b"\x00\x00\x01\x00"
    assert "max-age=86400" in icon.headers["Cache-Control"]
    assert "no-store" not in icon.headers["Cache-Control"]
    page = text(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
