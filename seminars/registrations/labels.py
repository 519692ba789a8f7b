"""Words for registration values, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from seminars.registrations.counties import COUNTY_NAMES, ELSEWHERE


def registration_status_label(status: str) -> str:
    return {
        "pending": _("unbestätigt"),
        "confirmed": _("bestätigt"),
        "waitlisted": _("Warteliste"),
        "offered": _("Platz angeboten"),
        "cancelled": _("abgesagt"),
        "expired": _("abgelaufen"),
    }.get(status, status)


def need_label(name: str) -> str:
    return {
        "need_sign_language": _("Gebärdensprachdolmetschung"),
        "need_speech_to_text": _("Schriftdolmetschung"),
        "need_step_free": _("Stufenloser Zugang"),
        "need_hearing_loop": _("Induktive Höranlage"),
        "need_personal_assistant": _("Persönliche Assistenz"),
    }.get(name, name)


def needs_text(registration) -> str:
    from seminars.registrations.staff import NEEDS

    return ", ".join(need_label(name) for name in NEEDS if getattr(registration, name))


def county_label(key: str | None) -> str:
    if not key:
        return "–"
    if key == ELSEWHERE:
        return _("außerhalb von Thüringen und Sachsen")
    return COUNTY_NAMES.get(key, key)
