"""Amounts in euros as staff type them, and back: "480", "480,00", "1.234,50" (German),
"480.50" too; stored in cents."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

# Above this a typing slip is likelier than a real cost (and the column holds 32 bits).
MAX_CENTS = 1_000_000 * 100  # one million euros

_GERMAN = re.compile(r"(?P<euros>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<cents>[0-9]{1,2}))?")
_DOTTED = re.compile(r"(?P<euros>[0-9]+)\.(?P<cents>[0-9]{1,2})")


class CostError(ValueError):
    """The text is no amount in euros; ``message`` says why, in words."""

    def __init__(self, message) -> None:
        self.message = message
        super().__init__(str(message))


def parse_euros(text: str | None) -> int | None:
    """Cents for an amount in euros; None for an empty field. Raises ``CostError``."""
    value = (text or "").strip().replace("\u00a0", " ")
    value = value.removesuffix("€").removesuffix("EUR").strip().replace(" ", "")
    if not value:
        return None
    if value.startswith("-"):
        raise CostError(_l("Kosten können nicht negativ sein."))
    match = _GERMAN.fullmatch(value) or _DOTTED.fullmatch(value)
    if match is None:
        raise CostError(_l("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 480,00."))
    euros = int(match["euros"].replace(".", ""))
    cents = int((match["cents"] or "0").ljust(2, "0"))
    total = euros * 100 + cents
    if total > MAX_CENTS:
        raise CostError(_l("Bitte prüfen Sie den Betrag: höchstens 1.000.000 Euro."))
    return total


def format_euros(cents: int | None) -> str:
    """The amount as the form shows it: "1234,50" ("" for none)."""
    if cents is None:
        return ""
    return f"{cents // 100},{cents % 100:02d}"
