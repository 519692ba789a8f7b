"""The long-running outbox worker (``flask outbox work``), as a process of its own.

On PostgreSQL it is woken by the commit that queued the mail (``NOTIFY outbox``): with a
minute between its regular looks, a message still arrives within seconds. On SQLite it looks
every half second.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from seminars.extensions import db
from seminars.outbox.services import queue_mail

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worker(app, *arguments: str) -> Iterator[subprocess.Popen]:
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", *arguments],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        # SIGTERM is noticed within a second, between two looks at the outbox.
        assert process.wait(timeout=10) == 0


def queue(recipient: str) -> None:
    queue_mail(kind="test", recipient=recipient, subject="Hallo", body_text="Text")
    db.session.commit()


def arrival(recorder, recipient: str, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if any(message["To"] == recipient for message in recorder.messages):
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"no mail to {recipient} within {within} s")


def without_regular_looks() -> tuple[str, ...]:
    """On PostgreSQL a minute between looks: only the notification can make the worker look
    again within the test. SQLite has none; there the worker's default is to look often."""
    return ("--interval", "60") if db.engine.dialect.name == "postgresql" else ()


def test_the_worker_sends_new_mail_within_seconds(app, smtp_server):
    with worker(app, *without_regular_looks()):
        queue("erste@example.org")
        # The first look happens when the worker starts (importing the app takes a while).
        arrival(smtp_server, "erste@example.org", within=30)
        for number in range(3):
            queue(f"neu{number}@example.org")
            assert arrival(smtp_server, f"neu{number}@example.org", within=5) < 5
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "erste@example.org",
        "neu0@example.org",
        "neu1@example.org",
        "neu2@example.org",
    ]


def test_mail_of_a_rolled_back_transaction_wakes_no_one_and_is_not_sent(app, smtp_server):
    with worker(app, *without_regular_looks()):
        queue("erste@example.org")
        arrival(smtp_server, "erste@example.org", within=30)
        queue_mail(kind="test", recipient="nie@example.org", subject="Hallo", body_text="Text")
        db.session.rollback()
        queue("danach@example.org")
        arrival(smtp_server, "danach@example.org", within=5)
    assert [message["To"] for message in smtp_server.messages] == [
        "erste@example.org",
        "danach@example.org",
    ]


def _listening(app):
    import psycopg
    import pytest
    from sqlalchemy.engine import make_url

    if db.engine.dialect.name != "postgresql":
        pytest.skip("notifications are PostgreSQL's")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    connection = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    connection.execute("LISTEN outbox")
    return connection


def _woken(connection, seconds: float = 2.0) -> int:
    return sum(1 for _ in connection.notifies(timeout=seconds))


def test_one_transaction_wakes_the_workers_once_and_only_when_it_commits(app, count_queries):
    listener = _listening(app)
    try:
        with count_queries() as counted:
            for number in range(3):
                address = f"a{number}@example.org"
                queue_mail(kind="test", recipient=address, subject="S", body_text="T")
        assert sum("pg_notify" in statement for statement in counted.statements) == 1
        assert _woken(listener, 0.5) == 0  # not before the commit
        db.session.commit()
        assert _woken(listener) == 1
        queue_mail(kind="test", recipient="b@example.org", subject="S", body_text="T")
        db.session.rollback()
        assert _woken(listener, 1.0) == 0
    finally:
        listener.close()


def test_mail_after_a_rolled_back_savepoint_still_wakes_the_workers(app):
    listener = _listening(app)
    try:
        savepoint = db.session.begin_nested()
        queue_mail(kind="test", recipient="weg@example.org", subject="S", body_text="T")
        savepoint.rollback()
        queue_mail(kind="test", recipient="bleibt@example.org", subject="S", body_text="T")
        db.session.commit()
        assert _woken(listener) == 1
    finally:
        listener.close()
