"""What the statistics say about figures they leave out (page, CSV and annual report)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from babel import Locale
from babel.numbers import parse_pattern
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _


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


def service_costs_note() -> str:
    return _(
        "Die Leistungen und ihre Kosten zeigen wir nur für ganze Jahre, auf Wunsch für einen "
        "Themenbereich: Mit einem Filter nach Form oder Seminar ließen sich durch Vergleiche "
        "einzelne Personen herausrechnen."
    )


def service_rule_note(minimum: int) -> str:
    return _(
        "Jede Leistung gibt es nur, weil jemand sie brauchte. Zum Schutz dieser Personen "
        "zählen Themenbereiche, in denen in einem Jahr weniger als %(n)d Personen eine Art "
        "von Leistung brauchten, unter „Andere Themenbereiche“, ebenso so viele kleine "
        "Themenbereiche, dass auch diese Zeile mindestens %(n)d Personen umfasst. Summen "
        "enthalten nur gezeigte Zeilen.",
        n=minimum,
    )


def services_left_out_note(minimum: int) -> str:
    return _(
        "Leistungen, die in einem Jahr insgesamt weniger als %(n)d Personen brauchten, sind "
        "nicht enthalten.",
        n=minimum,
    )


def split_hidden_note(minimum: int) -> str:
    return _(
        "* Ein Teil der Kosten ist erst geplant oder fehlt noch. Wie groß dieser Teil ist, "
        "zeigen wir hier nicht, weil er sich auf weniger als %(n)d Personen bezöge.",
        n=minimum,
    )


def people_without_seat(counts: Iterable[int]) -> dict[int, str]:
    """ "n people without a seat" for each count, translated once per count (a long list of
    seminars has only a few different counts)."""
    return {
        count: ngettext("%(num)d Person ohne Platz", "%(num)d Personen ohne Platz", count)
        for count in set(counts)
    }


def one_decimal() -> Callable[[float], str]:
    """``format_decimal(value, "0.0")`` in the current language, with the locale and the
    pattern looked up once instead of for every cell of a table."""
    locale = get_locale() or Locale.parse("de")
    pattern = parse_pattern("0.0")
    return lambda value: pattern.apply(value, locale)
