"""Waking the outbox worker as soon as mail is written.

On PostgreSQL the transaction that queues an e-mail also sends ``NOTIFY outbox``; PostgreSQL
delivers it only when that transaction commits (and not at all when it rolls back), so a
worker that ``LISTEN``s never looks for a message before it is visible. Several notifications
of one transaction arrive as one. The worker still looks every ``interval`` seconds without
being woken, for mail that became due after a back-off. SQLite has no notifications: there
the worker simply looks often.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

CHANNEL = "outbox"
_ANNOUNCED = "outbox_announced"


def announce(session: Session) -> None:
    """Ask PostgreSQL to wake the listening workers when this transaction commits."""
    if session.info.get(_ANNOUNCED) or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    session.info[_ANNOUNCED] = True


def forget_announcement(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended: mail queued in the next one announces itself again. Savepoints
    and the ORM's inner transactions (every flush has one) keep the announcement, unless
    rolled back (``forget_rolled_back``)."""
    if transaction.parent is None:
        session.info.pop(_ANNOUNCED, None)


def forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A savepoint rolled back takes its notification with it: announce again (an inner
    transaction rolled back for other reasons only costs one more notification)."""
    session.info.pop(_ANNOUNCED, None)


def listens(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class Listener:
    """A connection of its own that listens for ``NOTIFY outbox`` (PostgreSQL only).

    ``wait(seconds)`` returns early when a notification came since the last wait, including
    one that arrived while the worker was sending. A lost connection is opened again on the
    next wait; until then the worker falls back to looking every ``seconds``.
    """

    def __init__(self, engine: Engine) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._connection: psycopg.Connection | None = None

    def __enter__(self) -> Listener:
        self._connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()

    def _connect(self) -> None:
        try:
            connection = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
            connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            log.warning("the outbox worker cannot listen for new mail; it looks regularly")
            self._connection = None
            return
        self._connection = connection

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when woken by new mail."""
        if self._connection is None:
            self._connect()
        if self._connection is None:
            time.sleep(seconds)
            return False
        try:
            woken = False
            for _notice in self._connection.notifies(timeout=seconds, stop_after=1):
                woken = True
            # Take what else arrived meanwhile, so one burst of mail wakes one round.
            for _notice in self._connection.notifies(timeout=0):
                pass
            return woken
        except psycopg.Error:
            log.warning("the outbox worker lost its listening connection; it reconnects")
            self._close()
            return False
