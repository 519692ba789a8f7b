"""What other domains have to say on a seminar's staff page, asked without importing them.

Accessibility builds on planning's seminars (it reads their venues), so the arrow points
accessibility -> programme and planning never imports accessibility. Still, the seminar's
staff page warns when the venue does not fit the needs of its registrations: ``create_app``
connects a provider here (``connect``), and the page asks ``notices_for``. A provider
returns a ``Notice`` (a template to include and the values it shows) or None when it has
nothing to say; each keeps to a query or two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Notice:
    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[int, datetime], Notice | None]
_providers: dict[str, Provider] = {}


def connect(name: str, provider: Provider) -> None:
    """Register ``provider`` under ``name`` (connecting the same name again replaces it)."""
    _providers[name] = provider


def notices_for(seminar_id: int, now: datetime) -> list[Notice]:
    """What the connected providers have to say about the seminar, in the order connected."""
    found = (provider(seminar_id, now) for provider in _providers.values())
    return [notice for notice in found if notice is not None]
