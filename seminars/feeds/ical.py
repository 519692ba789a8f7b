"""Building iCalendar documents from catalogue entries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from seminars.catalogue.models import STATUS_CANCELLED
from seminars.catalogue.services import CatalogueEntry


def _location(entry: CatalogueEntry, online_label: str) -> str:
    venue = entry.seminar.venue
    if venue is None:
        return online_label
    return ", ".join(part for part in (venue.name, venue.address_line) if part)


def build_calendar(
    entries: Iterable[CatalogueEntry],
    *,
    calendar_name: str,
    uid_domain: str,
    url_for_seminar,
    online_label: str,
    part_label,
    stamp: datetime,
) -> bytes:
    """One VEVENT per session; UIDs stay the same across rebuilds so calendars update."""
    cal = Calendar()
    cal.add("prodid", "-//Selbsthilfe im Dialog//Seminarprogramm//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for entry in entries:
        seminar = entry.seminar
        total = len(seminar.sessions)
        url = url_for_seminar(seminar.id)
        for number, session in enumerate(seminar.sessions, start=1):
            event = Event()
            event.add("uid", f"seminar-{seminar.id}-session-{session.id}@{uid_domain}")
            summary = seminar.title if total == 1 else part_label(seminar.title, number, total)
            event.add("summary", summary)
            event.add("dtstart", session.starts_at)
            event.add("dtend", session.ends_at)
            event.add("dtstamp", stamp)
            event.add("last-modified", seminar.updated_at)
            event.add("location", _location(entry, online_label))
            event.add("url", url)
            description = "\n\n".join(part for part in (seminar.summary, url) if part)
            event.add("description", description)
            event.add("categories", [seminar.topic.name_de])
            cancelled = seminar.status == STATUS_CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            cal.add_component(event)
    return cal.to_ical()
