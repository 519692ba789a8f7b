"""Building the export files."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from seminars.core.i18n import current_language
from seminars.core.pdf import html_to_pdf
from seminars.core.timezone import BERLIN
from seminars.exports.sheets import Sheet, to_csv_rows, to_xlsx_sheets
from seminars.extensions import db
from seminars.programme.labels import format_label, status_label
from seminars.programme.models import Seminar
from seminars.programme.queries import seminars_with_first_session
from seminars.registrations import staff
from seminars.registrations.labels import (
    channel_label,
    county_label,
    registration_status_label,
)
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CONFIRMED,
    Registration,
    seats_expression,
)
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
        _("Nachrichten"),
        _("Adresszusatz"),
        _("Straße und Hausnummer"),
        _("Postleitzahl"),
        _("Ort"),
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
            channel_label(r.channel),
            r.address_extra,
            r.street,
            r.postcode,
            r.city,
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
    """A list as CSV with ``;`` (see ``sheets``), for the staff's German spreadsheets."""
    return to_csv_rows([header, *rows])


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A list as a workbook of one sheet: bold frozen header, autofilter, fitting widths."""
    return to_xlsx_sheets([Sheet(title, header, rows)])


def _registration_figures() -> dict[int, tuple[int, int, int]]:
    """Per seminar: confirmed registrations, people on the waitlist, seats taken (one query)."""
    rows = db.session.execute(
        select(
            Registration.seminar_id,
            func.count().filter(Registration.status == STATUS_CONFIRMED),
            func.count().filter(Registration.on_waitlist),
            func.coalesce(func.sum(seats_expression).filter(Registration.holds_seat.is_(True)), 0),
        ).group_by(Registration.seminar_id)
    ).all()
    return {
        seminar_id: (confirmed, waiting, int(taken))
        for seminar_id, confirmed, waiting, taken in rows
    }


def seminar_overview_rows() -> tuple[list[str], list[list]]:
    """Every seminar with its registration figures: two queries, whatever their number."""
    header = [
        _("Kennung"),
        _("Titel"),
        _("Themenbereich"),
        _("Form"),
        _("Beginn"),
        _("Status"),
        _("Plätze"),
        _("Bestätigt"),
        _("Warteliste"),
        _("Freie Plätze"),
    ]
    locale = current_language()
    seminars = seminars_with_first_session()
    figures = _registration_figures()
    rows = []
    for s, starts_at in seminars:
        confirmed, waiting, taken = figures.get(s.id, (0, 0, 0))
        rows.append(
            [
                s.code,
                s.title,
                s.topic.name(locale),
                format_label(s.format),
                _local(starts_at),
                status_label(s.status),
                s.capacity,
                confirmed,
                waiting,
                max(s.capacity - taken, 0),
            ]
        )
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
