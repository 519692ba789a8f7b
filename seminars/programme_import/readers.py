"""Reading a programme file (CSV or XLSX) into a header and rows of text cells.

Readers only turn bytes into text; whether the text makes sense is for ``rows.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # seminars, not counting the header and empty rows
MAX_COLUMNS = 100


class UnreadableFile(Exception):
    """The file as a whole cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    # (spreadsheet row number, cells); the header is row 1.
    rows: list[tuple[int, list[str]]]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != time(0)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise UnreadableFile(_l("Die Datei enthält Binärdaten und ist keine CSV-Datei."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on German Windows often save CSV in Windows-1252.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _l("Die Datei ist weder in UTF-8 noch in Windows-1252 kodiert.")
            ) from exc


def read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile(_l("Die Datei ist leer."))
    first_line = text.splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _sheet(_bounded(enumerate(records, start=1)))
    except csv.Error as exc:
        raise UnreadableFile(
            _l("Die CSV-Datei ist fehlerhaft: %(reason)s", reason=str(exc))
        ) from exc


def read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    from seminars.programme_import.xlsx_guard import TooLarge, check_xlsx_archive

    try:
        check_xlsx_archive(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TooLarge as exc:
        raise UnreadableFile(exc.message) from exc
    except Exception as exc:  # a broken archive; openpyxl raises many kinds of errors
        raise UnreadableFile(_l("Die Datei ist keine lesbare Excel-Datei (XLSX).")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile(_l("Die Excel-Datei enthält kein Tabellenblatt."))
        # Rows as they are in the file, not padded to the size the sheet claims to have.
        sheet.reset_dimensions()
        records = (
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _sheet(_bounded(records))
    finally:
        workbook.close()


def _bounded(records: Iterable[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The non-empty rows with their row numbers, refused beyond the bounds while reading,
    so that a huge file is never held in memory."""
    kept = []
    for number, record in records:
        cells = [cell.strip() for cell in record]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise UnreadableFile(
                _l("Zeile %(row)d hat mehr als %(n)d Spalten.", row=number, n=MAX_COLUMNS)
            )
        kept.append((number, cells))
        if len(kept) > MAX_ROWS + 1:  # the header and the seminars
            raise UnreadableFile(
                _l("Die Datei hat mehr als %(n)d Zeilen; bitte teilen Sie sie auf.", n=MAX_ROWS)
            )
    return kept


def _sheet(numbered: list[tuple[int, list[str]]]) -> Sheet:
    if not numbered:
        raise UnreadableFile(_l("Die Datei ist leer."))
    header = numbered[0][1]
    rows = numbered[1:]
    if not rows:
        raise UnreadableFile(_l("Die Datei enthält nur die Kopfzeile, aber keine Seminare."))
    return Sheet([cell.strip().lower() for cell in header], rows)


def read_programme_file(filename: str, data: bytes) -> Sheet:
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            _l("Die Datei ist größer als %(n)d MB.", n=MAX_FILE_BYTES // (1024 * 1024))
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise UnreadableFile(_l("Bitte eine CSV- oder XLSX-Datei angeben."))
