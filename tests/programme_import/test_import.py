# ruff: noqa: E501  (rows of CSV test data read best on one line)
import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from seminars.extensions import db
from seminars.programme.models import Instructor, Seminar, SeminarSession, Venue
from seminars.programme_import.services import import_programme

HEADER = (
    "code;title;topic;format;sessions;capacity;teaching_units;summary;description;instructors;"
    "venue_name;venue_street;venue_postcode;venue_town;venue_step_free;venue_hearing_loop;"
    "registration_opens;registration_closes;status;meeting_url"
)
ROW_PRESENCE = (
    "SID-2027-01;Gruppen leiten;gruppenleitung;Präsenz;2027-03-13 09:30-16:00;20;8;Kurz;"
    'Lang **fett**;"Dr. Katrin Möller; Sabine Hofmann";Haus der Selbsthilfe;Lutherplatz 2;07743;'
    "Jena;ja;nein;01.01.2027;2027-03-01;veröffentlicht;"
)
ROW_ONLINE = (
    "SID-2027-02;Datenschutz online;Rechtliche Grundlagen;online;"
    '"2027-04-07 18:00-20:00; 14.04.2027 18.00-20.00 Uhr";12;4;;;Thomas Reichelt;;;;;;;;;;'
    "https://meet.example.org/sid-02"
)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode("utf-8")


def seminar_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Seminar))


def test_csv_import_creates_seminars_venues_and_instructors(app):
    result = import_programme("programm.csv", csv_file(ROW_PRESENCE, ROW_ONLINE))
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (2, 0)
    db.session.commit()
    first = db.session.scalars(select(Seminar).where(Seminar.code == "SID-2027-01")).one()
    assert first.title == "Gruppen leiten" and first.capacity == 20 and first.teaching_units == 8
    assert first.format == "in_person" and first.status == "published"
    # 09:30 in Berlin in March (CET) is 08:30 UTC.
    session = db.session.scalars(
        select(SeminarSession).where(SeminarSession.seminar_id == first.id)
    ).one()
    assert session.starts_at == datetime(2027, 3, 13, 8, 30, tzinfo=UTC)
    assert first.registration_opens_at == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    venue = db.session.get(Venue, first.venue_id)
    assert (venue.town, venue.step_free_access, venue.hearing_loop) == ("Jena", True, False)
    online = db.session.scalars(select(Seminar).where(Seminar.code == "SID-2027-02")).one()
    assert online.venue_id is None and online.meeting_url == "https://meet.example.org/sid-02"
    times = db.session.scalars(
        select(SeminarSession.starts_at).where(SeminarSession.seminar_id == online.id)
    ).all()
    # 18:00 in Berlin in April (CEST) is 16:00 UTC.
    assert sorted(times) == [datetime(2027, 4, 7, 16, 0, tzinfo=UTC),
                             datetime(2027, 4, 14, 16, 0, tzinfo=UTC)]  # fmt: skip
    names = set(db.session.scalars(select(Instructor.name)))
    assert names == {"Dr. Katrin Möller", "Sabine Hofmann", "Thomas Reichelt"}


def test_reimport_updates_instead_of_duplicating(app):
    assert import_programme("p.csv", csv_file(ROW_PRESENCE, ROW_ONLINE)).ok
    db.session.commit()
    changed = ROW_PRESENCE.replace("Gruppen leiten", "Gruppen gut leiten").replace(";20;", ";25;")
    changed = changed.replace(
        "2027-03-13 09:30-16:00", '"2027-03-13 10:00-16:00; 2027-03-14 10:00-13:00"'
    )
    result = import_programme(
        "p.csv", csv_file(changed.replace("sid-2027-01", "SID-2027-01"), ROW_ONLINE)
    )
    assert result.ok and (result.created, result.updated) == (0, 2)
    db.session.commit()
    assert seminar_count() == 2
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 1
    assert db.session.scalar(select(func.count()).select_from(Instructor)) == 3
    first = db.session.scalars(select(Seminar).where(Seminar.code == "SID-2027-01")).one()
    assert (first.title, first.capacity) == ("Gruppen gut leiten", 25)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SeminarSession)
            .where(SeminarSession.seminar_id == first.id)
        )
        == 2
    )


def test_reimport_keeps_a_cancelled_seminar_cancelled(app):
    assert import_programme("p.csv", csv_file(ROW_PRESENCE)).ok
    db.session.commit()
    item = db.session.scalars(select(Seminar)).one()
    item.status = "cancelled"
    db.session.commit()
    assert import_programme("p.csv", csv_file(ROW_PRESENCE)).ok
    db.session.commit()
    assert db.session.scalars(select(Seminar.status)).one() == "cancelled"


def test_draft_status_from_the_file(app):
    assert import_programme("p.csv", csv_file(ROW_PRESENCE.replace("veröffentlicht", "Entwurf"))).ok
    db.session.commit()
    assert db.session.scalars(select(Seminar.status)).one() == "draft"


def test_xlsx_import_with_native_cell_types(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code", "Title", "Topic", "Format", "Sessions", "Capacity", "Teaching_units",
                  "Venue_name", "Venue_town", "Venue_step_free", "Registration_opens"])  # fmt: skip
    sheet.append(["X-1", "Aus Excel", "recht", "Hybrid", "2027-05-08 09:00-15:00", 16, 6.0,
                  "Bürgerhaus", "Chemnitz", True, datetime(2027, 1, 15)])  # noqa: DTZ001  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_programme("programm.xlsx", buffer.getvalue())
    assert result.ok, [str(p) for p in result.problems]
    db.session.commit()
    item = db.session.scalars(select(Seminar).where(Seminar.code == "X-1")).one()
    assert (item.format, item.capacity, item.teaching_units) == ("hybrid", 16, 6)
    assert db.session.get(Venue, item.venue_id).step_free_access is True


def test_windows_csv_with_comma_separator_and_bom(app):
    header = HEADER.replace(";", ",")
    row = "W-1,Öffentlichkeitsarbeit für Gruppen,oeffentlichkeitsarbeit,online,2027-06-01 18:00-20:00,10"
    header = ",".join(header.split(",")[:6])
    result = import_programme("p.csv", (header + "\r\n" + row + "\r\n").encode("cp1252"))
    assert result.ok, [str(p) for p in result.problems]
    bom = import_programme(
        "p.csv", b"\xef\xbb\xbf" + (header + "\n" + row.replace("W-1", "W-2")).encode()
    )
    assert bom.ok, [str(p) for p in bom.problems]


def _problems(filename: str, data: bytes) -> set[tuple[int, str]]:
    before = seminar_count()
    result = import_programme(filename, data)
    assert not result.ok
    db.session.commit()  # even a commit afterwards writes nothing
    assert seminar_count() == before
    for problem in result.problems:
        assert problem.message and str(problem).startswith(f"Zeile {problem.row}")
    return {(p.row, p.column) for p in result.problems}


MALFORMED = {
    "empty file": ("p.csv", b"", {(1, "-")}),
    "only a header": ("p.csv", HEADER.encode(), {(1, "-")}),
    "binary garbage named csv": ("p.csv", b"\x00\x01\x02PK\x03", {(1, "-")}),
    "broken xlsx": ("p.xlsx", b"PK\x03\x04 this is no workbook", {(1, "-")}),
    "unsupported type": ("p.pdf", b"%PDF-1.7", {(1, "-")}),
    "missing required column": (
        "p.csv", csv_file("A;B", header="code;title"),
        {(1, "topic"), (1, "format"), (1, "sessions"), (1, "capacity")},
    ),
    "unknown and duplicate column": (
        "p.csv", csv_file(ROW_ONLINE + ";x", header=HEADER + ";preis").replace(b"title;", b"title;title;", 1),
        {(1, "preis"), (1, "title")},
    ),
    "bad values in several rows": (
        "p.csv",
        csv_file(
            ROW_PRESENCE.replace(";20;", ";zwanzig;"),
            ROW_ONLINE.replace("Rechtliche Grundlagen", "Astrologie").replace(";online;", ";Brieftaube;"),
        ),
        {(2, "capacity"), (3, "topic"), (3, "format")},
    ),
    "bad session times": (
        "p.csv",
        csv_file(ROW_PRESENCE.replace("2027-03-13 09:30-16:00", "2027-02-30 09:30-16:00"),
                 ROW_ONLINE.replace("2027-04-07 18:00-20:00", "2027-04-07 20:00-18:00")),
        {(2, "sessions"), (3, "sessions")},
    ),
    "overlapping sessions": (
        "p.csv",
        csv_file(ROW_PRESENCE.replace("2027-03-13 09:30-16:00", '"2027-03-13 09:00-12:00; 2027-03-13 11:00-14:00"')),
        {(2, "sessions")},
    ),
    "duplicate code": ("p.csv", csv_file(ROW_PRESENCE, ROW_PRESENCE.replace("SID-2027-01", "sid-2027-01")), {(3, "code")}),
    "presence without venue, online with venue": (
        "p.csv",
        csv_file(ROW_PRESENCE.replace("Haus der Selbsthilfe", "").replace(";Jena;", ";;"),
                 ROW_ONLINE.replace(";;;;;;;;;;https", ";Saal;;;Gera;;;;;;https")),
        {(2, "venue_name"), (2, "venue_town"), (3, "venue_name")},
    ),
    "dangerous meeting link and bad yes/no": (
        "p.csv",
        csv_file(ROW_ONLINE.replace("https://meet.example.org/sid-02", "javascript:alert(1)"),
                 ROW_PRESENCE.replace(";Jena;ja;", ";Jena;vielleicht;")),
        {(2, "meeting_url"), (3, "venue_step_free")},
    ),
    "registration closes after start and before opening": (
        "p.csv",
        csv_file(ROW_PRESENCE.replace("2027-03-01", "2027-04-01"),
                 ROW_PRESENCE.replace("SID-2027-01", "SID-9").replace("2027-03-01", "2026-12-01")),
        {(2, "registration_closes"), (3, "registration_closes")},
    ),
    "control characters, too long title, bad code": (
        "p.csv",
        csv_file(ROW_PRESENCE.replace("Gruppen leiten", "Grup\x07pen"),
                 ROW_ONLINE.replace("Datenschutz online", "D" * 300).replace("SID-2027-02", "SID 2027/02")),
        {(2, "title"), (3, "title"), (3, "code")},
    ),
    "empty required cells and extra cells": (
        "p.csv",
        csv_file(";;;;;;;nur eine Kurzbeschreibung", ROW_ONLINE + ";;;überzählig"),
        {(2, "code"), (2, "title"), (2, "topic"), (2, "format"), (2, "sessions"), (2, "capacity"), (3, "-")},
    ),
    "conflicting venue details": (
        "p.csv",
        csv_file(ROW_PRESENCE, ROW_PRESENCE.replace("SID-2027-01", "SID-3").replace(";Jena;ja;", ";Jena;nein;")),
        {(3, "venue_name")},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_files_are_refused_whole_with_every_problem(app, case):
    filename, data, expected = MALFORMED[case]
    assert import_programme("ok.csv", csv_file(ROW_ONLINE)).ok  # something already there
    db.session.commit()
    assert _problems(filename, data) == expected


def test_one_bad_row_stops_the_good_ones(app):
    bad = ROW_ONLINE.replace(";12;", ";0;")
    assert _problems("p.csv", csv_file(ROW_PRESENCE, bad)) == {(3, "capacity")}
    assert seminar_count() == 0


def test_cli_reports_problems_and_exit_code(app, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "programm.csv"
    good.write_bytes(csv_file(ROW_PRESENCE, ROW_ONLINE))
    result = runner.invoke(args=["import-programme", str(good)])
    assert result.exit_code == 0, result.output
    assert "Import fertig: 2 Seminare neu, 0 aktualisiert." in result.output
    again = runner.invoke(args=["import-programme", str(good)])
    assert "2 aktualisiert" in again.output
    bad = tmp_path / "kaputt.csv"
    bad.write_bytes(csv_file(ROW_PRESENCE.replace(";20;", ";viele;")))
    failed = runner.invoke(args=["import-programme", str(bad)])
    assert failed.exit_code == 1
    assert "Zeile 2, Spalte „capacity“" in failed.output
    assert "Nichts importiert. 1 Problem gefunden:" in failed.output


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first worksheet is replaced by ``sheet_xml``."""
    import zipfile

    workbook = Workbook()
    workbook.active.append(["code", "title"])
    source = io.BytesIO()
    workbook.save(source)
    built = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for part in original.infolist():
            body = sheet_xml if part.filename == "xl/worksheets/sheet1.xml" else original.read(part)
            copy.writestr(part.filename, body)
    return built.getvalue()


SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_END = b"</sheetData></worksheet>"


def _inline(text: str) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, tmp_path):
    from seminars.programme_import.xlsx_guard import MAX_UNCOMPRESSED_BYTES

    # 40 MB of sheet that packs into a few kilobytes.
    row = b'<row r="2">' + _inline("x" * 1000) + b"</row>"
    bomb = _xlsx_with_sheet(SHEET_START + row * (40 * 1024) + SHEET_END)
    assert len(bomb) < 1024 * 1024 and MAX_UNCOMPRESSED_BYTES < 40 * 1024 * 1024
    problems = import_programme("programm.xlsx", bomb).problems
    assert [p.message for p in problems] == [
        "Die Excel-Datei ist entpackt größer als 16 MB; bitte speichern Sie nur das Programm darin."
    ]
    path = tmp_path / "programm.xlsx"
    path.write_bytes(bomb)
    result = app.test_cli_runner().invoke(args=["import-programme", str(path)])
    assert result.exit_code == 1 and "größer als 16 MB" in result.output
    assert seminar_count() == 0


def test_a_sheet_with_too_many_cells_or_rows_is_refused_before_reading(app):
    wide = b'<row r="1">' + _inline("x") * 100_001 + b"</row>"
    problems = import_programme("p.xlsx", _xlsx_with_sheet(SHEET_START + wide + SHEET_END)).problems
    assert [p.message for p in problems] == [
        "Das Tabellenblatt hat mehr als 100000 Zellen; bitte löschen Sie leere Spalten und "
        "Zeilen oder teilen Sie die Datei auf."
    ]
    empty_rows = b"".join(b'<row r="%d"/>' % number for number in range(1, 5002))
    problems = import_programme(
        "p.xlsx", _xlsx_with_sheet(SHEET_START + empty_rows + SHEET_END)
    ).problems
    assert [p.message for p in problems] == [
        "Das Tabellenblatt hat mehr als 5000 Zeilen (auch leere mitgezählt); bitte löschen Sie "
        "leere Zeilen am Ende oder teilen Sie die Datei auf."
    ]


def test_an_over_long_or_over_wide_sheet_is_refused(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "title"])
    for number in range(2001):
        sheet.append([f"X-{number}", "Seminar"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    problems = import_programme("p.xlsx", buffer.getvalue()).problems
    assert [p.message for p in problems] == [
        "Die Datei hat mehr als 2000 Zeilen; bitte teilen Sie sie auf."
    ]
    wide = b'<row r="1">' + _inline("code") + _inline("x") * 150 + b"</row>"
    problems = import_programme("p.xlsx", _xlsx_with_sheet(SHEET_START + wide + SHEET_END)).problems
    assert [p.message for p in problems] == ["Zeile 1 hat mehr als 100 Spalten."]


def test_a_sheet_claiming_a_huge_size_is_read_as_it_is(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Code", "Title", "Topic", "Format", "Sessions", "Capacity", "Venue_name", "Venue_town"]
    )
    sheet.append(
        ["X-1", "Aus Excel", "recht", "Präsenz", "2027-05-08 09:00-15:00", 16, "Haus", "Gera"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    import zipfile

    claimed = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as original,
        zipfile.ZipFile(claimed, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for part in original.infolist():
            body = original.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b'<dimension ref="A1:H2" />', b'<dimension ref="A1:XFD1048576" />'
                )
                assert b"XFD1048576" in body
            copy.writestr(part.filename, body)
    result = import_programme("p.xlsx", claimed.getvalue())
    assert result.ok, [str(p) for p in result.problems]


def test_a_claimed_size_costs_no_memory(app):
    """A sheet that claims 16,384 columns is not padded to them row by row."""
    import tracemalloc

    from seminars.programme_import.readers import read_programme_file

    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>X</t></is></c>' % (number, number)
        + b'<c r="B%d" t="inlineStr"><is><t>Titel</t></is></c></row>' % number
        for number in range(1, 1501)
    )
    claimed = _xlsx_with_sheet(
        SHEET_START.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
        + rows
        + SHEET_END
    )
    tracemalloc.start()
    try:
        sheet = read_programme_file("p.xlsx", claimed)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sheet.rows) == 1499 and sheet.rows[0][1] == ["X", "Titel"]
    assert peak < 40 * 1024 * 1024, peak
