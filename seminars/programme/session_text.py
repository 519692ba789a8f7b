"""Sessions written as text, as staff type them: ``2027-03-14 09:00-16:00``, one per line or
separated by ``;``, in Berlin time. Used by the programme import and the planning form."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from seminars.core.timezone import BERLIN, berlin_to_utc

MAX_SESSIONS = 30
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE_DE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_SESSION = re.compile(r"(?P<day>\S+)\s+(?P<start>[0-9.:]+)\s*[-–]\s*(?P<end>[0-9.:]+)(?:\s*Uhr)?")

Span = tuple[datetime, datetime]


def parse_day(raw: str) -> date | None:
    for pattern, order in ((_DATE_ISO, (1, 2, 3)), (_DATE_DE, (3, 2, 1))):
        match = pattern.fullmatch(raw)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def parse_clock(raw: str) -> time | None:
    match = _TIME.fullmatch(raw)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_sessions(raw: str) -> tuple[list[Span], list]:
    """The sessions in ``raw`` (UTC, sorted) and the problems found, as translatable texts."""
    parts = [part.strip() for part in re.split(r"[;\n]", raw or "") if part.strip()]
    if not parts:
        return [], [_l("darf nicht leer sein")]
    if len(parts) > MAX_SESSIONS:
        return [], [_l("höchstens %(n)d Termine je Seminar", n=MAX_SESSIONS)]
    spans: list[Span] = []
    problems = []
    for part in parts:
        match = _SESSION.fullmatch(part)
        day = parse_day(match.group("day")) if match else None
        start = parse_clock(match.group("start")) if match else None
        end = parse_clock(match.group("end")) if match else None
        if day is None or start is None or end is None:
            problems.append(
                _l("„%(value)s“ ist kein Termin der Form „2027-03-14 09:00-16:00“", value=part[:60])
            )
        elif end <= start:
            problems.append(_l("„%(value)s“ endet nicht nach dem Beginn", value=part[:60]))
        else:
            spans.append((berlin_to_utc(day, start), berlin_to_utc(day, end)))
    spans.sort()
    for (_, previous_end), (next_start, _) in zip(spans, spans[1:], strict=False):
        if next_start < previous_end:
            problems.append(_l("Termine überschneiden sich"))
            break
    return spans, problems


def format_sessions(spans: Iterable[Span]) -> str:
    lines = []
    for starts_at, ends_at in spans:
        start, end = starts_at.astimezone(BERLIN), ends_at.astimezone(BERLIN)
        lines.append(f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}")
    return "\n".join(lines)
