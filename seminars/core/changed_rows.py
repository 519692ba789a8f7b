"""How many rows a bulk UPDATE or DELETE changed, and claiming a row once with it: a
conditional update claims something (1 row) or finds it claimed by another runner (0)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.dml import UpdateBase

from seminars.extensions import db


def changed_rows(statement: UpdateBase) -> int:
    """Execute ``statement`` in the current session and return its row count.

    ``Session.execute`` is typed to return a plain ``Result``; for a DML statement it is a
    ``CursorResult``, which alone has ``rowcount``."""
    return cast(CursorResult, db.session.execute(statement)).rowcount


def claim_once(stamp: InstrumentedAttribute[Any], row_id: int, at: datetime) -> bool:
    """Set the timestamp column ``stamp`` of row ``row_id`` to ``at`` if it is still empty.

    True for the one runner whose update found it empty; every other runner, before or after,
    gets False. The update locks the row until the transaction ends."""
    model = stamp.class_
    statement = (
        update(model)
        .where(model.id == row_id, stamp.is_(None))
        .values({stamp.key: at})
        .execution_options(synchronize_session=False)
    )
    return changed_rows(statement) == 1
