"""Noticing commits that change what the public lists show, for the shared page cache.

A session remembers that it flushed or bulk-changed a row of a table the lists are built
from (registrations: the places; seminars, sessions, topics, venues, instructors: what is
shown and found). After the commit, the shared page cache (``PAGE_CACHE_URL``) is told, so
that no worker serves a page built before it (``shared_pages.retire_pages``). Every path
that changes places (the public form, staff, expiry, cancellation, moving up from the
waitlist) goes through a session, so none has to remember to call anything. A rollback
forgets the note. Without ``PAGE_CACHE_URL`` nothing is done: each worker's own pages live
only ``CATALOGUE_CACHE_SECONDS``.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from seminars.catalogue import shared_pages

LISTED_TABLES = frozenset(
    {"registration", "seminar", "seminar_session", "topic", "venue", "instructor"}
)
# Link tables change with their seminar, which is then among the changed objects too.
_CHANGED = "catalogue_changed"


def _table_of(obj: object) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


def _after_flush(session: Session, flush_context) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _table_of(obj) in LISTED_TABLES:
            session.info[_CHANGED] = True
            return


def _on_execute(state: ORMExecuteState) -> None:
    # Bulk INSERT/UPDATE/DELETE statements change rows without a flush.
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in LISTED_TABLES:
        state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    from flask import current_app, has_app_context

    url = current_app.config.get("PAGE_CACHE_URL") if has_app_context() else None
    if url:
        shared_pages.retire_pages(url)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def install(session_class) -> None:
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "do_orm_execute", _on_execute)
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)
