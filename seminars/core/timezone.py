"""Time helpers. Everything is stored in UTC and shown in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC)


def berlin_to_utc(day: date, clock: time) -> datetime:
    """A wall-clock time in Berlin (as people write it) as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=BERLIN).astimezone(UTC)


def month_bounds_utc(year: int, month: int) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of a calendar month in Berlin, in UTC."""
    start = datetime(year, month, 1, tzinfo=BERLIN)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BERLIN)
    return start.astimezone(UTC), following.astimezone(UTC)


def berlin_date(value: datetime) -> date:
    return value.astimezone(BERLIN).date()
