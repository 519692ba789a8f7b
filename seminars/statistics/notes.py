"""What the statistics say about figures they leave out (page, CSV and annual report)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


def county_note() -> str:
    return _(
        "Die Reichweite nach Landkreis zeigen wir nur für ganze Jahre: Mit einem Filter nach "
        "Themenbereich, Form oder Seminar ließen sich durch Vergleiche einzelne Personen "
        "herausrechnen."
    )


def years_left_out_note(years: int, minimum: int) -> str:
    return ngettext(
        "%(num)d Jahr mit weniger als %(n)d Teilnehmenden ist nicht enthalten.",
        "%(num)d Jahre mit weniger als %(n)d Teilnehmenden sind nicht enthalten.",
        years,
        n=minimum,
    )
