"""Language selection and locale-aware formatting helpers for templates."""

from __future__ import annotations

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_translations,
)
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


# Where ``request_translations`` keeps its answer: beside Flask-Babel's own request state.
_KEPT = "seminars_translations"


def request_translations() -> NullTranslations:
    """The current language's translations. Flask-Babel looks them up anew on every call (a
    handful of context lookups each), and a page translates dozens of strings; the answer is
    kept beside Flask-Babel's request state for the very locale object it was made for.
    ``force_locale`` and ``refresh`` replace that object, so both are followed."""
    try:
        state = g.get("_flask_babel")
    except RuntimeError:  # no application context
        return get_translations()
    if state is not None:
        kept = getattr(state, _KEPT, None)
        locale = getattr(state, "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
    translations = get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        setattr(state, _KEPT, (getattr(state, "babel_locale", None), translations))
    return translations


def install_template_translations(app: Flask) -> None:
    """Templates translate through ``request_translations`` (after Flask-Babel's setup)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
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
