"""Every mail once, as far as SMTP allows: a sender that outlasts its lease, and a database
that is away just after the mail server accepted a message."""

from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

import seminars.outbox.services as outbox_services
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.services import deliver
from tests.outbox.test_delivery import messages, queue


def test_a_batch_slower_than_the_lease_sends_every_mail_once(app, scripted_smtp_server):
    """Sender A needs about 3 s for its batch, the lease is 1 s, sender B starts after 1.3 s:
    no message may reach anybody twice."""
    app.config.update(OUTBOX_LEASE_SECONDS=1)
    scripted_smtp_server.delay = 0.12  # MAIL, RCPT, DATA: about 0.4 s a message
    queue(8)
    reports = {}

    def sender(name: str, start_after: float) -> None:
        time.sleep(start_after)
        with app.app_context():
            reports[name] = deliver()
            db.session.remove()

    senders = [
        threading.Thread(target=sender, args=("A", 0.0)),
        threading.Thread(target=sender, args=("B", 1.3)),
    ]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=60)
    received = Counter(m["To"] for m in scripted_smtp_server.messages)
    assert received == Counter({f"person{i}@example.org": 1 for i in range(8)})
    assert reports["A"].sent + reports["B"].sent == 8
    assert reports["B"].sent >= 1  # B took part; it just never took a message A held
    assert [m.status for m in messages()] == ["sent"] * 8


class DatabaseAway:
    """Every statement fails as if the database had just gone down, from ``start()`` on for
    ``seconds`` (``None``: until ``end()``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.until: float | None = None
        self.refused = 0

    def start(self, seconds: float | None) -> None:
        self.until = float("inf") if seconds is None else time.monotonic() + seconds

    def end(self) -> None:
        self.until = None

    def _refuse(self, conn, cursor, statement, parameters, context, executemany):
        if self.until is not None and time.monotonic() < self.until:
            self.refused += 1
            raise self.engine.dialect.loaded_dbapi.OperationalError(
                "server closed the connection unexpectedly"
            )

    @contextmanager
    def installed(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._refuse)
        try:
            yield self
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self._refuse)
            db.session.remove()


def test_a_short_database_outage_after_acceptance_sends_the_mail_once(app, scripted_smtp_server):
    app.config.update(OUTBOX_RECORD_RETRY_SECONDS=10)
    [message_id] = queue(1)
    with DatabaseAway(db.engine).installed() as outage:
        scripted_smtp_server.on_accept = lambda: outage.start(1.0)
        report = deliver()
    assert outage.refused >= 1  # marking it sent did fail at first
    assert report.sent == 1 and len(scripted_smtp_server.messages) == 1
    [stored] = messages()
    assert stored.status == "sent" and stored.recipient == ""
    assert deliver().sent == 0


def test_a_longer_outage_resends_once_with_the_same_message_id(
    app, scripted_smtp_server, monkeypatch
):
    app.config.update(OUTBOX_RECORD_RETRY_SECONDS=0.5, OUTBOX_LEASE_SECONDS=300)
    queue(2)
    with DatabaseAway(db.engine).installed() as outage:
        scripted_smtp_server.on_accept = lambda: outage.start(None)
        deliver()  # the first mail went out; the database never heard of it
        outage.end()
    scripted_smtp_server.on_accept = None
    assert len(scripted_smtp_server.messages) == 1
    stored = messages()
    assert [m.status for m in stored] == ["sending", "pending"]

    assert deliver().sent == 1  # the second one; the first is held by its lease
    assert len(scripted_smtp_server.messages) == 2
    moment = utcnow() + timedelta(seconds=301)
    monkeypatch.setattr(outbox_services, "utcnow", lambda: moment)
    assert deliver().sent == 1  # the lease ran out: sent again, recognisably the same mail
    assert deliver().sent == 0
    received = Counter(m["Message-ID"] for m in scripted_smtp_server.messages)
    assert sorted(received.values()) == [1, 2]
    first_id = scripted_smtp_server.messages[0]["Message-ID"]
    assert received[first_id] == 2 and scripted_smtp_server.messages[2]["Message-ID"] == first_id
    assert [m.status for m in messages()] == ["sent", "sent"]


def test_the_message_id_is_derived_from_the_outbox_message(app, smtp_server):
    queue(2)
    deliver()
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(set(ids)) == 2
    assert all(i.startswith("<outbox.") and i.endswith("@example.org>") for i in ids)
