"""Staff members' names for lists that show who did something (the audit log)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from seminars.accounts.models import User
from seminars.extensions import db


def names_of(user_ids: Collection[int]) -> dict[int, str]:
    """The name of each account, or its address where it has no name; one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.name, User.email).where(User.id.in_(set(user_ids)))
    )
    return {user_id: name or email for user_id, name, email in rows}
