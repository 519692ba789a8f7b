"""Building iCalendar documents from seminars, and the response that carries one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import Response, current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from seminars.core.timezone import utcnow
from seminars.core.urls import external_url
from seminars.programme.models import STATUS_CANCELLED, Seminar

ICAL_MIMETYPE = "text/calendar"


def _location(seminar: Seminar, online_label: str) -> str:
    venue = seminar.venue
    if venue is None:
        return online_label
    return ", ".join(part for part in (venue.name, venue.address_line) if part)


def build_calendar(
    seminars: Iterable[Seminar],
    *,
    calendar_name: str,
    uid_domain: str,
    url_for_seminar,
    online_label: str,
    part_label,
    stamp: datetime,
) -> bytes:
    """One VEVENT per session; UIDs stay the same across rebuilds so calendars update.

    Each seminar needs its sessions, venue and topic loaded.
    """
    cal = Calendar()
    cal.add("prodid", "-//Selbsthilfe im Dialog//Seminarprogramm//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for seminar in seminars:
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
            event.add("location", _location(seminar, online_label))
            event.add("url", url)
            description = "\n\n".join(part for part in (seminar.summary, url) if part)
            event.add("description", description)
            event.add("categories", [seminar.topic.name_de])
            cancelled = seminar.status == STATUS_CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            cal.add_component(event)
    return cal.to_ical()


def calendar_for(seminars: Iterable[Seminar]) -> bytes:
    """The calendar in the current language, with links built from ``BASE_URL``."""
    return build_calendar(
        seminars,
        calendar_name=_("Selbsthilfe im Dialog – Seminare"),
        uid_domain=current_app.config["CALENDAR_UID_DOMAIN"],
        url_for_seminar=lambda seminar_id: external_url("catalogue.detail", seminar_id=seminar_id),
        online_label=_("Online"),
        part_label=lambda title, number, total: _(
            "%(title)s (Teil %(number)d von %(total)d)", title=title, number=number, total=total
        ),
        stamp=utcnow(),
    )


def calendar_response(seminars: Iterable[Seminar], *, filename: str) -> Response:
    """The calendar of ``seminars`` as a response, shown inline under ``filename``."""
    response = Response(calendar_for(seminars), mimetype=ICAL_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
