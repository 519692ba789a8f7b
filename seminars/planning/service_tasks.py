"""The accessibility tasks a seminar's page lists, asked without importing them.

Accessibility builds on the programme and the registrations; planning shows a seminar's
tasks all the same: ``create_app`` connects a lookup here (``connect``) and the seminar's
page asks through ``tasks_of``. Nothing connected (a script, a test of planning alone): no
tasks are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol


class SeminarTask(Protocol):
    """What the seminar's page shows of a task (``accessibility.task_lists.TaskRow``)."""

    @property
    def overdue(self) -> bool: ...

    @property
    def nobody_needs_it(self) -> bool: ...

    @property
    def owner_name(self) -> str | None: ...


TasksOf = Callable[[int], Sequence[SeminarTask]]
_connected: list[TasksOf] = []


def connect(tasks_of_seminar: TasksOf) -> None:
    _connected[:] = [tasks_of_seminar]


def tasks_of(seminar_id: int) -> Sequence[SeminarTask]:
    """The seminar's tasks, most urgent first; one query."""
    return _connected[0](seminar_id) if _connected else []
