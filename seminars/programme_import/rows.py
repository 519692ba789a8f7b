"""Checking programme rows: every problem with its row, column and reason.

The columns are documented in the README. Validation is pure (no database); the only outside
knowledge it needs, the topics, is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from seminars.core.timezone import berlin_to_utc
from seminars.programme.models import (
    FORMAT_HYBRID,
    FORMAT_IN_PERSON,
    FORMAT_ONLINE,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
)
from seminars.programme.session_text import parse_day, parse_sessions
from seminars.programme_import.readers import Sheet

REQUIRED_COLUMNS = ("code", "title", "topic", "format", "sessions", "capacity")
OPTIONAL_COLUMNS = (
    "summary",
    "description",
    "teaching_units",
    "waitlist_capacity",
    "registration_opens",
    "registration_closes",
    "status",
    "instructors",
    "meeting_url",
    "venue_name",
    "venue_street",
    "venue_postcode",
    "venue_town",
    "venue_step_free",
    "venue_accessible_toilet",
    "venue_hearing_loop",
    "venue_accessible_parking",
    "venue_accessibility_notes",
    "venue_directions",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

FORMAT_WORDS = {
    "präsenz": FORMAT_IN_PERSON,
    "praesenz": FORMAT_IN_PERSON,
    "in_person": FORMAT_IN_PERSON,
    "vor ort": FORMAT_IN_PERSON,
    "online": FORMAT_ONLINE,
    "hybrid": FORMAT_HYBRID,
}
STATUS_WORDS = {
    "": STATUS_PUBLISHED,
    "veröffentlicht": STATUS_PUBLISHED,
    "veroeffentlicht": STATUS_PUBLISHED,
    "published": STATUS_PUBLISHED,
    "entwurf": STATUS_DRAFT,
    "draft": STATUS_DRAFT,
}
YES_WORDS = {"ja", "j", "yes", "y", "x", "1", "true", "wahr"}
NO_WORDS = {"", "nein", "n", "no", "0", "false", "falsch"}

LIMITS = {
    "code": 40,
    "title": 200,
    "summary": 500,
    "description": 20_000,
    "meeting_url": 500,
    "venue_name": 200,
    "venue_street": 200,
    "venue_postcode": 10,
    "venue_town": 100,
    "venue_accessibility_notes": 2000,
    "venue_directions": 2000,
    "instructors": 1000,
}
MAX_CAPACITY = 1000
MAX_TEACHING_UNITS = 200

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INT = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return str(
            _l(
                "Zeile %(row)d, Spalte „%(column)s“: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        )


@dataclass(frozen=True)
class VenueData:
    name: str
    street: str
    postcode: str
    town: str
    step_free_access: bool
    accessible_toilet: bool
    hearing_loop: bool
    accessible_parking: bool
    accessibility_notes: str
    directions: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.name.casefold(), self.town.casefold())


@dataclass
class ProgrammeRow:
    row: int
    code: str
    title: str
    topic_key: str
    format: str
    sessions: list[tuple[datetime, datetime]]
    capacity: int
    summary: str = ""
    description: str = ""
    teaching_units: int = 0
    waitlist_capacity: int = 10
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    status: str = STATUS_PUBLISHED
    instructors: list[str] = field(default_factory=list)
    meeting_url: str = ""
    venue: VenueData | None = None


class _RowChecker:
    """Reads one row's cells, collecting problems instead of stopping at the first."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[ImportProblem]):
        self.number = number
        self.cells = cells
        self.problems = problems

    def problem(self, column: str, message) -> None:
        self.problems.append(ImportProblem(self.number, column, str(message)))

    def text(self, column: str, *, required: bool = False, multiline: bool = False) -> str:
        value = self.cells.get(column, "")
        if not multiline:
            value = " ".join(value.split())
        if _CONTROL.search(value):
            self.problem(column, _l("enthält Steuerzeichen, die nicht erlaubt sind"))
            value = _CONTROL.sub("", value)
        if required and not value:
            self.problem(column, _l("darf nicht leer sein"))
        limit = LIMITS.get(column)
        if limit is not None and len(value) > limit:
            self.problem(column, _l("ist zu lang (höchstens %(n)d Zeichen)", n=limit))
            value = value[:limit]
        return value

    def whole_number(self, column: str, *, default: int | None, low: int, high: int) -> int:
        raw = self.cells.get(column, "").strip()
        if not raw:
            if default is None:
                self.problem(column, _l("darf nicht leer sein"))
                return low
            return default
        if not _INT.fullmatch(raw) or not low <= int(raw) <= high:
            self.problem(
                column,
                _l(
                    "„%(value)s“ ist keine ganze Zahl von %(low)d bis %(high)d",
                    value=raw[:40],
                    low=low,
                    high=high,
                ),
            )
            return low
        return int(raw)

    def yes_no(self, column: str) -> bool:
        raw = self.cells.get(column, "").strip().lower()
        if raw in YES_WORDS:
            return True
        if raw not in NO_WORDS:
            self.problem(column, _l("„%(value)s“ ist weder „ja“ noch „nein“", value=raw[:40]))
        return False

    def day(self, column: str) -> date | None:
        raw = self.cells.get(column, "").strip()
        if not raw:
            return None
        value = parse_day(raw.split(" ")[0])
        if value is None:
            self.problem(
                column,
                _l("„%(value)s“ ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)", value=raw[:40]),
            )
        return value

    def sessions(self) -> list[tuple[datetime, datetime]]:
        spans, problems = parse_sessions(self.cells.get("sessions", ""))
        for problem in problems:
            self.problem("sessions", problem)
        return spans

    def url(self, column: str) -> str:
        value = self.text(column)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc:
            self.problem(column, _l("muss eine vollständige https-Adresse sein"))
            return ""
        return value


def check_header(header: list[str]) -> list[ImportProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name not in ALL_COLUMNS:
            problems.append(ImportProblem(1, name, str(_l("unbekannte Spalte"))))
        elif name in seen:
            problems.append(ImportProblem(1, name, str(_l("Spalte kommt doppelt vor"))))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(ImportProblem(1, name, str(_l("Pflichtspalte fehlt"))))
    return problems


def _topic_key(checker: _RowChecker, topics: dict[str, str]) -> str:
    raw = checker.text("topic", required=True)
    if not raw:
        return ""
    key = topics.get(raw.casefold())
    if key is None:
        checker.problem("topic", _l("unbekannter Themenbereich „%(value)s“", value=raw[:60]))
        return ""
    return key


def _venue(checker: _RowChecker, seminar_format: str | None) -> VenueData | None:
    name = checker.text("venue_name")
    town = checker.text("venue_town")
    if seminar_format is None:
        return None  # the format is already reported; whether a venue is needed is unknown
    if seminar_format == FORMAT_ONLINE:
        if name or town:
            checker.problem("venue_name", _l("ein Online-Seminar hat keinen Veranstaltungsort"))
        return None
    if not name:
        checker.problem("venue_name", _l("Präsenz- und Hybridseminare brauchen einen Ort"))
    if not town:
        checker.problem("venue_town", _l("Präsenz- und Hybridseminare brauchen einen Ort"))
    return VenueData(
        name=name,
        street=checker.text("venue_street"),
        postcode=checker.text("venue_postcode"),
        town=town,
        step_free_access=checker.yes_no("venue_step_free"),
        accessible_toilet=checker.yes_no("venue_accessible_toilet"),
        hearing_loop=checker.yes_no("venue_hearing_loop"),
        accessible_parking=checker.yes_no("venue_accessible_parking"),
        accessibility_notes=checker.text("venue_accessibility_notes", multiline=True),
        directions=checker.text("venue_directions", multiline=True),
    )


def check_row(
    number: int, cells: dict[str, str], topics: dict[str, str], problems: list[ImportProblem]
) -> ProgrammeRow:
    checker = _RowChecker(number, cells, problems)
    code = checker.text("code", required=True)
    if code and not _CODE.fullmatch(code):
        checker.problem("code", _l("nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich"))
    seminar_format = FORMAT_WORDS.get(checker.text("format").lower())
    if seminar_format is None:
        checker.problem("format", _l("muss „Präsenz“, „Online“ oder „Hybrid“ sein"))
    status = STATUS_WORDS.get(checker.text("status").lower())
    if status is None:
        checker.problem("status", _l("muss „veröffentlicht“ oder „Entwurf“ sein"))
        status = STATUS_DRAFT
    row = ProgrammeRow(
        row=number,
        code=code,
        title=checker.text("title", required=True),
        topic_key=_topic_key(checker, topics),
        format=seminar_format or FORMAT_IN_PERSON,
        sessions=checker.sessions(),
        capacity=checker.whole_number("capacity", default=None, low=1, high=MAX_CAPACITY),
        summary=checker.text("summary"),
        description=checker.text("description", multiline=True),
        teaching_units=checker.whole_number(
            "teaching_units", default=0, low=0, high=MAX_TEACHING_UNITS
        ),
        waitlist_capacity=checker.whole_number(
            "waitlist_capacity", default=10, low=0, high=MAX_CAPACITY
        ),
        status=status,
        instructors=[
            name.strip() for name in checker.text("instructors").split(";") if name.strip()
        ],
        meeting_url=checker.url("meeting_url"),
        venue=_venue(checker, seminar_format),
    )
    if any(len(name) > 200 for name in row.instructors):
        checker.problem("instructors", _l("ein Name ist länger als 200 Zeichen"))
    opens, closes = checker.day("registration_opens"), checker.day("registration_closes")
    row.registration_opens_at = berlin_to_utc(opens, time(0)) if opens else None
    # Registration closes at the end of the given day.
    closes_at = berlin_to_utc(closes, time(23, 59)) if closes else None
    row.registration_closes_at = closes_at
    if opens and closes and closes < opens:
        checker.problem("registration_closes", _l("liegt vor dem Beginn der Anmeldung"))
    if row.sessions and closes_at is not None and closes_at > row.sessions[0][0]:
        checker.problem("registration_closes", _l("liegt nach dem Beginn des Seminars"))
    return row


def check_sheet(
    sheet: Sheet, topics: dict[str, str]
) -> tuple[list[ProgrammeRow], list[ImportProblem]]:
    """All rows of a sheet, checked. ``topics`` maps folded keys and names to topic keys."""
    problems = check_header(sheet.header)
    if problems:
        return [], problems
    rows: list[ProgrammeRow] = []
    first_row_of_code: dict[str, int] = {}
    venues: dict[tuple[str, str], tuple[int, VenueData]] = {}
    for number, cells in sheet.rows:
        if len(cells) > len(sheet.header) and any(cells[len(sheet.header) :]):
            problems.append(
                ImportProblem(number, "-", str(_l("mehr Zellen als Spalten in der Kopfzeile")))
            )
        named = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(sheet.header)}
        row = check_row(number, named, topics, problems)
        if row.code:
            folded = row.code.casefold()
            if folded in first_row_of_code:
                problems.append(
                    ImportProblem(
                        number,
                        "code",
                        str(_l("kommt schon in Zeile %(n)d vor", n=first_row_of_code[folded])),
                    )
                )
            first_row_of_code.setdefault(folded, number)
        if row.venue is not None and row.venue.name and row.venue.town:
            earlier = venues.setdefault(row.venue.key, (number, row.venue))
            if earlier[1] != row.venue:
                problems.append(
                    ImportProblem(
                        number,
                        "venue_name",
                        str(_l("andere Angaben zu diesem Ort als in Zeile %(n)d", n=earlier[0])),
                    )
                )
        rows.append(row)
    return rows, problems
