"""Participant lists (CSV, XLSX) and the PDF sign-in sheet of one seminar."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from pypdf import PdfReader

from seminars.extensions import db
from tests import factories


def _seminar_with_people():
    seminar = factories.seminar(
        capacity=5, sessions=2, starts_at=datetime(2030, 3, 2, 8, 30, tzinfo=UTC), code="SID-EXP"
    )
    kept = factories.registration(seminar)
    kept.last_name, kept.first_name = "Telefon", "Hanna"
    formula = factories.registration(seminar)
    formula.last_name = "=1+2"
    waiting = factories.registration(seminar, status="waitlisted")
    waiting.last_name = "Warte"
    gone = factories.registration(seminar, status="cancelled", holds_seat=False)
    gone.last_name = "Abgesagt"
    db.session.commit()
    return seminar


def test_csv_lists_active_participants_and_neutralises_formulas(client, login):
    login("staff")
    seminar = _seminar_with_people()
    response = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="teilnehmende-SID-EXP.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # spreadsheet programs read the umlauts right
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Nachname", "Vorname", "E-Mail-Adresse"]
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["Telefon", "'=1+2", "Warte"])  # the cancelled one is left out
    assert [row[:2] for row in rows if row[0] == "Telefon"][0] == ["Telefon", "Hanna"]


def test_xlsx_lists_the_same_people_and_neutralises_formulas(client, login):
    login("staff")
    seminar = _seminar_with_people()
    response = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="teilnehmende-SID-EXP.xlsx"'
    )
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Nachname"
    assert sorted(row[0] for row in rows[1:]) == sorted(["Telefon", "'=1+2", "Warte"])


def test_an_unknown_export_format_is_not_found(client, login):
    login("staff")
    seminar = _seminar_with_people()
    assert client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.txt").status_code == 404


def test_sign_in_sheet_lists_confirmed_people_and_every_session(client, login):
    login("staff")
    seminar = _seminar_with_people()
    response = client.get(f"/verwaltung/seminare/{seminar.id}/unterschriften.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Telefon, Hanna" in text
    assert "2. März 2030" in text and "3. März 2030" in text
    assert "Warte" not in text and "Abgesagt" not in text  # only confirmed people sign


def test_exports_send_the_charset_once(client, login):
    login("staff")
    seminar = _seminar_with_people()
    response = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_xlsx_has_a_bold_frozen_filtered_header_and_fitting_widths(client, login):
    login("staff")
    seminar = _seminar_with_people()
    response = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"  # 17 columns
    widths = {column: sheet.column_dimensions[column].width for column in "ABC"}
    assert widths["C"] >= len("person00@example.org")  # the addresses fit
    assert widths["A"] >= len("Nachname")


def test_the_lists_say_how_each_person_hears_from_us_and_where_letters_go(client, login):
    login("staff")
    seminar = _seminar_with_people()
    by_post = factories.registration(seminar, channel="post", address_extra="c/o Gruppe")
    by_post.last_name = "Brief"
    by_phone = factories.registration(seminar, channel="phone", street="", postcode="", city="")
    by_phone.last_name = "Anruf"
    db.session.commit()
    body = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[4:9] == ["Nachrichten", "Adresszusatz", "Straße und Hausnummer",
                           "Postleitzahl", "Ort"]  # fmt: skip
    people = {row[0]: row for row in rows[1:]}
    assert people["Brief"][4:9] == ["per Post", "c/o Gruppe", "Anger 1", "99084", "Erfurt"]
    assert people["Anruf"][3:5] == [by_phone.phone, "per Telefon"]
    assert people["Telefon"][4] == "per E-Mail"
    workbook = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.xlsx")
    sheet = list(load_workbook(io.BytesIO(workbook.data)).active.iter_rows(values_only=True))
    assert [row[4:9] for row in sheet if row[0] == "Brief"] == [
        ("per Post", "c/o Gruppe", "Anger 1", "99084", "Erfurt")
    ]
    # The sign-in sheet stays a list of names to sign.
    pdf = client.get(f"/verwaltung/seminare/{seminar.id}/unterschriften.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Brief" in text and "Anger 1" not in text and "99084" not in text
