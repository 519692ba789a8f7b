"""Words shown for the catalogue's coded values, in the user's language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from seminars.programme import availability as av
from seminars.programme.models import (
    FORMAT_HYBRID,
    FORMAT_IN_PERSON,
    FORMAT_ONLINE,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
)


def format_label(value: str) -> str:
    return {
        FORMAT_IN_PERSON: _("Präsenzseminar"),
        FORMAT_ONLINE: _("Online-Seminar"),
        FORMAT_HYBRID: _("Hybrid (vor Ort oder online)"),
    }.get(value, value)


def status_label(value: str) -> str:
    return {
        STATUS_DRAFT: _("Entwurf"),
        STATUS_PUBLISHED: _("Veröffentlicht"),
        STATUS_CANCELLED: _("Abgesagt"),
    }.get(value, value)


def availability_label(availability: av.Availability) -> str:
    state = availability.state
    if state == av.PLACES_FREE:
        return ngettext(
            "Noch %(num)d Platz frei", "Noch %(num)d Plätze frei", availability.places_left
        )
    if state == av.WAITLIST_OPEN:
        return _("Ausgebucht – Warteliste offen")
    if state == av.FULLY_BOOKED:
        return _("Ausgebucht")
    if state == av.NOT_YET_OPEN:
        return _("Anmeldung ab %(date)s", date=format_date(availability.opens_at, "long"))
    if state == av.REGISTRATION_CLOSED:
        return _("Anmeldung geschlossen")
    if state == av.CANCELLED:
        return _("Abgesagt")
    return state


def month_options(months: Iterable[tuple[int, int]]) -> list[tuple[str, str]]:
    """(value, label) pairs for the month filter, for the given (year, month) pairs."""
    return [
        (f"{year:04d}-{month:02d}", format_date(date(year, month, 1), "MMMM y"))
        for year, month in months
    ]
