"""Rendered parts of the catalogue, kept per worker and used again while nothing they show
changed: each entry of the list, the filter form, the page links and the form for news of a
topic (the same for everyone who asks for the same page).

Rendering one entry (dates in words, translated labels, the link) costs far more than the
list's query. An entry's HTML is a function of the values it shows, so those values *are*
its key: the title, summary, format, town, topic name, dates, number of sessions, the
availability computed from the seat counts the list query loaded, the language and the
application root of its link. A change to any of them (a seat taken, a title edited, another
language) makes another key, so a kept entry is never out of date; unused ones fall out of
the bounded cache (least recently used first). Templates reloaded while developing switch it
off, so an edited ``catalogue/_entry.html`` shows at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial

from flask import current_app, render_template, request
from markupsafe import Markup

from seminars.catalogue.filters import CatalogueFilters
from seminars.catalogue.services import CatalogueEntry, CataloguePage, FilterChoices
from seminars.core.i18n import current_language
from seminars.interest.forms import TopicSubscriptionForm, region_groups
from seminars.programme.labels import month_options
from seminars.programme.models import FORMATS

TEMPLATE = "catalogue/_entry.html"


class FragmentCache:
    """A bounded, thread-safe map from key to rendered HTML (least recently used go first)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: Markup, limit: int) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def kept_keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


fragment_cache = FragmentCache()


def entry_key(entry: CatalogueEntry, language: str, root: str) -> tuple:
    """Everything ``catalogue/_entry.html`` shows of ``entry``, in ``language``."""
    seminar = entry.seminar
    venue = seminar.venue
    return (
        "entry",
        seminar.id,
        seminar.title,
        seminar.summary,
        seminar.format,
        venue.town if venue is not None else None,
        seminar.topic.name(language),
        entry.session_count,
        entry.starts_at,
        entry.ends_at,
        entry.availability,
        language,
        root,
    )


def rendered_entries(entries: Iterable[CatalogueEntry]) -> list[Markup]:
    """The HTML of each entry, from the cache where it holds the same values."""
    language = current_language()
    root = request.script_root
    return [
        kept_fragment(entry_key(entry, language, root), partial(_render, entry))
        for entry in entries
    ]


def kept_fragment(key: Hashable, render: Callable[[], str]) -> Markup:
    """The HTML ``render`` makes, kept under ``key``: the key must hold everything the HTML
    depends on."""
    limit = current_app.config["CATALOGUE_FRAGMENT_ENTRIES"]
    if limit <= 0 or current_app.jinja_env.auto_reload:
        return Markup(render())
    html = fragment_cache.get(key)
    if html is None:
        html = Markup(render())
        fragment_cache.put(key, html, limit)
    return html


def _render(entry: CatalogueEntry) -> str:
    return render_template(TEMPLATE, entry=entry)


def filter_form(
    choices: FilterChoices, filters: CatalogueFilters, *, now: datetime, archive: bool
) -> Markup:
    """The search and filter form: the same for everyone with the same filters, so it is
    rendered once per language, filters and choices."""
    language = current_language()
    months = tuple(month_options(choices.months(now=now, archive=archive)))
    topics = tuple((topic.key, topic.name(language)) for topic in choices.topics)
    shown = replace(filters, page=1)
    key = ("filters", language, archive, shown, topics, tuple(choices.towns), months)
    return kept_fragment(
        (*key, request.script_root),
        lambda: render_template(
            "catalogue/_filters.html",
            archive=archive,
            filters=filters,
            choices=choices,
            formats=FORMATS,
            months=months,
        ),
    )


def pagination(page: CataloguePage, filters: CatalogueFilters, *, archive: bool) -> Markup | None:
    if page.pages <= 1:
        return None
    key = ("pages", current_language(), archive, filters, page.page, page.pages)
    return kept_fragment(
        (*key, request.script_root),
        lambda: render_template(
            "_pagination.html",
            endpoint="catalogue.archive" if archive else "catalogue.index",
            filters=filters,
            page=page,
        ),
    )


def interest_box(choices: FilterChoices, topic_key: str | None) -> Markup:
    """The empty "Benachrichtigen Sie mich" form, on the topic the list is filtered by: the
    same for everyone, so it is rendered once per language, topics and chosen topic."""
    language = current_language()
    chosen = next((t for t in choices.topics if t.key == topic_key), None)
    topics = tuple((topic.id, topic.name(language)) for topic in choices.topics)
    key = ("interest", language, topics, chosen and chosen.id, request.script_root)

    def render() -> str:
        form = TopicSubscriptionForm(formdata=None, topics=choices.topics, language=language)
        if chosen is not None:
            form.topic.data = str(chosen.id)
        return render_template(
            "interest/_topic_form.html", interest_form=form, region_groups=region_groups()
        )

    return kept_fragment(key, render)
