"""Reads served as often as the trivial routes: one statement, outside the request's unit of work.

A statement through the request's session costs three more round trips to PostgreSQL than
the statement itself: the pool's pre-ping when the connection is checked out, ``BEGIN``
before it and ``ROLLBACK`` when the request ends. For a page that also renders a template
that hardly matters; for a public file download that reads one row, it is most of the work.

``read_one`` runs a single read-only statement on a connection of its own:

- On PostgreSQL, from a pool of its own in autocommit mode (no ``BEGIN``, no ``ROLLBACK``)
  and without the pre-ping. A connection the server dropped (a restart, an idle timeout) is
  noticed by the statement that fails on it; SQLAlchemy then throws away every connection
  of the pool opened before that moment, and the statement is run once more on a fresh one.
  Only if that fails too does the error reach the outage handler (the maintenance page).
- On SQLite, on the app's own engine (its pragmas and busy timeout apply); a plain ``SELECT``
  opens no transaction there.

Use it only for a statement that reads committed rows and needs nothing the request wrote
before it. Writes always go through the session. The statements do not pass through
``db.engine``, so its event listeners (statement counts in tests) do not see them on
PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Engine, Row
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
        connect_args={"application_name": APPLICATION_NAME},
    )


def read_one(statement: sa.Executable, parameters: dict[str, Any] | None = None) -> Row | None:
    """The first row of ``statement``, or ``None``; see the module's text for where it runs."""
    engine = direct_engine()
    try:
        return _first(engine, statement, parameters)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return _first(engine, statement, parameters)  # on a fresh connection


def _first(engine: Engine, statement: sa.Executable, parameters: dict[str, Any] | None):
    with engine.connect() as connection:
        return connection.execute(statement, parameters).first()
