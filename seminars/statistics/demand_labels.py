"""The words of the demand figures, the same on the page and in the CSV file."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.statistics.demand import COUNTY, FORMAT, JOINED, OFFERED, TOOK, TOPIC, WAITED, Figure


def demand_heading(measure: str) -> str:
    return {
        WAITED: _("Vergeblich gewartet"),
        JOINED: _("Auf Interessenliste eingetragen"),
        OFFERED: _("Neuer Termin angeboten"),
        TOOK: _("Neuen Termin angenommen"),
    }[measure]


def demand_explanation(measure: str) -> str:
    return {
        WAITED: _(
            "Personen, die auf der Warteliste eines Seminars standen und dort keinen Platz "
            "bekamen: Das Seminar hat begonnen, während sie noch warteten, oder sie sind auf "
            "einen neuen Termin gewechselt. Gezählt im Jahr und Themenbereich des Seminars, "
            "beim Landkreis, den die Person angegeben hat."
        ),
        JOINED: _(
            "Bestätigte Eintragungen auf Interessenlisten (für einen Themenbereich oder den "
            "neuen Termin eines vollen Seminars), auch solche, die inzwischen beendet sind. "
            "Gezählt im Jahr der Bestätigung, beim gewünschten Landkreis und der gewünschten "
            "Form; wer nichts gewählt hat, zählt unter „überall“ und „jede Form“."
        ),
        OFFERED: _(
            "Personen, denen wir einen Platz bei einem neuen Termin angeboten haben, weil sie "
            "auf der Warteliste oder der Interessenliste des alten Termins standen. Gezählt im "
            "Jahr des ersten Angebots."
        ),
        TOOK: _("Von ihnen: Personen, die den neuen Termin angenommen haben und angemeldet sind."),
    }[measure]


def dimension_heading(dimension: str) -> str:
    return {
        TOPIC: _("Themenbereich"),
        COUNTY: _("Landkreis"),
        FORMAT: _("Form"),
    }[dimension]


def dimension_caption(dimension: str) -> str:
    return {
        TOPIC: _("Nachfrage nach Themenbereich"),
        COUNTY: _("Nachfrage nach Landkreis"),
        FORMAT: _("Nachfrage nach Form"),
    }[dimension]


def figure_text(figure: Figure, minimum: int) -> int | str:
    """A figure as shown: the count, "weniger als 3", or that it counts with others."""
    if figure.value is None:
        if figure.small:
            return _("weniger als %(n)d", n=minimum)
        return _("zusammengefasst")
    if figure.partial:
        return f"{figure.value} *"
    return figure.value


def rule_note(minimum: int) -> str:
    return _(
        "Zum Schutz der Personen zeigen wir eine Zahl nur, wenn sie mindestens %(n)d "
        "Personen umfasst. Kleinere Zahlen stehen als „weniger als %(n)d“ und zählen in der "
        "Zeile „Übrige (zusammengefasst)“, ebenso so viele kleine Gruppen, dass auch diese "
        "Zeile mindestens %(n)d umfasst. Damit auch der Unterschied zwischen „angeboten“ und "
        "„angenommen“ niemanden einzeln zeigt, gilt die Regel auch für die, die nicht "
        "angenommen haben; ebenso für die, die beim alten Termin noch warteten, und die, die "
        "gewechselt sind.",
        n=minimum,
    )


def partial_note() -> str:
    return _(
        "* Ohne die Jahre, in denen diese Zahl nicht für sich gezeigt wird (sie zählt dann "
        "unter „Übrige (zusammengefasst)“ oder, wenn das ganze Jahr zu klein ist, gar nicht): "
        "Die Zahlen aller Jahre zählen zusammen, was jedes Jahr für sich zeigt."
    )


def demand_years_left_out_note(years: int, minimum: int) -> str:
    return ngettext(
        "%(num)d Jahr fehlt in mindestens einer Spalte, weil es dort insgesamt weniger als "
        "%(n)d Personen waren.",
        "%(num)d Jahre fehlen in mindestens einer Spalte, weil es dort insgesamt weniger als "
        "%(n)d Personen waren.",
        years,
        n=minimum,
    )
