"""Reconcile accessibility tasks just before a transaction commits, for every seminar whose
registrations (status, seat, needs) or sessions it changed.

Registrations build on neither tasks nor alerts; this hook lets every path (public form,
phone registration, personal page, expiry, cancellation, erasure, a new date) keep the tasks
right without calling anything. Bulk statements (retention's anonymising) are not seen, and
need not be: they touch only seminars that have ended, whose tasks stand still.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from seminars.core.timezone import utcnow
from seminars.programme.models import SeminarSession
from seminars.registrations.models import Registration
from seminars.registrations.needs import NEED_KEYS

_CHANGED = "accessibility_seminars"
# What places a registration in the counts: only one with a need is counted at all.
_PLACED = ("status", "holds_seat", "seminar_id")


def _has_need(registration: Registration) -> bool:
    return any(getattr(registration, key) for key in NEED_KEYS)


def _had_need(state) -> bool:
    """A need the registration had before this flush (a need switched off still counts)."""
    return any(state.attrs[key].history.deleted for key in NEED_KEYS) or _has_need(state.obj())


def _after_flush(session: Session, flush_context) -> None:
    changed: set[int] = session.info.setdefault(_CHANGED, set())
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, SeminarSession) and obj.seminar_id is not None:
            changed.add(obj.seminar_id)
        elif isinstance(obj, Registration) and obj.seminar_id is not None and _has_need(obj):
            # A registration without needs changes no task's count: none to reconcile.
            changed.add(obj.seminar_id)
    for obj in session.dirty:
        if isinstance(obj, SeminarSession):
            changed.add(obj.seminar_id)
        elif isinstance(obj, Registration):
            state = inspect(obj)
            needs_changed = any(state.attrs[key].history.has_changes() for key in NEED_KEYS)
            placed = any(state.attrs[key].history.has_changes() for key in _PLACED)
            if needs_changed or (placed and _had_need(state)):
                changed.add(obj.seminar_id)
                # Moved to another seminar: the one it left counts it no more.
                for before in state.attrs["seminar_id"].history.deleted:
                    if before is not None:
                        changed.add(before)


def _before_commit(session: Session) -> None:
    # Imported here: alerts queue mail, which the outbox hooks also watch.
    from seminars.accessibility.alerts import queue_alerts
    from seminars.accessibility.tasks import reconcile

    done: set[int] = set()
    while True:
        session.flush()  # what is still pending shows up in the set first
        waiting = session.info.get(_CHANGED, set()) - done
        if not waiting:
            break
        for seminar_id in sorted(waiting):
            done.add(seminar_id)
            queue_alerts(reconcile(seminar_id, now=utcnow()))
    session.info.pop(_CHANGED, None)


def _forget(session: Session, *args) -> None:
    session.info.pop(_CHANGED, None)


def install(session_class) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "before_commit", _before_commit)
        event.listen(session_class, "after_rollback", _forget)
