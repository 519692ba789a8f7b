"""With RATELIMIT_STORAGE_URI pointing at Redis, all workers share one count there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Two separate processes (as two gunicorn workers would be) make three API calls each
# against a limit of four per minute: only a shared count refuses the last two.
WORKER = """
import sys
from seminars import create_app
settings = {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "API_RATE_LIMIT": "4 per minute"}
app = create_app("testing", settings)
client = app.test_client()
print(" ".join(str(client.get("/api/v1/openapi.json").status_code) for _ in range(3)))
"""


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_POSTGRES"):  # CI: the services must be there
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return client


def test_limits_are_counted_in_redis_across_processes(tmp_path):
    store = _redis()
    store.flushdb()
    database = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        env=dict(os.environ, DATABASE_URL=database, APP_ENV="development"),
        cwd=Path(__file__).resolve().parents[2], check=True, capture_output=True,
    )  # fmt: skip
    env = dict(os.environ, RATELIMIT_STORAGE_URI=REDIS_URL)
    root = Path(__file__).resolve().parents[2]
    answers = [
        subprocess.run(
            [sys.executable, "-c", WORKER, database], env=env, cwd=root, check=True,
            capture_output=True, text=True,
        ).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    assert answers == [["200", "200", "200"], ["200", "429", "429"]]
    assert store.keys("*")
    store.flushdb()
