"""Words for registration values, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from seminars.registrations.counties import COUNTY_NAMES, ELSEWHERE
from seminars.registrations.models import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
)
from seminars.registrations.needs import need_label, needs_text

__all__ = ["county_label", "need_label", "needs_text", "registration_status_label"]


def registration_status_label(status: str) -> str:
    return {
        STATUS_PENDING: _("unbestätigt"),
        STATUS_CONFIRMED: _("bestätigt"),
        STATUS_WAITLISTED: _("Warteliste"),
        STATUS_OFFERED: _("Platz angeboten"),
        STATUS_CANCELLED: _("abgesagt"),
        STATUS_EXPIRED: _("abgelaufen"),
    }.get(status, status)


def county_label(key: str | None) -> str:
    if not key:
        return "–"
    if key == ELSEWHERE:
        return _("außerhalb von Thüringen und Sachsen")
    return COUNTY_NAMES.get(key, key)
