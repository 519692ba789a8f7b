"""Tables as files for spreadsheet programs: CSV as German (or English) Excel opens it, and
XLSX with real numbers.

CSV: German Excel splits on ``;`` and reads ``3,75`` as a number, but ``3.75`` as text or a
date; English Excel splits on ``,`` and reads ``3.75``. So the CSV follows the user's
language: ``;`` and a decimal comma in German, ``,`` and a decimal point in English, without
thousands separators. A share (``Percent``) is written as the number of per cent with one
decimal (``74,8``) in a column or row whose label ends in "(%)": every spreadsheet program
reads that as a number, while "74,8 %" is read as a number by some and as text by others.
Every CSV starts with a byte order mark, so that the umlauts come out right.

XLSX: numbers stay numbers, a share is the fraction with the format ``0.0%`` (Excel shows
``74,8 %`` in German), a mean has ``0.00``. Every sheet has a bold, frozen header row, an
autofilter and columns as wide as their content.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from seminars.exports.cells import safe_cell

PERCENT_SUFFIX = " (%)"
MAX_WIDTH = 60


@dataclass(frozen=True)
class Percent:
    """A share between 0 and 1, shown in per cent."""

    fraction: float


@dataclass(frozen=True)
class Fixed:
    """A number shown with a fixed number of decimals (a mean)."""

    value: float
    digits: int = 2


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


def _pattern(digits: int) -> str:
    return "0." + "0" * digits if digits else "0"


def csv_value(value, locale: str):
    """The text of one cell in the CSV of the given language."""
    if isinstance(value, Percent):
        value = Fixed(value.fraction * 100, 1)
    if isinstance(value, Fixed):
        return format_decimal(value.value, _pattern(value.digits), locale=locale)
    if isinstance(value, float):
        return format_decimal(value, locale=locale, group_separator=False)
    return safe_cell(value)


def delimiter_of(locale: str) -> str:
    return "," if locale == "en" else ";"


def to_csv_rows(rows: list[list], *, locale: str = "de") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter_of(locale))
    for row in rows:
        writer.writerow([csv_value(cell, locale) for cell in row])
    # With a byte order mark, spreadsheet programs read the umlauts right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(cell, value) -> None:
    if isinstance(value, Percent):
        cell.value, cell.number_format = value.fraction, "0.0%"
    elif isinstance(value, Fixed):
        cell.value, cell.number_format = value.value, _pattern(value.digits)
    else:
        cell.value = safe_cell(value)


def _shown_width(value) -> int:
    if isinstance(value, (Percent, Fixed)):
        return 8
    return len(str(value)) if value is not None else 0


def to_xlsx_sheets(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31] or "Liste")
        widths = [len(str(title)) for title in sheet.header]
        worksheet.append([safe_cell(title) for title in sheet.header])
        for cell in worksheet[1]:
            cell.font = bold
        for row_number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                _xlsx_value(worksheet.cell(row=row_number, column=column), value)
                if column > len(widths):
                    widths.append(0)
                widths[column - 1] = max(widths[column - 1], _shown_width(value))
        for column, width in enumerate(widths, start=1):
            letter = get_column_letter(column)
            worksheet.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)
        worksheet.freeze_panes = "A2"
        if sheet.header:
            worksheet.auto_filter.ref = worksheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
