"""The kinds of accessibility service: what each is called, how early it must be booked,
what the person is told once it is booked, and which downloadable formats serve it.

A kind belongs to exactly one need (``registrations.needs.Need.service``); the needs that a
venue answers (step-free access, hearing loop) are checked against the venue instead
(``venue_check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from seminars.registrations.needs import NEED_OF_SERVICE


@dataclass(frozen=True)
class Kind:
    key: str
    # What staff call the task ("Gebärdensprachdolmetschung (DGS)").
    label: LazyString
    # What the registrant reads once it is booked.
    booked_text: LazyString
    # Interpreting: counted in sessions and hours for the funder.
    interpreting: bool = False

    @property
    def need(self) -> str:
        return NEED_OF_SERVICE[self.key]


KINDS = (
    Kind(
        "sign_language",
        _l("Gebärdensprachdolmetschung (DGS)"),
        _l("Gebärdensprachdolmetschung ist gebucht."),
        interpreting=True,
    ),
    Kind(
        "speech_to_text",
        _l("Schriftdolmetschung"),
        _l("Schriftdolmetschung ist gebucht."),
        interpreting=True,
    ),
    Kind(
        "seat_near_screen",
        _l("Sitzplätze vorn reservieren"),
        _l("Ein Sitzplatz vorn ist für Sie reserviert."),
    ),
    Kind(
        "large_print",
        _l("Unterlagen in Großdruck"),
        _l("Ihre Unterlagen in Großdruck sind bestellt."),
    ),
    Kind(
        "braille",
        _l("Unterlagen in Brailleschrift"),
        _l("Ihre Unterlagen in Brailleschrift sind bestellt."),
    ),
    Kind(
        "easy_read",
        _l("Unterlagen in Leichter Sprache"),
        _l("Ihre Unterlagen in Leichter Sprache sind bestellt."),
    ),
    Kind(
        "handouts_in_advance",
        _l("Unterlagen vorab digital"),
        _l("Sie bekommen die Unterlagen vorab digital."),
    ),
    Kind(
        "dietary",
        _l("Besondere Verpflegung"),
        _l("Ihre Verpflegung ist mit der Küche abgesprochen."),
    ),
)
KIND_KEYS = tuple(kind.key for kind in KINDS)
_BY_KEY = {kind.key: kind for kind in KINDS}
_BY_NEED = {kind.need: kind for kind in KINDS}

# Days before the first session by which a kind must be booked, unless configured
# (``SERVICE_LEAD_DAYS``; interpreting follows ``INTERPRETER_LEAD_DAYS``).
DEFAULT_LEAD_DAYS = {
    "seat_near_screen": 3,
    "large_print": 14,
    "braille": 21,
    "easy_read": 21,
    "handouts_in_advance": 10,
    "dietary": 10,
}


def kind(key: str) -> Kind | None:
    return _BY_KEY.get(key)


def kind_of_need(need_key: str) -> Kind | None:
    return _BY_NEED.get(need_key)


def kind_label(key: str) -> str:
    found = _BY_KEY.get(key)
    return str(found.label) if found else key


def lead_days(key: str, config: Mapping) -> int:
    """How many days before the first session a kind must be booked."""
    configured = config.get("SERVICE_LEAD_DAYS") or {}
    if key in configured:
        return int(configured[key])
    found = _BY_KEY.get(key)
    if found is not None and found.interpreting:
        return int(config["INTERPRETER_LEAD_DAYS"])
    return DEFAULT_LEAD_DAYS.get(key, 14)
