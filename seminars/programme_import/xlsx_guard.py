"""Bounds an XLSX file must keep before openpyxl reads it.

An XLSX file is a ZIP archive of XML parts. A few hundred kilobytes can unpack to gigabytes,
or declare a sheet a million rows long or 16,384 columns wide, and openpyxl builds what it
reads in memory. So the archive is checked first, streaming and without building anything:
what the parts unpack to in total, and how many rows and cells each worksheet holds. A file
beyond a bound is refused with a message that names the bound.
"""

from __future__ import annotations

import io
import re
import zipfile

from flask_babel import lazy_gettext as _l

MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024  # all parts together, unpacked
MAX_PARTS = 1000
MAX_SHEET_ROWS = 5000  # <row> elements of one worksheet, empty ones included
MAX_SHEET_CELLS = 100_000  # <c> elements of one worksheet
_CHUNK = 256 * 1024

_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
# Longest tag start the patterns need, so that a match split between two chunks is found.
_OVERLAP = 64


class TooLarge(Exception):
    def __init__(self, message) -> None:
        self.message = message
        super().__init__(str(message))


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def check_xlsx_archive(data: bytes) -> None:
    """Raise ``TooLarge`` if the archive unpacks beyond a bound, ``zipfile.BadZipFile`` if it
    is no ZIP archive or lies about its contents."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise TooLarge(_l("Die Excel-Datei besteht aus mehr als %(n)d Teilen.", n=MAX_PARTS))
        # Python's zipfile never unpacks more than a part declares (and checks the CRC), so
        # the declared sizes bound what openpyxl can read.
        if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
            raise TooLarge(
                _l(
                    "Die Excel-Datei ist entpackt größer als %(n)d MB; bitte speichern Sie "
                    "nur das Programm darin.",
                    n=_megabytes(MAX_UNCOMPRESSED_BYTES),
                )
            )
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                _check_sheet(archive, part)


def _check_sheet(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    rows = cells = 0
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            # A match that ends within the overlap was counted with the previous chunk.
            old = len(tail)
            rows += sum(1 for m in _ROW.finditer(window) if m.end() > old)
            cells += sum(1 for m in _CELL.finditer(window) if m.end() > old)
            if rows > MAX_SHEET_ROWS:
                raise TooLarge(
                    _l(
                        "Das Tabellenblatt hat mehr als %(n)d Zeilen (auch leere mitgezählt); "
                        "bitte löschen Sie leere Zeilen am Ende oder teilen Sie die Datei auf.",
                        n=MAX_SHEET_ROWS,
                    )
                )
            if cells > MAX_SHEET_CELLS:
                raise TooLarge(
                    _l(
                        "Das Tabellenblatt hat mehr als %(n)d Zellen; bitte löschen Sie leere "
                        "Spalten und Zeilen oder teilen Sie die Datei auf.",
                        n=MAX_SHEET_CELLS,
                    )
                )
            tail = window[-_OVERLAP:]
