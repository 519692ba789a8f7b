"""One unit of work per request, and one per item of a batch job.

Where a request's transaction begins and ends, in one place (``init_unit_of_work``):

- A write request (POST, PUT, PATCH, DELETE) is a write transaction from its first statement
  on (``begin_write_on_first_use``): on SQLite writers queue up behind ``BEGIN IMMEDIATE``
  instead of failing with "database is locked"; PostgreSQL needs nothing. A write request
  that never touches the database (the language switch) does not open one.
- When the view returns an answer below 400, the unit is committed once (a write request
  always; a read request only if it changed something, e.g. a PDF stored on first download,
  so that plain page views keep their loaded objects). An answer of 400 or above (a form
  shown again with its errors, a refused action) rolls it back. Any exception rolls it back
  too (``core/errors.py``), so a failure part-way never keeps half the work.
- Mail queued in the outbox during the unit goes out only after the commit
  (``outbox.services.send_committed``, an ``after_request`` hook).

Services flush but never commit or roll back. Work outside a request (housekeeping, the
outbox worker, command-line tools) wraps each item in ``unit()`` so that one failing item
neither takes the others down nor leaves half of itself behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, request

from seminars.core.locking import (
    begin_write,
    begin_write_on_first_use,
    forget_write_promise,
    has_changes,
)
from seminars.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Application(Flask):
    """Flask, with the request's unit of work closed as soon as the view has answered."""

    def dispatch_request(self) -> Response:
        response = self.make_response(super().dispatch_request())
        close(response)
        return response


def close(response: Response) -> None:
    """Commit the request's unit if the view answered below 400, else roll it back (a read
    that changed nothing is left to end with the request).

    A failing commit raises here, inside the request, so the error handlers answer it (the
    maintenance page when the database is gone) instead of a half-sent success page.
    """
    session = db.session()
    if response.status_code >= 400:
        session.rollback()
    elif request.method in WRITE_METHODS or has_changes(session):
        session.commit()


def discard() -> None:
    """Throw away everything the current unit has done (the action was refused)."""
    db.session.rollback()


def init_unit_of_work(app: Flask) -> None:
    @app.before_request
    def open_write_transaction() -> None:
        if request.method in WRITE_METHODS:
            begin_write_on_first_use()

    @app.teardown_request
    def drop_unused_write_promise(_error: BaseException | None) -> None:
        forget_write_promise()


@contextmanager
def unit() -> Iterator[None]:
    """One unit of work outside a request: a write transaction, committed when the block
    ends normally, rolled back (and the error passed on) when it raises."""
    begin_write()
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
