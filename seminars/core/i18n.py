"""Language selection and locale-aware formatting helpers for templates."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_babel import gettext as _

from seminars.core.timezone import berlin_date


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get("lang")
    if chosen is not None and chosen in supported:
        return chosen
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    return str(get_locale() or "de").split("_")[0]


def format_session_range(starts_at, ends_at) -> str:
    """A session's time span in words, in Berlin time; spans days when needed."""
    if berlin_date(starts_at) == berlin_date(ends_at):
        return _("%(day)s, %(start)s bis %(end)s Uhr") % {
            "day": format_date(starts_at, "full"),
            "start": format_time(starts_at, "HH:mm"),
            "end": format_time(ends_at, "HH:mm"),
        }
    return _("%(start)s bis %(end)s") % {
        "start": format_datetime(starts_at, "long"),
        "end": format_datetime(ends_at, "long"),
    }


def format_day(value) -> str:
    return format_date(value, "full")


def format_moment(value) -> str:
    """A point in time in words, in Berlin time: 'Montag, 1. März 2027 um 18:00 Uhr'."""
    return _("%(day)s um %(time)s Uhr") % {
        "day": format_date(value, "full"),
        "time": format_time(value, "HH:mm"),
    }


def format_spoken(value) -> str:
    """A deadline as it is said on the phone, in Berlin time: 'Donnerstag, 3. Dezember,
    18 Uhr' (with minutes only when there are any)."""
    minute = format_time(value, "mm")
    hour = format_time(value, "H")
    if minute == "00":
        time = _("%(hour)s Uhr") % {"hour": hour}
    else:
        time = _("%(hour)s:%(minute)s Uhr") % {"hour": hour, "minute": minute}
    return _("%(day)s, %(time)s") % {"day": format_date(value, _("EEEE, d. MMMM")), "time": time}


def format_date_only(value) -> str:
    return format_date(value, "long")


def iso_date(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def format_file_size(size: int) -> str:
    """A file's size as people read it: "340 kB", "1,2 MB" (in the user's language)."""
    if size < 1000 * 1000:
        return _("%(size)s kB", size=format_decimal(max(1, round(size / 1000))))
    return _("%(size)s MB", size=format_decimal(round(size / (1000 * 1000), 1)))
