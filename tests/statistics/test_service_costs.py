"""Accessibility services and their costs for the funder: what counts (provided services of
held seminars), how the cost is taken (actual, else planned), interpreting hours, and the
disclosure rule: the steering committee downloads the table under every filter, from the
page, the CSVs and the spreadsheet, and subtracts; a service only one person needed is never
recoverable."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from seminars.accessibility.models import ServiceTask
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import FORMAT_IN_PERSON, FORMAT_ONLINE, STATUS_CANCELLED
from seminars.statistics import services
from seminars.statistics.service_costs import ServiceFigures, publish
from tests import factories
from tests.statistics.disclosure_world import MINIMUM, build

HEADER = [
    "Jahr",
    "Themenbereich",
    "Leistung",
    "Anzahl Leistungen",
    "Termine gedolmetscht",
    "Stunden gedolmetscht",
    "Kosten (EUR)",
    "davon erst geplant (EUR)",
    "Leistungen ohne Kostenangabe",
]


def task(seminar_id, kind, status="booked", *, peak, planned=None, actual=None, sessions=1,
         minutes=360):  # fmt: skip
    item = ServiceTask(
        seminar_id=seminar_id,
        kind=kind,
        status=status,
        people=0,
        waiting=0,
        peak_people=peak,
        sessions=sessions,
        minutes=minutes,
        planned_cost_cents=planned,
        actual_cost_cents=actual,
    )
    db.session.add(item)
    return item


def held(title, **fields):
    return factories.seminar(title, starts_in=timedelta(days=-20), **fields)


def one_year():
    """One held year of group leadership: hand-countable figures."""
    first, second, third = held("Eins", sessions=2, hours=3), held("Zwei"), held("Drei")
    task(first.id, "sign_language", "booked", peak=3, planned=100_000, actual=110_000,
         sessions=2, minutes=360)  # fmt: skip
    task(second.id, "sign_language", "confirmed", peak=3, planned=50_000, sessions=1, minutes=240)
    task(second.id, "speech_to_text", "requested", peak=2, planned=30_000)  # not provided
    task(third.id, "large_print", "booked", peak=3, sessions=1, minutes=360)  # no cost given
    task(third.id, "braille", "not_needed", peak=3, planned=9_900)  # not provided
    gone = held("Abgesagt", status=STATUS_CANCELLED)
    task(gone.id, "sign_language", "booked", peak=3, planned=80_000)
    ahead = factories.seminar("Kommt noch", starts_in=timedelta(days=30))
    task(ahead.id, "sign_language", "booked", peak=3, planned=70_000)
    db.session.commit()
    return first


def test_figures_match_a_hand_count(app):
    one_year()
    table = services.services_of(services.Filters(), now=utcnow())
    assert table.offered and not table.left_out
    [year] = table.years
    assert year.year == (utcnow() - timedelta(days=20)).year
    rows = {(row.topic.key if row.topic else None, row.kind): row for row in year.rows}
    assert set(rows) == {("gruppenleitung", "sign_language"), ("gruppenleitung", "large_print")}
    sign = rows[("gruppenleitung", "sign_language")].figures
    # Booked and confirmed count; the actual cost where entered, else the planned one.
    assert (sign.services, sign.people, sign.sessions, sign.hours) == (2, 6, 3, 10.0)
    assert (sign.cost_cents, sign.planned_only_cents, sign.unpriced) == (160_000, 50_000, 0)
    assert sign.split_shown  # actual part: 3 people, planned part: 3
    large = rows[("gruppenleitung", "large_print")]
    assert not large.interpreting
    # Sessions and hours only for interpreting; a service without any cost is said.
    assert (large.figures.services, large.figures.sessions, large.figures.minutes) == (1, 0, 0)
    assert (large.figures.cost_cents, large.figures.unpriced) == (0, 1)
    assert (year.total.services, year.total.sessions, year.total.cost_cents) == (3, 3, 160_000)
    assert year.kind_totals == []  # one topic per kind: no subtotal repeats a row
    assert table.total.cost_cents == 160_000


def test_format_and_seminar_filters_get_no_table_topic_filter_picks_rows(app):
    first = one_year()
    now = utcnow()
    assert not services.services_of(services.Filters(format=FORMAT_ONLINE), now=now).offered
    assert not services.services_of(services.Filters(seminar_id=first.id), now=now).offered
    mine = services.services_of(services.Filters(topic="gruppenleitung"), now=now)
    assert mine.total.cost_cents == 160_000
    assert services.services_of(services.Filters(topic="recht"), now=now).empty


def _cells(**per_topic):
    return {topic_id: ServiceFigures(services=1, people=people, cost_cents=cost)
            for topic_id, (people, cost) in per_topic.items()}  # fmt: skip


def test_small_topics_join_other_topics_and_the_smallest_shown_one_too(app):
    from seminars.programme.models import Topic

    topics = {topic.id: topic for topic in db.session.query(Topic)}
    a, b, c = sorted(topics)[:3]
    # a: 1 person, b: 5, c: 4 -> a alone is too small; with c (smallest shown) it is 5.
    cells = {2026: {"sign_language": {a: ServiceFigures(1, 1, 0, 0, 77_777),
                                      b: ServiceFigures(1, 5, 0, 0, 10_000),
                                      c: ServiceFigures(1, 4, 0, 0, 20_000)}}}  # fmt: skip
    table = publish(cells, topics, MINIMUM)
    [year] = table.years
    shown = {(row.topic.id if row.topic else None): row.figures.cost_cents for row in year.rows}
    assert shown == {b: 10_000, None: 97_777}
    assert year.total.cost_cents == 107_777
    # Everything below the minimum together: nothing of it is published.
    tiny = {2026: {"braille": {a: ServiceFigures(1, 1, 0, 0, 500),
                               b: ServiceFigures(1, 1, 0, 0, 600)}}}  # fmt: skip
    nothing = publish(tiny, topics, MINIMUM)
    assert nothing.empty and nothing.left_out


# The attack ----------------------------------------------------------------------------------

# Costs only one person's need caused (in cents): they must never be recoverable.
SECRETS = {77_777, 3_333, 11_111}


@pytest.fixture
def world(app, client, login):
    seminars = build()
    s = {name: held.id for name, held in seminars.items()}
    # The earlier year: A's speech-to-text is one person's; B's serves four.
    task(s["A"], "speech_to_text", peak=1, actual=77_777, sessions=1, minutes=360)
    task(s["B"], "speech_to_text", peak=4, planned=50_000, sessions=1, minutes=360)
    task(s["E"], "sign_language", peak=3, planned=100_000, actual=90_000)
    task(s["E"], "large_print", "open", peak=1, planned=4_400)  # not provided
    # The later year: C's large print and sign language are one person's each.
    task(s["C"], "large_print", peak=1, actual=3_333)
    task(s["D"], "large_print", peak=1, planned=5_000)
    task(s["C"], "sign_language", peak=1, actual=11_111, sessions=1, minutes=120)
    task(s["D"], "sign_language", peak=5, actual=90_000, sessions=1, minutes=360)
    task(s["F"], "sign_language", "confirmed", peak=2, planned=40_000, sessions=1, minutes=120)
    db.session.commit()
    login("steering")
    return seminars


EURO = re.compile(r"(\d{1,3}(?:\.\d{3})*,\d{2})(?:&nbsp;|\u00a0| )€")


def _cents(text: str) -> int:
    return int(Decimal(text.replace(".", "").replace(",", ".")) * 100)


def _csv_costs(body: str) -> list[int]:
    rows = csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")
    found = []
    in_services = False
    for row in rows:
        if row[:1] == ["Jahr"] and "Kosten (EUR)" in row:
            in_services = True
            continue
        if in_services and len(row) == len(HEADER):
            found += [_cents(cell) for cell in row[6:8] if re.fullmatch(r"\d+,\d\d", cell)]
    return found


def download_everything(client, seminars) -> list[list[int]]:
    """Every cost figure the role can obtain, per download, under every filter combination."""
    years = sorted({s.year for s in seminars.values()})
    downloads = []
    for year, topic, fmt, seminar_id in itertools.product(
        [None, *years],
        [None, "gruppenleitung", "recht"],
        [None, FORMAT_IN_PERSON, FORMAT_ONLINE],
        [None, *(s.id for s in seminars.values())],
    ):
        query = {
            k: v
            for k, v in {"year": year, "topic": topic, "format": fmt, "seminar": seminar_id}.items()
            if v is not None
        }
        for url in ("/verwaltung/statistik/leistungen.csv", "/verwaltung/statistik.csv"):
            response = client.get(url, query_string=query)
            assert response.status_code == 200
            downloads.append(_csv_costs(response.get_data(as_text=True)))
        if seminar_id is None:  # the page: every filter it offers
            page = client.get("/verwaltung/statistik", query_string=query).get_data(as_text=True)
            section = page.split('id="services-heading"', 1)[1].split("</section>", 1)[0]
            downloads.append([_cents(m) for m in EURO.findall(section)])
    return downloads


def recovered(downloads: list[list[int]]) -> set[int]:
    """The secrets found as a figure or as the difference of any two figures."""
    figures = {value for found in downloads for value in found}
    differences = {abs(a - b) for a, b in itertools.combinations(figures, 2)}
    return SECRETS & (figures | differences)


def test_a_single_persons_service_is_not_recoverable_from_page_or_csv(client, world):
    downloads = download_everything(client, world)
    assert any(downloads)  # there are figures to attack
    assert recovered(downloads) == set()
    # The year total minus the shown topic rows is an "other topics" row of at least 3.
    body = client.get("/verwaltung/statistik/leistungen.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    earlier = min(s.year for s in world.values())
    speech = [r for r in rows if r[0] == str(earlier) and r[2] == "Schriftdolmetschung"]
    # The planned part (4 people) would leave the actual part of one person: only marked.
    assert speech == [
        [str(earlier), "Andere Themenbereiche", "Schriftdolmetschung", "2", "2", "12,0",
         "1277,77", "enthalten*", ""],
    ]  # fmt: skip
    assert rows[-2][0].startswith("* Ein Teil der Kosten ist erst geplant")
    assert rows[-1] == [
        "Leistungen, die in einem Jahr insgesamt weniger als 3 Personen brauchten, sind nicht "
        "enthalten."
    ]


def test_the_attack_wins_against_unprotected_figures(app, client, world):
    """The check above can fail: without the rule it finds every secret at once."""
    app.config["SURVEY_MIN_RESPONSES"] = 1
    try:
        downloads = download_everything(client, world)
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = MINIMUM
    assert recovered(downloads) == SECRETS


def test_the_xlsx_holds_the_same_published_rows(client, world):
    from openpyxl import load_workbook

    response = client.get("/verwaltung/statistik.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Leistungen und Kosten"]
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    costs = {round(row[6] * 100) for row in values if isinstance(row[6], float | int)}
    assert not costs & SECRETS
    assert 127_777 in costs


# The pages and files -------------------------------------------------------------------------


def test_csv_is_german_with_euros(client, login):
    one_year()
    login("staff")
    response = client.get("/verwaltung/statistik/leistungen.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "leistungen-kosten.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))  # fmt: skip
    assert rows[0] == HEADER
    year = rows[1][0]
    assert rows[1:] == [
        [year, "Gruppenleitung und Gruppenarbeit", "Gebärdensprachdolmetschung (DGS)", "2", "3",
         "10,0", "1600,00", "500,00", "0"],
        [year, "Gruppenleitung und Gruppenarbeit", "Unterlagen in Großdruck", "1", "", "", "0,00",
         "0,00", "1"],
        [year, "Alle Themenbereiche", "Alle Leistungen", "3", "3", "10,0", "1600,00", "500,00",
         "1"],
    ]  # fmt: skip


def test_page_and_report_show_the_costs_in_german_format(client, login):
    one_year()
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    section = page.split('id="services-heading"', 1)[1].split("</section>", 1)[0]
    assert "1.600,00&nbsp;€" in section
    assert "500,00&nbsp;€" in section
    assert "10,0" in section
    assert 'role="region"' in section
    assert "/verwaltung/statistik/leistungen.csv" in section
    english = client.get("/verwaltung/statistik?lang=en")
    assert english.status_code == 200
    report = client.get("/verwaltung/statistik/bericht.pdf")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")


def test_steering_may_download_the_csv_nobody_anonymous(client, login):
    one_year()
    assert client.get("/verwaltung/statistik/leistungen.csv").status_code == 302
    login("steering")
    assert client.get("/verwaltung/statistik/leistungen.csv").status_code == 200


def test_filters_without_the_table_say_why(client, login):
    first = one_year()
    login("steering")
    body = client.get(
        "/verwaltung/statistik/leistungen.csv", query_string={"seminar": first.id}
    ).get_data(as_text=True)
    assert "nur für ganze Jahre" in body
    assert "1600" not in body
