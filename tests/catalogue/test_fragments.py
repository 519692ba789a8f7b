"""Rendered catalogue entries are kept per worker, and never show anything out of date."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import template_rendered
from sqlalchemy import select

from seminars.catalogue.fragments import FragmentCache, fragment_cache
from seminars.extensions import db
from seminars.programme.models import SeminarSession
from tests import factories


def text(response) -> str:
    return response.get_data(as_text=True)


def kept_entries() -> int:
    return sum(1 for key in fragment_cache.kept_keys() if key[0] == "entry")


@contextmanager
def entry_renders(app):
    """Counts how often ``catalogue/_entry.html`` is rendered."""
    seen: list[str] = []

    def record(sender, template, context, **extra):
        if template.name == "catalogue/_entry.html":
            seen.append(context["entry"].seminar.title)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def test_entries_are_rendered_once_and_served_again(client, app):
    factories.seminar("Erstes")
    factories.seminar("Zweites")
    first = text(client.get("/"))
    with entry_renders(app) as renders:
        again = text(client.get("/"))
    assert renders == [] and again == first
    assert kept_entries() == 2


def test_a_seat_taken_shows_at_once(client):
    item = factories.seminar("Gefragt", capacity=5)
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    factories.fill(item, 1)
    page = text(client.get("/"))
    assert "Noch 4 Plätze frei" in page and "Noch 5 Plätze frei" not in page
    factories.fill(item, 4)
    assert "Ausgebucht – Warteliste offen" in text(client.get("/"))


def test_a_new_title_shows_at_once(client):
    item = factories.seminar("Alter Titel")
    assert "Alter Titel" in text(client.get("/"))
    item.title = "Neuer Titel"
    db.session.commit()
    page = text(client.get("/"))
    assert "Neuer Titel" in page and "Alter Titel" not in page


def test_a_new_town_shows_at_once(client):
    item = factories.seminar("Umzug", town="Jena")
    assert "<dd>Jena</dd>" in text(client.get("/"))
    item.venue.town = "Gera"
    db.session.commit()
    page = text(client.get("/"))
    assert "<dd>Gera</dd>" in page and "<dd>Jena</dd>" not in page


def test_a_renamed_topic_shows_at_once(client):
    factories.seminar("Thema")
    client.get("/")
    factories.topic().name_de = "Umbenanntes Thema"
    db.session.commit()
    assert "Umbenanntes Thema ·" in text(client.get("/"))


def test_each_language_has_its_own_entry(client):
    factories.seminar("Zweisprachig", capacity=5)
    factories.topic().name_en = ""  # the German name in both languages: only the language differs
    db.session.commit()
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    client.set_cookie("lang", "en")
    page = text(client.get("/"))
    assert "5 places left" in page and "Noch 5 Plätze frei" not in page
    client.set_cookie("lang", "de")
    assert "Noch 5 Plätze frei" in text(client.get("/"))


def test_more_sessions_change_the_dates_shown(client):
    item = factories.seminar("Reihe", sessions=1)
    assert "Termine ab" not in text(client.get("/"))
    first = db.session.scalars(select(SeminarSession)).one()
    week = timedelta(days=7)
    db.session.add(
        SeminarSession(
            seminar_id=item.id, starts_at=first.starts_at + week, ends_at=first.ends_at + week
        )
    )
    db.session.commit()
    assert "2 Termine ab" in text(client.get("/"))


def test_the_cache_keeps_only_so_many_entries(client, app):
    app.config["CATALOGUE_FRAGMENT_ENTRIES"] = 2
    for number in range(3):
        factories.seminar(f"Seminar {number}")
    page = text(client.get("/"))
    assert len(fragment_cache) == 2
    assert all(f"Seminar {number}" in page for number in range(3))


def test_switched_off_it_renders_every_time(client, app):
    app.config["CATALOGUE_FRAGMENT_ENTRIES"] = 0
    factories.seminar("Immer neu")
    client.get("/")
    with entry_renders(app) as renders:
        client.get("/")
    assert renders == ["Immer neu"] and len(fragment_cache) == 0


@pytest.mark.parametrize("limit", [1, 3])
def test_least_recently_used_entries_go_first(limit):
    cache = FragmentCache()
    for key in ("a", "b", "c"):
        cache.put(key, key.upper(), limit=3)
    cache.get("a")  # used again: "b" is now the oldest
    cache.put("d", "D", limit=limit)
    kept = [key for key in "abcd" if cache.get(key) is not None]
    assert kept == (["d"] if limit == 1 else ["a", "c", "d"])


def test_the_filter_form_shows_the_chosen_filters(client):
    factories.seminar("In Jena", town="Jena")
    factories.seminar("In Gera", town="Gera")
    assert '<option value="Jena" selected>' in text(client.get("/?town=Jena"))
    page = text(client.get("/?town=Gera"))
    assert '<option value="Gera" selected>' in page and '<option value="Jena" selected>' not in page
    page = text(client.get("/"))
    assert '"Jena" selected' not in page and '"Gera" selected' not in page


def test_pages_link_to_their_neighbours(client, app):
    app.config["CATALOGUE_PAGE_SIZE"] = 1
    for number in range(3):
        factories.seminar(f"Seite {number}", starts_in=timedelta(days=number + 1))
    assert 'href="/?page=2" rel="next"' in text(client.get("/"))
    page = text(client.get("/?page=2"))
    assert 'href="/?page=3" rel="next"' in page and 'href="/" rel="prev"' in page
