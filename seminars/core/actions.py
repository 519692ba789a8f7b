"""One way for back-office views to run a service call and tell the user how it went."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from seminars.core.errors import DomainError
from seminars.extensions import db


def perform(run: Callable[[], object], success: str) -> bool:
    """Run ``run``; commit and flash ``success``, or roll back and flash why it was refused."""
    try:
        run()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "warning")
        return False
    db.session.commit()
    flash(success, "success")
    return True
