"""How a view runs one service call and tells the user how it went.

The request's unit of work commits (``core/unit_of_work.py``); these helpers only decide
what the user sees when a service refuses with a ``DomainError``:

- ``perform`` for a button without a form: flash the outcome, the view redirects;
- ``refusal_on(form)`` for a form: the refusal appears under the field it names (or above
  the form), and the view shows the form again with status 422.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from seminars.core.errors import DomainError
from seminars.core.unit_of_work import discard

T = TypeVar("T")


def perform(run: Callable[[], T], success: str | Callable[[T], str]) -> bool:
    """Run ``run`` and flash ``success`` (or, when it is a function, what it says about the
    result), or discard its work and flash why it was refused."""
    try:
        result = run()
    except DomainError as error:
        discard()
        flash(str(error.message), "warning")
        return False
    flash(success(result) if callable(success) else success, "success")
    return True


class Refusal:
    """Whether the service refused; true after a refusal (``if refused: …``)."""

    def __init__(self) -> None:
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def refusal_on(form: FlaskForm) -> Iterator[Refusal]:
    """Run the block; if a service refuses, discard the unit's work and show the message on
    ``form`` under the field the error names, or above the form when it names none."""
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        discard()
        refusal.error = error
        show_on_form(form, error)


def show_on_form(form: FlaskForm, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    message = str(error.message)
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(message)
    else:
        form.form_errors.append(message)
