"""With PAGE_CACHE_URL, cached pages live in Redis, shared by every worker, and a commit that
changes what they show retires them at once."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import update

from seminars import create_app
from seminars.catalogue import shared_pages
from seminars.catalogue.page_cache import page_cache
from seminars.extensions import db
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import redis_or_skip

REDIS_URL = os.environ.get("TEST_PAGE_CACHE_URL", "redis://127.0.0.1:6379/1")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def shared(app):
    """The app with its pages in Redis (skipped when Redis is not reachable)."""
    store = redis_or_skip(REDIS_URL)
    _forget_pages(store)
    app.config.update(PAGE_CACHE_URL=REDIS_URL, CATALOGUE_CACHE_SECONDS=60)
    yield store
    _forget_pages(store)


def _forget_pages(store) -> None:
    for key in store.scan_iter(match=shared_pages.PREFIX + "*"):
        store.delete(key)


def _generation(store) -> int:
    return int(store.get(shared_pages.GENERATION_KEY) or 0)


def test_pages_are_served_from_redis_to_every_worker(client, shared, count_queries):
    factories.seminar("Geteilt", capacity=5)
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    assert len(page_cache._entries) == 0  # not in this worker's memory
    with count_queries() as counter:
        again = text(client.get("/"))
    assert counter.count == 0 and "Geteilt" in again
    # Another worker, with a database of its own that has no tables at all: it can only
    # answer with the page this one stored.
    other = create_app("testing", {"PAGE_CACHE_URL": REDIS_URL, "CATALOGUE_CACHE_SECONDS": 60})
    response = other.test_client().get("/")
    assert response.status_code == 200 and "Geteilt" in text(response)


def test_a_seat_taken_retires_the_pages_at_once(client, shared):
    item = factories.seminar("Begehrt", capacity=5)
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    assert "Noch 5 Plätze frei" in text(client.get("/?free=1"))
    before = _generation(shared)
    factories.fill(item, 1)
    assert _generation(shared) == before + 1
    assert "Noch 4 Plätze frei" in text(client.get("/"))
    assert "Noch 4 Plätze frei" in text(client.get("/?free=1"))


def test_a_registration_through_the_form_retires_the_pages(client, shared, app):
    from seminars.core.timezone import utcnow
    from seminars.registrations import allocation

    item = factories.seminar("Formular", capacity=5)
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    allocation.register(item.id, factories.applicant(), now=utcnow(), client_key=None)
    db.session.commit()
    page = text(client.get("/"))
    assert "Noch 4 Plätze frei" in page


def test_bulk_changes_retire_the_pages_and_rollbacks_do_not(client, shared):
    item = factories.seminar("Massenweise", capacity=5)
    factories.fill(item, 2)
    before = _generation(shared)
    db.session.execute(
        update(Registration).values(holds_seat=False).execution_options(synchronize_session=False)
    )
    db.session.rollback()
    assert _generation(shared) == before
    db.session.execute(
        update(Registration).values(holds_seat=False).execution_options(synchronize_session=False)
    )
    db.session.commit()
    assert _generation(shared) == before + 1
    assert "Noch 5 Plätze frei" in text(client.get("/"))


def test_reading_changes_nothing(client, shared):
    factories.seminar("Nur lesen")
    before = _generation(shared)
    client.get("/")
    client.get("/api/v1/seminars")
    assert _generation(shared) == before


def test_a_page_built_during_a_change_is_not_served(app, shared):
    key = ("http://localhost/", "/", b"", "de")
    page, generation = shared_pages.lookup(REDIS_URL, key)
    assert page is None
    shared_pages.retire_pages(REDIS_URL)  # a change committed while the page was built
    shared_pages.store(REDIS_URL, key, generation, (b"alt", "text/html", ()), 60)
    assert shared_pages.lookup(REDIS_URL, key)[0] is None
    page, generation = shared_pages.lookup(REDIS_URL, key)
    shared_pages.store(REDIS_URL, key, generation, (b"neu", "text/html", (("Link", "<x>"),)), 60)
    assert shared_pages.lookup(REDIS_URL, key)[0] == (b"neu", "text/html", (("Link", "<x>"),))


def test_without_redis_pages_are_built_every_time(client, app, caplog):
    app.config.update(PAGE_CACHE_URL="redis://127.0.0.1:1/0", CATALOGUE_CACHE_SECONDS=60)
    item = factories.seminar("Ohne Cache", capacity=5)
    assert "Noch 5 Plätze frei" in text(client.get("/"))
    factories.fill(item, 1)  # telling the cache fails; the commit stands
    assert "Noch 4 Plätze frei" in text(client.get("/"))
    assert "page cache not reachable" in caplog.text
