"""Shared pieces of the benchmarks: a fresh database and a gunicorn server on a free port."""

from __future__ import annotations

import os
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
