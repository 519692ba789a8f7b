"""Shared pieces of the benchmarks: a fresh database and a gunicorn server on a free port."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/sid_bench"

# What every production-mode process of a benchmark needs besides production's own settings.
# The benchmarks measure throughput, not the limits (they have their own tests): each worker
# may count in memory (production refuses that unless told), and since every simulated
# visitor comes from 127.0.0.1, the cap on a client's unconfirmed registrations is off.
# BENCH_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/12 counts in Redis instead.
BENCH_SETTINGS = {
    "RATELIMIT_ALLOW_MEMORY": "true",
    "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT_STORAGE_URI", "memory://"),
    "PENDING_MAX_PER_CLIENT": "0",
}


def fresh_database_url(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    if url.startswith("sqlite"):
        return url
    admin_url = sa.engine.make_url(url).set(database="postgres")
    try:
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = sa.engine.make_url(url).database
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return url
    except sa.exc.OperationalError:
        print("PostgreSQL not reachable; using SQLite", file=sys.stderr)
        return f"sqlite:///{workdir / 'bench.sqlite3'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    url: str,
    cache_seconds: int = 3,
    workers: int = WORKERS,
    info: dict | None = None,
    **settings: str,
):
    """A production-like server; its log (JSON lines) goes to a file, not the terminal.
    ``info`` receives the master's ``pid``."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        FLASK_CATALOGUE_CACHE_SECONDS=str(cache_seconds),
        # Plain http on loopback: a Secure cookie would never come back.
        SESSION_COOKIE_SECURE="false",
        BASE_URL=f"http://127.0.0.1:{port}",
        **BENCH_SETTINGS,
    )
    env.update(settings)
    with tempfile.NamedTemporaryFile(prefix="seminars-server-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stderr=log,
        )  # fmt: skip
        if info is not None:
            info["pid"] = process.pid
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("gunicorn did not start")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def analyse(url: str) -> None:
    """Fresh tables have no statistics yet; production's autovacuum would have them."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def outbox_niceness() -> int:
    """The scheduling priority the production unit gives the outbox worker (its ``Nice=``)."""
    unit = (ROOT / "deploy" / "seminars-outbox.service").read_text()
    found = re.search(r"^Nice=(-?\d+)$", unit, re.M)
    return int(found.group(1)) if found else 0


@contextmanager
def outbox_worker(url: str, **settings: str):
    """The production mail sender (``flask outbox work``) against the same database, at the
    priority its unit gives it: in production requests send no mail themselves."""
    env = dict(
        os.environ,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        **BENCH_SETTINGS,
    )
    env.update(settings)
    niceness = outbox_niceness()
    if niceness < 0 and os.geteuid() != 0:
        print(f"not root: the outbox worker runs at normal priority, not Nice={niceness} "
              "as deploy/seminars-outbox.service runs it")  # fmt: skip
        niceness = 0
    with tempfile.NamedTemporaryFile(prefix="seminars-outbox-", suffix=".log") as log:
        process = subprocess.Popen(
            ["nice", "-n", str(niceness),
             sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work"],
            cwd=ROOT, env=env, stderr=log,
        )  # fmt: skip
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=20)
