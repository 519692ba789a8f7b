"""The bytes of the materials, under ``MATERIALS_FOLDER`` (outside the database).

A file is written when it is uploaded and removed when its row goes; both follow the
transaction: a file written in a transaction that rolls back is removed again, and a file
whose row a transaction deletes (replaced, deleted by staff, retention, the seminar deleted)
is removed only once that transaction has committed. The stored name is random; the name
the file was uploaded under never becomes a path.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from seminars.accessibility.models import ServiceMaterial
from seminars.extensions import db
from seminars.programme.models import Seminar

log = logging.getLogger(__name__)

_WRITTEN = "materials_written"  # removed if the transaction rolls back
_DROPPED = "materials_dropped"  # removed once the transaction has committed


def folder() -> Path:
    return Path(current_app.config["MATERIALS_FOLDER"])


def path_of(stored_name: str) -> Path:
    # Stored names are ours (hex and a fixed ending); refuse anything else all the same.
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name[0] == ".":
        raise ValueError("not a stored material name")
    return folder() / stored_name


def write(data: bytes, ending: str) -> str:
    """Keep ``data`` under a new random name; returns the name."""
    stored_name = f"{secrets.token_hex(16)}.{ending}"
    target = path_of(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    db.session.info.setdefault(_WRITTEN, []).append(stored_name)
    return stored_name


def drop_after_commit(stored_name: str) -> None:
    db.session.info.setdefault(_DROPPED, []).append(stored_name)


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            path_of(name).unlink(missing_ok=True)
        except (OSError, ValueError):
            log.exception("could not remove material file %s", name)


def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _remove(session.info.pop(_DROPPED, []))


def _after_rollback(session: Session) -> None:
    session.info.pop(_DROPPED, None)
    _remove(session.info.pop(_WRITTEN, []))


def _before_flush(session: Session, flush_context, instances) -> None:
    # A deleted seminar takes its materials' rows along (ON DELETE CASCADE): their files go
    # with them.
    deleted = [obj.id for obj in session.deleted if isinstance(obj, Seminar) and obj.id]
    if not deleted:
        return
    with session.no_autoflush:
        names = session.scalars(
            select(ServiceMaterial.stored_name).where(ServiceMaterial.seminar_id.in_(deleted))
        )
        session.info.setdefault(_DROPPED, []).extend(names)


def install(session_class) -> None:
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)
        event.listen(session_class, "before_flush", _before_flush)
