"""What a letter is about, in words (the ``kind`` of its outbox message)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "confirmed": _l("Bestätigung"),
    "waitlisted": _l("Warteliste"),
    "seat_offered": _l("Platzangebot"),
    "offer_expired": _l("Platzangebot abgelaufen"),
    "cancelled_by_you": _l("Abmeldung"),
    "seminar_cancelled": _l("Absage des Seminars"),
    "seminar_changed": _l("Änderung am Seminar"),
    "reminder": _l("Erinnerung"),
    "certificate": _l("Teilnahmebescheinigung"),
    "survey_invitation": _l("Befragung"),
    "survey_reminder": _l("Erinnerung an die Befragung"),
    "staff_message": _l("Nachricht der Akademie"),
    "service_unavailable": _l("Unterstützung nicht möglich"),
}


def letter_kind_label(kind: str) -> str:
    """The kind in words; an unknown one as its code (a kind added elsewhere still shows)."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def audit_value_text(action: str, name: str, value: Any) -> str | None:
    """Words for the kind recorded with ``letter.printed`` (None: not such a value)."""
    if action == "letter.printed" and name == "letter" and isinstance(value, str):
        return letter_kind_label(value)
    return None
