"""How many rows a bulk UPDATE or DELETE changed, e.g. to tell whether a conditional update
claimed something (1) or found it already claimed by another runner (0)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult
from sqlalchemy.sql.dml import UpdateBase

from seminars.extensions import db


def changed_rows(statement: UpdateBase) -> int:
    """Execute ``statement`` in the current session and return its row count.

    ``Session.execute`` is typed to return a plain ``Result``; for a DML statement it is a
    ``CursorResult``, which alone has ``rowcount``."""
    return cast(CursorResult, db.session.execute(statement)).rowcount
