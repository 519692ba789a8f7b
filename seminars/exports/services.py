"""Building the export files."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from openpyxl import Workbook

from seminars.core.pdf import html_to_pdf
from seminars.core.timezone import BERLIN
from seminars.exports.cells import safe_cell
from seminars.programme.models import Seminar
from seminars.programme.queries import seminars_with_first_session
from seminars.registrations import staff
from seminars.registrations.labels import county_label, registration_status_label
from seminars.registrations.models import ACTIVE_STATUSES
from seminars.registrations.needs import needs_text


def _local(value: datetime | None) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if value else ""


def participant_rows(seminar_id: int) -> tuple[Seminar, list[str], list[list]]:
    overview = staff.registrations_of(seminar_id)
    header = [
        _("Nachname"),
        _("Vorname"),
        _("E-Mail-Adresse"),
        _("Telefon"),
        _("Selbsthilfegruppe oder Organisation"),
        _("Landkreis"),
        _("Status"),
        _("Warteliste"),
        _("Bedarfe"),
        _("Weitere Bedarfe"),
        _("Anmerkungen"),
        _("Angemeldet am"),
    ]
    rows = [
        [
            r.last_name,
            r.first_name,
            r.email,
            r.phone,
            r.organisation,
            county_label(r.county),
            registration_status_label(r.status),
            overview.positions.get(r.id, ""),
            needs_text(r),
            r.needs_other,
            r.remarks,
            _local(r.created_at),
        ]
        for r in overview.rows
        if r.status in ACTIVE_STATUSES
    ]
    return overview.seminar, header, rows


def participant_file(seminar_id: int, fmt: str) -> tuple[bytes, str]:
    """The seminar's participant list as a ``csv`` or ``xlsx`` file, and the file's name."""
    seminar, header, rows = participant_rows(seminar_id)
    body = to_csv(header, rows) if fmt == "csv" else to_xlsx(seminar.code, header, rows)
    return body, f"teilnehmende-{seminar.code}.{fmt}"


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # With a byte order mark, spreadsheet programs read the umlauts right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one (and active) sheet
    sheet.title = title[:31] or "Liste"
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seminar_overview_rows() -> tuple[list[str], list[list]]:
    header = [
        _("Kennung"),
        _("Titel"),
        _("Themenbereich"),
        _("Form"),
        _("Beginn"),
        _("Status"),
        _("Plätze"),
    ]
    rows = [
        [s.code, s.title, s.topic.name_de, s.format, _local(starts_at), s.status, s.capacity]
        for s, starts_at in seminars_with_first_session()
    ]
    return header, rows


def seminar_overview_csv() -> bytes:
    return to_csv(*seminar_overview_rows())


def sign_in_sheet_pdf(seminar_id: int) -> bytes:
    sheet = staff.attendance_of(seminar_id)
    html = render_template(
        "exports/sign_in_sheet.html",
        sheet=sheet,
        printed=format_datetime(datetime.now(BERLIN), "short"),
    )
    return html_to_pdf(html)
