"""Reads served as often as the trivial routes: one statement, outside the request's unit of work.

A statement through the request's session costs three more round trips to PostgreSQL than
the statement itself: the pool's pre-ping when the connection is checked out, ``BEGIN``
before it and ``ROLLBACK`` when the request ends. For a page that also renders a template
that hardly matters; for a public file download that reads one row, it is most of the work.

``read_one`` runs a single read-only statement on a connection of its own:

- On PostgreSQL, from a pool of its own in autocommit mode (no ``BEGIN``, no ``ROLLBACK``)
  and without the pre-ping. The statement is compiled once and handed to the driver
  directly, with results in binary form: a stored PDF travels as its bytes, not as twice as
  many hex digits that the server writes and the driver decodes again. A connection the
  server dropped (a restart, an idle timeout) is noticed by the statement that fails on it;
  then every connection of the pool is thrown away and the statement is run once more on a
  fresh one. Only if that fails too does the error reach the outage handler (the
  maintenance page). Errors arrive as SQLAlchemy's, as from any other statement.
- On SQLite, on the app's own engine (its pragmas and busy timeout apply); a plain ``SELECT``
  opens no transaction there.

Use it only for a statement that reads committed rows and needs nothing the request wrote
before it. Writes always go through the session. The statements do not pass through
``db.engine`` or any SQLAlchemy connection on PostgreSQL, so no event listener (statement
counts in tests) sees them there.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Compiled, Dialect, Engine
from sqlalchemy.exc import DBAPIError

from seminars.extensions import db

_EXTENSION = "seminars.direct_reads"
# How the connections of this pool show up in pg_stat_activity.
APPLICATION_NAME = "seminars-direct-reads"


def direct_engine() -> Engine:
    """This process's engine for direct reads (created on first use, in the worker)."""
    engine = current_app.extensions.get(_EXTENSION)
    if engine is None:
        engine = current_app.extensions.setdefault(_EXTENSION, _create_engine(db.engine))
    return engine


def _create_engine(main: Engine) -> Engine:
    if main.dialect.name != "postgresql":
        return main
    return sa.create_engine(
        main.url,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=False,
        hide_parameters=True,
        connect_args={"application_name": APPLICATION_NAME, "cursor_factory": _BinaryCursor},
    )


class _BinaryCursor(psycopg.Cursor):
    """Asks PostgreSQL for results in binary form: a stored PDF then travels as its bytes,
    not as twice as many hex digits that the server writes and the driver decodes again."""

    def __init__(self, connection, *, row_factory=None):
        super().__init__(connection, row_factory=row_factory)
        self.format = psycopg.pq.Format.BINARY


def read_one(
    statement: sa.Executable, parameters: dict[str, Any] | None = None
) -> tuple[Any, ...] | None:
    """The first row of ``statement``, or ``None``; see the module's text for where it runs."""
    engine = direct_engine()
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            row = connection.execute(statement, parameters).first()
        return None if row is None else tuple(row)
    compiled = _compiled(statement, engine.dialect)
    sql = str(compiled)
    values = compiled.construct_params(parameters)  # refuses a parameter left out
    try:
        return _first(engine, sql, values)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    engine.dispose()  # every connection opened before the drop goes
    return _first(engine, sql, values)  # on a fresh connection


@lru_cache(maxsize=16)
def _compiled(statement: Any, dialect: Dialect) -> Compiled:
    """``statement`` compiled for the driver, once per statement object: meant for
    statements kept as module constants. Values go to the driver as they are, and rows come
    back as it reads them: no type of SQLAlchemy converts them on the way. So a statement
    here binds and returns plain values only (numbers, text, bytes), and no ``IN`` list."""
    compiled = statement.compile(dialect=dialect)
    if any(b.expanding or b.literal_execute for b in compiled.binds.values()):
        raise ValueError("a direct read sends its statement as compiled: no IN list")
    return compiled


def _first(engine: Engine, sql: str, values: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    connection = cursor = None
    try:
        connection = engine.raw_connection()
        cursor = connection.cursor()
        cursor.execute(sql, values)
        return cursor.fetchone()
    except psycopg.Error as error:
        # The caller gets SQLAlchemy's error, as from any other statement, so that a database
        # out of reach leads to the maintenance page: without a statement when no connection
        # could be opened, else marked when the connection broke; ``read_one`` then throws
        # away the pool's other connections too.
        if connection is None:
            raise DBAPIError.instance(None, None, error, psycopg.Error) from error
        dropped = engine.dialect.is_disconnect(
            error,  # type: ignore[arg-type]
            connection.dbapi_connection,
            cursor,
        )
        if dropped:
            connection.invalidate(error)  # closed now, not reset (and logged) on its way back
        raise DBAPIError.instance(
            sql,
            values,
            error,
            psycopg.Error,
            hide_parameters=True,
            connection_invalidated=dropped,
            dialect=engine.dialect,
        ) from error
    finally:
        if connection is not None:
            connection.close()  # back to the pool
