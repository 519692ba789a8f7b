"""With RATELIMIT_STORAGE_URI pointing at Redis, all workers share one count there: API calls
and login attempts per account."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import redis_or_skip

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


def _redis(url: str = REDIS_URL):
    return redis_or_skip(url)


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


LOGIN_REDIS_URL = os.environ.get("TEST_REDIS_LOGIN_URL", "redis://127.0.0.1:6379/14")

# One process per "worker". Each line of stdin is one login attempt: address typed in,
# password, client address. The per-account limit is 4 per minute, the per-client one high.
LOGIN_WORKER = """
import sys
from seminars import create_app
settings = {
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
    "WTF_CSRF_ENABLED": False,
    "LOGIN_RATE_LIMIT": "1000 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "4 per minute",
}
app = create_app("testing", settings)
client = app.test_client()
answers = []
for line in sys.stdin.read().splitlines():
    email, password, address = line.split("|")
    response = client.post(
        "/verwaltung/anmelden",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    answers.append(str(response.status_code))
    client.post("/verwaltung/abmelden", environ_base={"REMOTE_ADDR": address})
print(" ".join(answers))
"""
PASSWORD = "Blaue Gießkanne tanzt im Novemberregen"


def test_login_throttle_per_account_holds_across_processes(tmp_path):
    """Guesses on one account spread over two workers and many client addresses are counted
    together; the other staff account keeps working from anywhere."""
    store = _redis(LOGIN_REDIS_URL)
    store.flushdb()
    root = Path(__file__).resolve().parents[2]
    database = f"sqlite:///{tmp_path / 'logins.sqlite3'}"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    setup_env = dict(os.environ, DATABASE_URL=database, APP_ENV="development")
    subprocess.run(flask + ["db", "upgrade"], env=setup_env, cwd=root, check=True,
                   capture_output=True)  # fmt: skip
    for email in ("ziel@akademie.example", "kollegin@akademie.example"):
        subprocess.run(flask + ["create-user", email, "--role", "staff"], env=setup_env,
                       cwd=root, check=True, capture_output=True, input=PASSWORD + "\n",
                       text=True)  # fmt: skip
    env = dict(os.environ, RATELIMIT_STORAGE_URI=LOGIN_REDIS_URL)

    def worker(*attempts: str) -> list[str]:
        return subprocess.run(
            [sys.executable, "-c", LOGIN_WORKER, database], env=env, cwd=root, check=True,
            capture_output=True, text=True, input="\n".join(attempts),
        ).stdout.split()  # fmt: skip

    guess = "ziel@akademie.example|falsch{n}|203.0.113.{n}"
    first = worker(*(guess.format(n=n) for n in range(1, 4)))
    second = worker(
        *(guess.format(n=n) for n in range(4, 7)),
        # The same account, spelt differently, from yet another address: still counted.
        " ZIEL@Akademie.example |" + PASSWORD + "|203.0.113.99",
        # Someone else's account, from the attacker's address and from their own.
        "kollegin@akademie.example|" + PASSWORD + "|203.0.113.6",
        "kollegin@akademie.example|" + PASSWORD + "|198.51.100.1",
    )
    assert first == ["422", "422", "422"]
    assert second == ["422", "429", "429", "429", "303", "303"]
    assert store.keys("*") and not any(b"akademie" in key for key in store.keys("*"))
    store.flushdb()
