"""Words for registration values, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from seminars.registrations import channels
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

__all__ = [
    "audit_value_text",
    "channel_label",
    "channel_short_label",
    "county_label",
    "need_label",
    "needs_text",
    "registration_status_label",
]


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


def channel_label(channel: str) -> str:
    """The channel in words: "per Post"."""
    return channels.label(channel)


def channel_short_label(channel: str) -> str:
    """A short tag for lists: "Post", "Telefon"; "" for e-mail (the usual case)."""
    return {
        channels.CHANNEL_POST: _("Post"),
        channels.CHANNEL_PHONE: _("Telefon"),
    }.get(channel, "")


def audit_value_text(action: str, name: str, value) -> str | None:
    """Words for registration values the change log records (None: not one of them)."""
    if name == "channel" and action.startswith("registration.") and isinstance(value, str):
        return channels.label(value) if value else None
    return None
