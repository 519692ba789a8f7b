"""What a registrant is told about the accessibility services for their needs, asked
without importing them.

The accessibility package builds on registrations (it counts their needs), so the arrow
points accessibility -> registrations. The personal page and the mails still say which
service is booked for the person and offer the materials for their needs: ``create_app``
connects the accessibility package here (``connect``), and registrations ask through
``booked_services_of`` and ``materials_of``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from seminars.registrations.models import Registration


@dataclass(frozen=True)
class ServiceNotes:
    # The sentences for the person ("Gebärdensprachdolmetschung ist gebucht."), in the
    # current language, one per need of theirs whose service is booked or confirmed.
    booked_services_of: Callable[[Registration], list[str]]
    # The files for the person's needs they may download now (``id``, ``label``,
    # ``filename``, ``size``).
    materials_of: Callable[[Registration, datetime], Sequence[Any]]


_connected: list[ServiceNotes] = []


def connect(notes: ServiceNotes) -> None:
    _connected[:] = [notes]


def _notes() -> ServiceNotes:
    if not _connected:
        raise RuntimeError("no service notes connected: create_app connects them")
    return _connected[0]


def booked_services_of(registration: Registration) -> list[str]:
    return _notes().booked_services_of(registration)


def materials_of(registration: Registration, now: datetime) -> Sequence[Any]:
    return _notes().materials_of(registration, now)
