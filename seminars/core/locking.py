"""Row locks that work the same on PostgreSQL and SQLite."""

from __future__ import annotations

import hashlib

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from seminars.core.sqlite import begin_immediate
from seminars.extensions import db

_WROTE = "transaction_wrote"
_HOLDS_WRITE_LOCK = "transaction_holds_write_lock"
_WRITE_ON_FIRST_USE = "write_from_first_statement"
_CONNECTED = "transaction_connected"


class LockOrderError(RuntimeError):
    """A lock was asked for after the transaction had already written something."""


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    _begin_write_if_promised(state.session)
    # Bulk INSERT/UPDATE/DELETE statements change rows without a flush.
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:
    _begin_write_if_promised(session)


def _begin_write_if_promised(session: Session) -> None:
    if not session.info.pop(_WRITE_ON_FIRST_USE, False):
        return
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.info.get(_CONNECTED):
        _start_sqlite_write_transaction(session)
    else:
        # Nothing read or written yet (a flush may be about to write its first rows).
        _open_immediate(session)


@event.listens_for(Session, "after_begin")
def _after_begin(session, transaction, connection) -> None:
    session.info[_CONNECTED] = True


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTED, None)
        session.info.pop(_WROTE, None)
        session.info.pop(_HOLDS_WRITE_LOCK, None)


def has_changes(session: Session) -> bool:
    """Whether the session's transaction changed anything (flushed or not yet flushed)."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


def _start_sqlite_write_transaction(session: Session) -> None:
    if session.info.get(_HOLDS_WRITE_LOCK):
        return
    if session.in_transaction():
        if has_changes(session):
            raise LockOrderError("take the lock before changing anything in this transaction")
        # Only reads so far: start again, this time holding the write lock.
        session.rollback()
    _open_immediate(session)


def _open_immediate(session: Session) -> None:
    token = begin_immediate.set(True)
    try:
        session.connection()
    finally:
        begin_immediate.reset(token)
    session.info[_HOLDS_WRITE_LOCK] = True


def begin_write() -> None:
    """Make the current transaction a write transaction from its first statement on.

    On SQLite a transaction that reads first and writes later fails at once ("database is
    locked") when another writer committed in between; one that starts with ``BEGIN
    IMMEDIATE`` waits its turn instead. PostgreSQL needs nothing here.
    """
    session = db.session()
    if session.get_bind().dialect.name == "sqlite":
        _start_sqlite_write_transaction(session)


def begin_write_on_first_use() -> None:
    """Like ``begin_write``, but only once the session first talks to the database: a request
    that never needs the database (the language switch) works while it is away. A session
    already in a transaction (a script or test around the request) is switched at once."""
    session = db.session()
    if session.info.get(_CONNECTED):
        begin_write()
    else:
        session.info[_WRITE_ON_FIRST_USE] = True


def forget_write_promise() -> None:
    db.session().info.pop(_WRITE_ON_FIRST_USE, None)


def lock_row(model, row_id: int):
    """Lock one row for the rest of the transaction and return it freshly loaded.

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite: the transaction (re)starts with
    ``BEGIN IMMEDIATE``, which serialises all writers.
    """
    begin_write()
    session = db.session()
    stmt = (
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(stmt).one_or_none()


def lock_name(namespace: str, value: str) -> None:
    """Serialise the rest of the transaction with every other one that locks the same name,
    e.g. to count and then add rows that no single row stands for.

    PostgreSQL: a transaction-level advisory lock on a 64-bit hash of the name. SQLite: the
    write transaction (``BEGIN IMMEDIATE``) already serialises all writers. Take such locks
    after ``lock_row`` and always in the same order, so that no two transactions wait on
    each other.
    """
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        begin_write()
        return
    digest = hashlib.sha256(f"{namespace}\0{value}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
