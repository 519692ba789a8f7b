"""What a registrant may need to take part: the one list of the needs.

Each need is a boolean column of ``Registration`` of the same name. The registration form's
checkboxes, the ``Applicant`` copied from the form and into the registration, the needs
shown to staff and exported, the staff summary and the dashboard counts, anonymisation and
the privacy export all go through ``NEEDS`` (and ``OTHER_NEEDS``, the free text), in this
order.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Need:
    key: str
    # The checkbox label in the registration form.
    label: LazyString
    # The short word in lists (staff pages, exports); the form label when None.
    short_label: LazyString | None = None
    # Staff book interpreters for it, with a lead time (``INTERPRETER_LEAD_DAYS``).
    interpreting: bool = False
    # The fieldset the form shows it in (``NEED_GROUPS``).
    group: str = "access"
    # The kind of accessibility service it asks staff to arrange (a task per seminar and
    # kind, see seminars/accessibility/), None where the venue answers it (step-free access,
    # hearing loop: the venue check) or the seat does (assistance).
    service: str | None = None

    @property
    def list_label(self) -> LazyString:
        return self.short_label if self.short_label is not None else self.label


NEEDS = (
    Need(
        "need_sign_language",
        _l("Gebärdensprachdolmetschung"),
        interpreting=True,
        service="sign_language",
    ),
    Need(
        "need_speech_to_text",
        _l("Schriftdolmetschung"),
        interpreting=True,
        service="speech_to_text",
    ),
    Need("need_step_free", _l("Stufenloser Zugang")),
    Need("need_hearing_loop", _l("Induktive Höranlage")),
    # A personal assistant needs a seat of their own under the same registration.
    Need(
        "need_personal_assistant",
        _l("Ich komme mit persönlicher Assistenz (braucht einen eigenen Platz)"),
        short_label=_l("Persönliche Assistenz"),
    ),
    Need(
        "need_seat_near_screen",
        _l("Sitzplatz nahe an Leinwand oder Dolmetschenden"),
        short_label=_l("Sitzplatz vorn"),
        service="seat_near_screen",
    ),
    Need(
        "need_large_print",
        _l("Unterlagen in Großdruck"),
        short_label=_l("Großdruck"),
        group="materials",
        service="large_print",
    ),
    Need(
        "need_braille",
        _l("Unterlagen in Brailleschrift (oder als Word-Datei für die Braillezeile)"),
        short_label=_l("Brailleschrift"),
        group="materials",
        service="braille",
    ),
    Need(
        "need_easy_read",
        _l("Unterlagen in Leichter Sprache"),
        short_label=_l("Leichte Sprache"),
        group="materials",
        service="easy_read",
    ),
    Need(
        "need_handouts_in_advance",
        _l("Unterlagen vorab digital, zur Vorbereitung"),
        short_label=_l("Unterlagen vorab"),
        group="materials",
        service="handouts_in_advance",
    ),
    Need(
        "need_dietary",
        _l("Besondere Verpflegung bei ganztägigen Seminaren (bitte unten beschreiben)"),
        short_label=_l("Besondere Verpflegung"),
        group="materials",
        service="dietary",
    ),
)
# The fieldsets of the needs in the forms, with their legends, in this order.
NEED_GROUPS = (
    ("access", _l("Dolmetschung, Zugang und Assistenz")),
    ("materials", _l("Unterlagen und Verpflegung")),
)
NEED_KEYS = tuple(need.key for need in NEEDS)
INTERPRETING = tuple(need.key for need in NEEDS if need.interpreting)
# The needs that ask for an accessibility service, by the service's kind.
NEED_OF_SERVICE = {need.service: need.key for need in NEEDS if need.service}
# The free-text need ("what else do you need"), a text column beside the checkboxes.
OTHER_NEEDS = "needs_other"
_BY_KEY = {need.key: need for need in NEEDS}


def needs_in_group(group: str) -> tuple[str, ...]:
    """The keys of the needs a form shows in one fieldset (``NEED_GROUPS``)."""
    return tuple(need.key for need in NEEDS if need.group == group)


def need_label(key: str) -> str:
    """The short word for a need, in the user's language (the key itself if unknown)."""
    need = _BY_KEY.get(key)
    return str(need.list_label) if need else key


def need_field_label(name: str) -> str | None:
    """The word for a need's field (as the change log records it), None for other fields."""
    return need_label(name) if name in _BY_KEY else None


def needs_text(registration) -> str:
    """The needs a registration (or anything with the need attributes) asks for, as a list."""
    return ", ".join(need_label(key) for key in NEED_KEYS if getattr(registration, key))


def needs_of(source) -> dict:
    """The needs (checkboxes and free text) of ``source`` as keyword arguments, to copy them
    from an applicant to a registration or into the privacy export."""
    values = {key: getattr(source, key) for key in NEED_KEYS}
    values[OTHER_NEEDS] = getattr(source, OTHER_NEEDS)
    return values
