"""Catalogue throughput against a trivial route on the same gunicorn server.

Builds a database of 300 seminars and 5,000 registrations, serves the app with gunicorn
(4 sync workers) and measures with ``wrk``:

1. the catalogue ``/`` without the page cache against ``/robots.txt`` (a trivial route: no
   database, no template), for 20 and 40 seminars a page (``CATALOGUE_PAGE_SIZE``), in German
   and English (the ``lang`` cookie the language switch sets), with and without a filter
   (``?free=1``): goal at least 0.25 x the trivial route for each;
2. the same pair with the catalogue's short page cache in each worker, as information;
3. how old the places shown on the cached catalogue can get: a seat is taken while every
   worker holds the page, and the page is polled until no worker shows the old places. With
   the page cache shared in Redis (``PAGE_CACHE_URL``, here ``BENCH_PAGE_CACHE_URL``, default
   ``redis://127.0.0.1:6379/11``) the goal is at most one second; with each worker's own
   cache it is shown as information.

Each ratio is measured side by side in one run (the trivial route before and after the
catalogue's runs, averaged), so it does not depend on the machine. PostgreSQL is used when
reachable (``BENCH_DATABASE_URL``, default: database ``sid_bench`` on 127.0.0.1), otherwise
a SQLite file.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.goals import Verdicts
from bench.harness import WORKERS, analyse, fresh_database_url, gunicorn

SEMINARS = 300
REGISTRATIONS = 5000
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
PAGE_CACHE_URL = os.environ.get("BENCH_PAGE_CACHE_URL", "redis://127.0.0.1:6379/11")
TITLES = ("Gruppen leiten", "Datenschutz", "Pressearbeit", "Moderation", "Resilienz")
PAGE_SIZES = (20, 40)
LANGUAGES = ("de", "en")
FILTERS = {"no filter": "/", "filter free=1": "/?free=1"}
RATIO_GOAL = 0.25
STALENESS_GOAL = 1.0
CACHE_SECONDS = 3


def build_database(url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from seminars import create_app
    from seminars.core.timezone import berlin_date, berlin_to_utc, utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar, SeminarSession, Topic, Venue
    from seminars.registrations.models import Registration
    from seminars.registrations.person_key import person_key

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(300)
    with app.app_context():
        upgrade()
        topics = list(db.session.scalars(select(Topic)))
        towns = ["Erfurt", "Jena", "Gera", "Weimar", "Suhl", "Leipzig", "Dresden", "Chemnitz"]
        venues = [
            Venue(name=f"Haus {t}", town=t, street="Markt 1", postcode="99084") for t in towns
        ]
        db.session.add_all(venues)
        now = utcnow()
        today = berlin_date(now)
        seminars = []
        for number in range(SEMINARS):
            day = today + timedelta(days=rng.randint(-120, 365))
            online = number % 4 == 0
            seminar = Seminar(
                code=f"B-{number:04d}",
                title=f"Seminar {number}: {rng.choice(TITLES)}",
                topic=rng.choice(topics),
                summary="Ein Seminar für Ehrenamtliche aus Selbsthilfegruppen.",
                description="## Inhalte\n\n- Austausch\n- Übungen\n",
                format="online" if online else "in_person",
                venue=None if online else rng.choice(venues),
                capacity=rng.choice((12, 16, 20)),
                status="published",
                sessions=[
                    SeminarSession(
                        starts_at=berlin_to_utc(day, clock(9, 30)),
                        ends_at=berlin_to_utc(day, clock(16, 0)),
                    )
                ],
            )
            seminars.append(seminar)
        db.session.add_all(seminars)
        db.session.flush()
        for number in range(REGISTRATIONS):
            email = f"p{number}@example.org"
            db.session.add(
                Registration(
                    seminar=rng.choice(seminars),
                    status="confirmed",
                    holds_seat=True,
                    first_name="Vorname",
                    last_name=f"Nachname {number}",
                    email=email,
                    email_normalized=email,
                    person_key=person_key(email),
                    consent_at=now,
                )
            )
        db.session.commit()
    analyse(url)


def wrk(url: str, language: str = "de", duration: str = DURATION) -> float:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", CONNECTIONS, "-d", duration,
         "-H", f"Cookie: lang={language}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def warm_up(base: str) -> None:
    """Every worker has imported, compiled its templates and opened its connections."""
    for language in LANGUAGES:
        for path in FILTERS.values():
            wrk(base + path, language, duration="1s")


def uncached_ratios(url: str, verdicts: Verdicts) -> None:
    for size in PAGE_SIZES:
        with gunicorn(url, cache_seconds=0, FLASK_CATALOGUE_PAGE_SIZE=str(size)) as base:
            warm_up(base)
            before = wrk(base + "/robots.txt")
            measured = {
                (language, name): wrk(base + path, language)
                for language in LANGUAGES
                for name, path in FILTERS.items()
            }
            trivial = (before + wrk(base + "/robots.txt")) / 2
        print(f"\n{size} a page, no page cache: /robots.txt {trivial:.0f} req/s")
        for (language, name), catalogue in measured.items():
            label = f"{size}/page, {language}, {name}"
            print(f"  catalogue {label:28} {catalogue:8.0f} req/s  {catalogue / trivial:.3f}x")
            verdicts.at_least(f"uncached catalogue, {label} (x robots.txt)",
                              catalogue / trivial, RATIO_GOAL)  # fmt: skip


def _places_shown(html: str, code_title: str) -> str | None:
    block = html.split(code_title, 1)
    if len(block) < 2:
        return None
    match = re.search(r'class="availability[^"]*">([^<]+)<', block[1])
    return match.group(1) if match else None


def staleness(base: str, url: str, trials: int = 3, shared: str = "") -> float:
    """Most seconds, over a few trials, that any worker still showed places from before a
    seat was taken.

    Before each change the page is requested often enough for every worker to hold it in its
    cache. After the change, the page is polled for longer than the cache lives; the last
    answer that still shows the old places marks how old the places shown could get.
    """
    from seminars import create_app
    from seminars.catalogue.filters import CatalogueFilters
    from seminars.catalogue.services import list_seminars
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.registrations.models import Registration
    from seminars.registrations.person_key import person_key

    # Like every process of the site, this one tells the shared page cache of its changes.
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_URL": shared})
    with app.app_context():
        # The first seminar on the "places free" page with a place for every trial: taking
        # a seat changes what it shows, and it stays on the page.
        page = list_seminars(CatalogueFilters(free=True), now=utcnow(), page_size=20)
        seminar = next(
            entry.seminar for entry in page.entries if entry.availability.places_left > trials
        )
        marker = f'href="/seminare/{seminar.id}">'

        def shown(fresh: bool = False) -> str | None:
            # An extra, ignored parameter makes a cache key of its own: a fresh render.
            query = f"/?free=1&fresh={secrets.token_hex(4)}" if fresh else "/?free=1"
            with urllib.request.urlopen(base + query, timeout=5) as response:
                return _places_shown(response.read().decode(), marker)

        worst = 0.0
        for _trial in range(trials):
            for _ in range(WORKERS * 8):
                shown()
            before = shown(fresh=True)
            email = f"stale-{secrets.token_hex(6)}@example.org"
            db.session.add(
                Registration(
                    seminar=seminar, status="confirmed", holds_seat=True, first_name="A",
                    last_name="B", email=email, email_normalized=email,
                    person_key=person_key(email), consent_at=utcnow(),
                )
            )  # fmt: skip
            db.session.commit()
            taken = time.monotonic()
            if shown(fresh=True) == before:
                raise RuntimeError("taking a seat did not change the page")
            last_stale = taken
            while time.monotonic() - taken < CACHE_SECONDS + 2:
                if shown() == before:
                    last_stale = time.monotonic()
            worst = max(worst, last_stale - taken)
        return worst


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    verdicts = Verdicts("catalogue_throughput")
    with tempfile.TemporaryDirectory(prefix="sid-bench-") as folder:
        url = fresh_database_url(Path(folder))
        started = time.monotonic()
        build_database(url)
        backend = sa.engine.make_url(url).get_backend_name()
        print(f"database: {backend}, {SEMINARS} seminars, {REGISTRATIONS} registrations "
              f"(built in {time.monotonic() - started:.1f} s)")  # fmt: skip
        print(f"gunicorn: {WORKERS} sync workers; wrk: 2 threads, {CONNECTIONS} connections, "
              f"{DURATION}")  # fmt: skip

        uncached_ratios(url, verdicts)

        with gunicorn(url, cache_seconds=CACHE_SECONDS) as base:
            warm_up(base)
            trivial = wrk(base + "/robots.txt")
            catalogue = wrk(base + "/")
            stale_own = staleness(base, url)
        print(f"\nwith each worker's page cache ({CACHE_SECONDS} s): /robots.txt {trivial:.0f}, "
              f"catalogue {catalogue:.0f} req/s ({catalogue / trivial:.2f}x); places shown at "
              f"most {stale_own:.1f} s old")  # fmt: skip

        if _reachable(PAGE_CACHE_URL):
            _flush(PAGE_CACHE_URL)
            with gunicorn(url, cache_seconds=CACHE_SECONDS, PAGE_CACHE_URL=PAGE_CACHE_URL) as base:
                warm_up(base)
                trivial = wrk(base + "/robots.txt")
                catalogue = wrk(base + "/")
                stale_shared = staleness(base, url, shared=PAGE_CACHE_URL)
            _flush(PAGE_CACHE_URL)
            print(f"with the page cache shared in Redis: /robots.txt {trivial:.0f}, catalogue "
                  f"{catalogue:.0f} req/s ({catalogue / trivial:.2f}x); places shown at most "
                  f"{stale_shared:.2f} s old")  # fmt: skip
            verdicts.at_most("places shown with the shared page cache, age", stale_shared,
                             STALENESS_GOAL, " s")  # fmt: skip
        else:
            verdicts.holds("Redis for the shared page cache reachable", False, PAGE_CACHE_URL)
    verdicts.finish()


def _reachable(redis_url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _flush(redis_url: str) -> None:
    """Drop the shared page cache's keys (and nothing else of that database)."""
    import redis

    from seminars.catalogue.shared_pages import PREFIX

    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter(match=PREFIX + "*"):
        store.delete(key)


if __name__ == "__main__":
    main()
