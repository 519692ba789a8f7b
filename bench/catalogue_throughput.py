"""Catalogue throughput against a trivial route on the same gunicorn server.

Builds a database of 300 seminars and 5,000 registrations, serves the app with gunicorn
(4 sync workers) and measures with ``wrk``:

1. ``/robots.txt`` (a trivial route: no database, no template) and ``/`` (the catalogue),
   with the catalogue's short page cache switched on, as in production;
2. the same pair with the cache switched off, to show what the page costs without it;
3. how old the places shown on the cached catalogue can get: a seat is taken and the page is
   polled until it shows the change.

Each pair is measured side by side in one run, so the ratio does not depend on the machine.
PostgreSQL is used when reachable (``BENCH_DATABASE_URL``, default: database ``sid_bench`` on
127.0.0.1), otherwise a SQLite file.
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

from bench.harness import WORKERS, analyse, fresh_database_url, gunicorn

SEMINARS = 300
REGISTRATIONS = 5000
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
TITLES = ("Gruppen leiten", "Datenschutz", "Pressearbeit", "Moderation", "Resilienz")


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


def wrk(url: str) -> float:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", CONNECTIONS, "-d", DURATION, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure_pair(base: str) -> tuple[float, float]:
    # Warm up every worker (imports, templates, connection pool, cache).
    subprocess.run(["wrk", "-t", "2", "-c", CONNECTIONS, "-d", "2s", base + "/"],
                   capture_output=True, check=True)  # fmt: skip
    trivial = wrk(base + "/robots.txt")
    catalogue = wrk(base + "/")
    return trivial, catalogue


def _places_shown(html: str, code_title: str) -> str | None:
    block = html.split(code_title, 1)
    if len(block) < 2:
        return None
    match = re.search(r'class="availability[^"]*">([^<]+)<', block[1])
    return match.group(1) if match else None


def staleness(base: str, url: str, trials: int = 3, cache_seconds: int = 3) -> float:
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

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        # The first seminar on the "places free" page: taking a seat changes what it shows.
        page = list_seminars(CatalogueFilters(free=True), now=utcnow(), page_size=1)
        seminar = page.entries[0].seminar
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
            while time.monotonic() - taken < cache_seconds + 2:
                if shown() == before:
                    last_stale = time.monotonic()
            worst = max(worst, last_stale - taken)
        return worst


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="sid-bench-"))
    url = fresh_database_url(workdir)
    started = time.monotonic()
    build_database(url)
    backend = sa.engine.make_url(url).get_backend_name()
    print(f"database: {backend}, {SEMINARS} seminars, {REGISTRATIONS} registrations "
          f"(built in {time.monotonic() - started:.1f} s)")  # fmt: skip
    print(
        f"gunicorn: {WORKERS} sync workers; wrk: 2 threads, {CONNECTIONS} connections, {DURATION}"
    )

    with gunicorn(url, cache_seconds=3) as base:
        trivial, catalogue = measure_pair(base)
        stale = staleness(base, url)
    with gunicorn(url, cache_seconds=0) as base:
        trivial_nc, catalogue_nc = measure_pair(base)

    print()
    print(f"{'':34} {'req/s':>10} {'ratio':>7}")
    print(f"{'trivial route /robots.txt':34} {trivial:10.0f}")
    print(f"{'catalogue / (3 s page cache)':34} {catalogue:10.0f} {catalogue / trivial:7.2f}")
    print(f"{'trivial route /robots.txt':34} {trivial_nc:10.0f}")
    print(f"{'catalogue / (no cache)':34} {catalogue_nc:10.0f} {catalogue_nc / trivial_nc:7.2f}")
    print()
    print(f"places shown: at most {stale:.1f} s old (3 trials, all workers; cache 3 s)")
    goal = catalogue / trivial >= 0.5
    print(f"goal (catalogue >= 0.5 x trivial route): {'reached' if goal else 'NOT reached'}")


if __name__ == "__main__":
    main()
