"""Reading catalogue filters from a query string.

Unknown or malformed values never cause an error page: each one is dropped and reported as a
problem that the page explains (and that the JSON API answers with 400).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l

from seminars.programme.models import FORMATS

MAX_QUERY_LENGTH = 100
MAX_PAGE = 10_000
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_PAGE = re.compile(r"[0-9]{1,5}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRUE = {"1", "true", "on", "ja", "yes"}
_FALSE = {"", "0", "false", "off", "nein", "no"}


@dataclass(frozen=True)
class FilterProblem:
    parameter: str
    message: str


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    topic: str | None = None
    format: str | None = None
    month: tuple[int, int] | None = None
    town: str | None = None
    free: bool = False
    page: int = 1

    @property
    def month_value(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.topic or self.format or self.month or self.town or self.free)

    def query_args(self, **changes) -> dict[str, str | int]:
        """The filters as query-string arguments, for links to other pages of the same list."""
        state = replace(self, **changes)
        args: dict[str, str | int] = {}
        if state.q:
            args["q"] = state.q
        if state.topic:
            args["topic"] = state.topic
        if state.format:
            args["format"] = state.format
        if state.month:
            args["month"] = state.month_value
        if state.town:
            args["town"] = state.town
        if state.free:
            args["free"] = "1"
        if state.page != 1:
            args["page"] = state.page
        return args


@dataclass
class _Reader:
    args: Mapping[str, str]
    exact: bool = False
    problems: list[FilterProblem] = field(default_factory=list)

    def text(self, name: str) -> str:
        raw = self.args.get(name)
        return _CONTROL.sub("", raw).strip() if raw else ""

    def choice(self, name: str) -> str:
        """A value from a fixed set: taken as sent by the API, tidied for people."""
        return (self.args.get(name) or "") if self.exact else self.text(name)

    def problem(self, name: str, message) -> None:
        self.problems.append(FilterProblem(name, str(message)))


def parse_filters(
    args: Mapping[str, str],
    *,
    topic_keys: Iterable[str],
    towns: Iterable[str],
    exact: bool = False,
) -> tuple[CatalogueFilters, list[FilterProblem]]:
    """``exact``: values from fixed sets must be sent exactly as listed (the API's
    contract); otherwise spaces, control characters and case are forgiven (the pages)."""
    reader = _Reader(args, exact=exact)

    q = reader.text("q")
    # Measured as sent: a query padded with spaces or control characters is still too long.
    if len(args.get("q") or "") > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH]
        reader.problem(
            "q",
            _l(
                "Der Suchbegriff war zu lang und wurde auf %(n)d Zeichen gekürzt.",
                n=MAX_QUERY_LENGTH,
            ),
        )

    topic = reader.choice("topic") or None
    if topic is not None and topic not in set(topic_keys):
        reader.problem(
            "topic", _l("Diesen Themenbereich gibt es nicht; der Filter wurde ignoriert.")
        )
        topic = None

    fmt = reader.choice("format") or None
    if fmt is not None and fmt not in FORMATS:
        reader.problem(
            "format", _l("Diese Form der Veranstaltung gibt es nicht; der Filter wurde ignoriert.")
        )
        fmt = None

    month = None
    month_raw = reader.choice("month")
    if month_raw:
        match = _MONTH.fullmatch(month_raw)
        year, mon = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if match and 2000 <= year <= 2100 and 1 <= mon <= 12:
            month = (year, mon)
        else:
            reader.problem(
                "month",
                _l(
                    "Der Monat muss die Form JJJJ-MM haben (zum Beispiel 2027-03); "
                    "der Filter wurde ignoriert."
                ),
            )

    town = reader.choice("town") or None
    if town is not None:
        if exact:
            town = town if town in set(towns) else None
        else:
            by_folded = {known.casefold(): known for known in towns}
            town = by_folded.get(town.casefold())
        if town is None:
            reader.problem(
                "town", _l("In diesem Ort finden keine Seminare statt; der Filter wurde ignoriert.")
            )

    free = False
    free_raw = reader.choice("free") if exact else reader.text("free").lower()
    if free_raw in _TRUE:
        free = True
    elif free_raw not in _FALSE:
        reader.problem(
            "free", _l("Der Filter „Nur mit freien Plätzen“ wurde nicht verstanden und ignoriert.")
        )

    page = 1
    page_raw = reader.choice("page")
    if page_raw or (exact and "page" in args):  # the API's page is a number, never empty
        if _PAGE.fullmatch(page_raw) and 1 <= int(page_raw) <= MAX_PAGE:
            page = int(page_raw)
        else:
            reader.problem(
                "page", _l("Diese Seitenzahl gibt es nicht; die erste Seite wird gezeigt.")
            )

    filters = CatalogueFilters(
        q=q, topic=topic, format=fmt, month=month, town=town, free=free, page=page
    )
    return filters, reader.problems
