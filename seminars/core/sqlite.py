"""SQLite settings: foreign keys, write-ahead log, waiting for locks, and write transactions.

SQLite ignores ``SELECT … FOR UPDATE``. To serialise seat allocation there, a transaction that
is about to change seats starts with ``BEGIN IMMEDIATE``, which takes the database's write
lock at once (others wait up to the busy timeout). pysqlite's own transaction handling is
switched off so that SQLAlchemy's ``begin`` event decides how each transaction begins.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from seminars.core.text_search import SQLITE_FUNCTION, unicode_lower

BUSY_TIMEOUT_MS = 30_000
begin_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record) -> None:
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if begin_immediate.get() else "BEGIN")
