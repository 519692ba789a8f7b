"""What a message to a registrant is about, in words: one list for the print queue, the call
list and the change log (the ``kind`` of an outbox message)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from seminars.registrations import mails

LABELS = {
    mails.CONFIRMED: _l("Anmeldung bestätigt"),
    mails.WAITLISTED: _l("Auf der Warteliste"),
    mails.SEAT_OFFERED: _l("Platzangebot"),
    mails.NEW_DATE_OFFERED: _l("Platzangebot für einen neuen Termin"),
    mails.OFFER_EXPIRED: _l("Platzangebot abgelaufen"),
    mails.CANCELLED_BY_YOU: _l("Abmeldung bestätigt"),
    mails.SEMINAR_CANCELLED: _l("Seminar abgesagt"),
    mails.SEMINAR_CHANGED: _l("Seminar geändert"),
    mails.REMINDER: _l("Erinnerung"),
    mails.CERTIFICATE: _l("Teilnahmebescheinigung"),
    "survey_invitation": _l("Befragung"),
    "survey_reminder": _l("Erinnerung an die Befragung"),
    "staff_message": _l("Nachricht der Akademie"),
    "service_unavailable": _l("Unterstützung nicht möglich"),
    "interest_programme_alert": _l("Hinweis auf neue Seminare"),
    # Mails to interest subscribers (``interest/mails.py``: "interest_" and the kind).
    "interest_confirm_request": _l("Benachrichtigung: Bitte bestätigen"),
    "interest_already_subscribed": _l("Benachrichtigung: schon bestellt"),
    "interest_renewal_request": _l("Benachrichtigung: Bitte verlängern"),
}


def message_kind_label(kind: str) -> str:
    """The kind in words; an unknown one as its code (a kind added elsewhere still shows)."""
    label = LABELS.get(kind)
    return str(label) if label is not None else kind
