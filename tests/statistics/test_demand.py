"""Demand figures: a hand-counted world, the minimum rule (small cells hidden, no total minus
shown rows and no "offered minus took" about fewer than the minimum), access and queries."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from sqlalchemy import select

from seminars.extensions import db
from seminars.interest.models import InterestSubscription
from seminars.programme.models import FORMAT_HYBRID, FORMAT_IN_PERSON
from seminars.registrations.models import Registration
from seminars.statistics import demand
from seminars.statistics.demand_labels import figure_text
from seminars.statistics.disclosure import publish_parts, safe_parts
from tests import factories
from tests.statistics.demand_world import NOW, build_world, offer, start, subscribe

MEASURES = ["waited", "joined", "offered", "took"]
LESS = "weniger als 3"
POOLED = "zusammengefasst"


def tables(figures) -> dict[str, dict[str, list]]:
    """{dimension: {row label: [the four figures as shown]}}."""
    shown = {}
    for table in figures.tables:
        rows = [*table.rows, *([table.pooled] if table.pooled else []), table.total]
        shown[table.dimension] = {
            row.label: [figure_text(row.figures[m], figures.minimum) for m in MEASURES]
            for row in rows
        }
    return shown


def figures_of(app, year):
    with app.test_request_context():
        return demand.demand(year, now=NOW, locale="de")


def test_2025_matches_a_hand_count(app):
    build_world()
    with app.test_request_context():
        result = tables(demand.demand(2025, now=NOW, locale="de"))
    assert result["topic"] == {
        # 5 still waiting (p1 counted once), 3 moved.
        "Gruppenleitung und Gruppenarbeit": [8, 0, 0, 0],
        "Rechtliche Grundlagen": [4, 0, 0, 0],
        "Zusammen": [12, 0, 0, 0],
    }
    assert result["county"] == {
        "Erfurt (Stadt)": [3, 0, 0, 0],
        # 1 still waiting and 3 moved: the part "still waiting" is below the minimum.
        "Gotha": [POOLED, 0, 0, 0],
        "Jena (Stadt)": [LESS, 0, 0, 0],
        "Leipzig (Stadt)": [LESS, 0, 0, 0],
        "ohne Angabe": [3, 0, 0, 0],
        "Übrige (zusammengefasst)": [6, 0, 0, 0],
        "Zusammen": [12, 0, 0, 0],
    }
    assert result["format"] == {
        "Präsenzseminar": [8, 0, 0, 0],
        "Online-Seminar": [4, 0, 0, 0],
        "Zusammen": [12, 0, 0, 0],
    }


def test_2026_matches_a_hand_count(app):
    build_world()
    with app.test_request_context():
        result = tables(demand.demand(2026, now=NOW, locale="de"))
    # Offers per topic (took from waitlist, took from interest list, did not take):
    # group leadership (3, 3, 3), media (0, 3, 3), law (0, 1, 1). Law is not safe; the
    # pooled row with it alone neither, so media (the smaller shown row) joins it.
    assert result["topic"] == {
        "Gruppenleitung und Gruppenarbeit": [0, 7, 9, 6],
        "Rechtliche Grundlagen": [0, 3, LESS, LESS],
        "Methoden- und Medienkompetenz": [0, 0, POOLED, POOLED],
        "Übrige (zusammengefasst)": [0, 0, 8, 4],
        "Zusammen": [0, 10, 17, 10],
    }
    assert result["county"] == {
        "Erfurt (Stadt)": [0, 7, POOLED, POOLED],
        "Gotha": [0, 0, POOLED, POOLED],
        "Weimar (Stadt)": [0, 0, 6, 3],
        "überall (kein Landkreis gewählt)": [0, 3, 0, 0],
        "ohne Angabe": [0, 0, LESS, LESS],
        "Übrige (zusammengefasst)": [0, 0, 11, 7],
        "Zusammen": [0, 10, 17, 10],
    }
    # Interest lists by format: any 5, in person 3 (the seminar's), online 2: online is
    # below the minimum, so in person joins it.
    assert result["format"] == {
        "Präsenzseminar": [0, POOLED, 9, 6],
        "Online-Seminar": [0, LESS, LESS, LESS],
        "Hybrid (vor Ort oder online)": [0, 0, POOLED, POOLED],
        "jede Form (keine gewählt)": [0, 5, 0, 0],
        "Übrige (zusammengefasst)": [0, 5, 8, 4],
        "Zusammen": [0, 10, 17, 10],
    }


def test_all_years_add_up_what_each_year_published(app):
    build_world()
    with app.test_request_context():
        figures = demand.demand(None, now=NOW, locale="de")
        result = tables(figures)
    assert figures.years == [2026, 2025]
    assert result["topic"]["Gruppenleitung und Gruppenarbeit"] == [8, 7, 9, 6]
    assert result["topic"]["Zusammen"] == [12, 10, 17, 10]
    assert result["county"]["Erfurt (Stadt)"] == [3, 7, POOLED, POOLED]
    assert result["county"]["Übrige (zusammengefasst)"] == [6, 0, 11, 7]


def _number(text) -> int | None:
    return text if isinstance(text, int) else None


@pytest.mark.parametrize("year", [2025, 2026, None])
def test_no_total_minus_shown_rows_isolates_fewer_than_the_minimum(app, year):
    """The subtraction attack: the total minus any selection of shown rows, and "offered"
    minus "took" in every row, is 0 or at least the minimum."""
    build_world()
    with app.test_request_context():
        result = tables(demand.demand(year, now=NOW, locale="de"))
    for dimension, rows in result.items():
        total = rows.pop("Zusammen")
        for index in range(4):
            shown = [
                _number(row[index])
                for row in rows.values()
                if _number(row[index]) is not None and _number(row[index])
            ]
            if _number(total[index]) is None:
                continue
            for size in range(len(shown) + 1):
                for picked in itertools.combinations(shown, size):
                    rest = total[index] - sum(picked)
                    assert rest == 0 or rest >= 3, (dimension, index, picked, rest)
        for label, row in [*rows.items(), ("Zusammen", total)]:
            for value in row:
                assert _number(value) is None or value == 0 or value >= 3, (dimension, label)
            offered, took = _number(row[2]), _number(row[3])
            if offered is not None and took is not None:
                assert offered - took == 0 or offered - took >= 3, (dimension, label)


def test_publish_parts_pools_unsafe_and_smallest_rows():
    cells = {"a": (3, 3, 3), "b": (0, 3, 3), "c": (0, 1, 1), None: (0, 0, 0)}
    published = publish_parts(cells, 3)
    assert published.shown == {"a"} and published.pooled == (0, 4, 4)
    assert not publish_parts({"a": (2, 0)}, 3).shown and publish_parts({"a": (2, 0)}, 3).withheld
    assert safe_parts((3, 0), 3) and not safe_parts((3, 1), 3) and not safe_parts((0, 0), 3)


def test_page_for_steering_shows_figures_but_nothing_personal(client, login):
    s1 = build_world()
    login("steering")
    response = client.get("/verwaltung/statistik/nachfrage?year=2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Neuer Termin angeboten" in page and "Vergeblich gewartet" in page
    assert LESS in page and "Übrige (zusammengefasst)" in page
    exported = client.get("/verwaltung/statistik/nachfrage.csv?year=2026")
    text = exported.get_data(as_text=True).lstrip("\ufeff")
    personal = [
        *db.session.scalars(select(Registration.email).where(Registration.email != "")),
        *db.session.scalars(select(Registration.last_name)),
        *db.session.scalars(
            select(InterestSubscription.email).where(InterestSubscription.email != "")
        ),
        s1.title,
    ]
    assert len(personal) > 40
    for word in personal:
        assert word not in page and word not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Themenbereich", "Gruppenleitung und Gruppenarbeit", "0", "7", "9", "6"] in rows
    assert ["Themenbereich", "Rechtliche Grundlagen", "0", "3", LESS, LESS] in rows


def test_access(client, login):
    response = client.get("/verwaltung/statistik/nachfrage")
    assert response.status_code == 302 and "/verwaltung/anmelden" in response.headers["Location"]
    response = client.get("/verwaltung/statistik/nachfrage.csv")
    assert response.status_code == 302 and "/verwaltung/anmelden" in response.headers["Location"]
    login("steering")
    assert client.get("/verwaltung/statistik/nachfrage").status_code == 200
    assert client.get("/verwaltung/statistik/nachfrage.csv").status_code == 200


@pytest.mark.parametrize("junk", ["abc", "-1", "99999999999999999999", "2025.5", "٢٠٢٥", "0"])
def test_junk_year_is_no_error(client, login, junk):
    login("staff")
    assert client.get(f"/verwaltung/statistik/nachfrage?year={junk}").status_code == 200
    assert client.get(f"/verwaltung/statistik/nachfrage.csv?year={junk}").status_code == 200


def test_query_count_does_not_grow_with_the_data(client, login, count_queries):
    login("staff")
    build_world()

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/verwaltung/statistik/nachfrage").status_code == 200
        return len(counter.statements)

    few = statements()
    build_world(copy=1)
    # More rows too: new topics, counties and formats.
    more = factories.seminar(
        "Mehr",
        starts_at=start(2024, 4, 1),
        topic_key="oeffentlichkeitsarbeit",
        town=None,
        seminar_format=FORMAT_HYBRID,
    )
    for county in ("th-suhl", "th-gera", "th-gotha", "sn-bautzen", "th-sonneberg"):
        factories.registration(more, status="waitlisted", county=county)
    care = factories.topic("selbstfuersorge").id
    for number, county in enumerate(("th-suhl", "th-gera", "sn-bautzen")):
        subscribe(500 + number, topic_id=care, region=county)
    db.session.commit()
    assert statements() == few


def test_overview_links_the_demand_page_and_new_dates_for_staff_only(app, client, login):
    from flask import url_for

    from seminars.statistics.views import NEW_DATE_ENDPOINT

    seminar = factories.seminar("Übervoll", starts_at=start(2025, 5, 10))
    factories.fill(seminar, 1, waitlisted=3)
    waiting = seminar.id
    db.session.execute(
        db.text("UPDATE registration SET confirmed_at = created_at WHERE seminar_id = :s"),
        {"s": waiting},
    )
    db.session.commit()
    with app.test_request_context():
        link = url_for(NEW_DATE_ENDPOINT, seminar_id=waiting)

    def candidates() -> str:
        page = client.get("/verwaltung/statistik").get_data(as_text=True)
        assert "/verwaltung/statistik/nachfrage" in page
        return page.split('id="overflow-heading"')[1].split("</section>")[0]

    login("staff")
    named = candidates()
    assert "Übervoll" in named and f'href="{link}"' in named
    client.get("/verwaltung/abmelden")
    login("steering")
    named = candidates()
    assert "Übervoll" in named and link not in named


def test_moved_means_took_the_new_date(app):
    """Someone offered a new date who declined stays on the old waitlist: counted as still
    waiting, not as moved."""
    s1 = factories.seminar("Alt", starts_at=start(2025, 5, 10), topic_key="recht")
    n1 = factories.seminar("Neu", starts_at=start(2026, 1, 10), repeat_of_id=s1.id)
    olds = [factories.registration(s1, status="waitlisted", county="th-gotha") for _ in range(3)]
    for old in olds:
        offer(n1, "th-gotha", status="cancelled", moved_from=old)
    db.session.commit()
    with app.test_request_context():
        cells = demand._cells(NOW)
    recht = factories.topic("recht").id
    assert cells[2025][(recht, "th-gotha", FORMAT_IN_PERSON)][:2] == [3, 0]


def test_a_year_too_small_to_show_is_left_out_of_all_years(app):
    build_world()
    lonely = factories.seminar("Einsam", starts_at=start(2024, 4, 1), topic_key="recht")
    factories.registration(lonely, status="waitlisted", county="th-suhl")
    care = factories.topic("selbstfuersorge").id
    for number, county in enumerate(("th-suhl", "th-suhl", "th-gera", "th-gera", "th-gera")):
        subscribe(900 + number, topic_id=care, region=county).confirmed_at = start(2024, 2, 1)
    db.session.commit()
    with app.test_request_context():
        year = demand.demand(2024, now=NOW, locale="de")
        every = demand.demand(None, now=NOW, locale="de")
        assert tables(year)["topic"] == {
            "Rechtliche Grundlagen": [LESS, 0, 0, 0],
            "Selbstfürsorge im Ehrenamt": [0, 5, 0, 0],
            "Zusammen": [LESS, 5, 0, 0],
        }
        # Suhl (2) is below the minimum, so Gera (3) joins it; the waiting person counts in
        # no shown figure, and the pooled row says so instead of 0.
        assert tables(year)["county"] == {
            "Gera (Stadt)": [0, POOLED, 0, 0],
            "Suhl (Stadt)": [LESS, LESS, 0, 0],
            "Übrige (zusammengefasst)": [LESS, 5, 0, 0],
            "Zusammen": [LESS, 5, 0, 0],
        }
        # All years count what each year published: 2024 published no waiting person.
        assert tables(every)["topic"]["Zusammen"] == [12, 15, 17, 10]
        # Its one person counts nowhere; the row says so with a star.
        assert tables(every)["topic"]["Rechtliche Grundlagen"] == ["4 *", 3, LESS, LESS]
        assert every.partial
    assert every.years_left_out == 1 and 2024 in every.years
