"""The statistics as files (CSV, XLSX) and the page's wording: question texts, not keys;
numbers as spreadsheet programs read them; the seminar filter offers held seminars only."""

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from seminars.programme.models import STATUS_CANCELLED, STATUS_DRAFT
from tests import factories
from tests.statistics.test_statistics import small_fixture

OVERALL_DE = "Wie zufrieden sind Sie insgesamt mit dem Seminar?"
OVERALL_EN = "How satisfied are you with the seminar overall?"


def _csv_rows(response, delimiter=";") -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_csv_is_as_german_excel_reads_it(client, login):
    small_fixture()
    login("steering")
    response = client.get("/verwaltung/statistik.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(response)
    # Shares in per cent with a decimal comma, the label says "(%)".
    assert ["Auslastung (%)", "75,0"] in rows
    assert ["Nicht erschienen (%)", "33,3"] in rows
    assert ["Rücklaufquote (Seminare mit mindestens 3 Antworten) (%)", "80,0"] in rows
    # Questions by their wording, means with a decimal comma.
    assert [OVERALL_DE, "4 – gut", "2", "3,75", "4", "0"] in rows
    year = next(
        row[2] for row in rows if row[:2] == ["Gruppenleitung und Gruppenarbeit", OVERALL_DE]
    )
    assert ["Gruppenleitung und Gruppenarbeit", OVERALL_DE, year, "3,75", "4"] in rows
    assert not any("overall" in cell for row in rows for cell in row)


def test_csv_in_english_uses_commas_and_decimal_points(client, login):
    small_fixture()
    login("steering")
    client.set_cookie("lang", "en")
    rows = _csv_rows(client.get("/verwaltung/statistik.csv"), delimiter=",")
    assert ["Fill rate (%)", "75.0"] in rows
    assert [OVERALL_EN, "4 – good", "2", "3.75", "4", "0"] in rows
    assert any(row[1:2] == [OVERALL_EN] and row[3:] == ["3.75", "4"] for row in rows)


def test_xlsx_holds_real_numbers_with_formats(client, login):
    small_fixture()
    login("steering")
    response = client.get("/verwaltung/statistik.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="statistik.xlsx"'
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Kennzahlen",
        "Befragung",
        "Landkreise",
        "Warteliste",
        "Jahre",
        "Leistungen und Kosten",
    ]
    headline = workbook["Kennzahlen"]
    fill = next(row for row in headline.iter_rows(min_row=2) if row[0].value == "Auslastung (%)")
    assert fill[1].value == 0.75 and fill[1].number_format == "0.0%"
    survey = workbook["Befragung"]
    good = next(row for row in survey.iter_rows(min_row=2) if row[1].value == "4 – gut")
    assert [cell.value for cell in good] == [OVERALL_DE, "4 – gut", 2, 3.75, 4, 0]
    assert good[3].number_format == "0.00"
    years = workbook["Jahre"]
    assert years["B2"].value == OVERALL_DE and years["D2"].value == 3.75
    for sheet in workbook:
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert survey.column_dimensions["A"].width > len(OVERALL_DE)


def test_xlsx_withholds_what_the_csv_withholds(app, client, login):
    small_fixture()
    login("steering")
    app.config["SURVEY_MIN_RESPONSES"] = 5
    try:
        response = client.get("/verwaltung/statistik.xlsx")
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = 3
    workbook = load_workbook(io.BytesIO(response.data))
    survey = list(workbook["Befragung"].iter_rows(values_only=True))
    assert all(row[1:5] == ("nicht genug Antworten", None, None, None) for row in survey[1:])
    assert workbook["Jahre"].max_row == 1  # the header only
    headline = {row[0]: row[1] for row in workbook["Kennzahlen"].iter_rows(values_only=True)}
    assert headline["Rücklaufquote (Seminare mit mindestens 5 Antworten) (%)"] == (
        "zu wenige Antworten"
    )


def test_page_names_questions_in_the_year_comparison(client, login):
    small_fixture()
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert f"<td>{OVERALL_DE}</td>" in page and "<td>overall</td>" not in page
    assert 'href="/verwaltung/statistik.xlsx"' in page
    client.set_cookie("lang", "en")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert f"<td>{OVERALL_EN}</td>" in page


def test_seminar_filter_offers_held_seminars_only(client, login):
    small_fixture()  # "Gehalten" was held; "Zukunft" is still to come
    past = timedelta(days=-10)
    factories.seminar("Entwurf von früher", starts_in=past, status=STATUS_DRAFT)
    factories.seminar("Abgesagt von früher", starts_in=past, status=STATUS_CANCELLED)
    factories.seminar("Entwurf der Zukunft", status=STATUS_DRAFT)
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    options = page[
        page.index('<select id="seminar"') : page.index(
            "</select>", page.index('<select id="seminar"')
        )
    ]
    assert "Gehalten" in options
    for title in ("Zukunft", "Entwurf von früher", "Abgesagt von früher", "Entwurf der Zukunft"):
        assert title not in options
