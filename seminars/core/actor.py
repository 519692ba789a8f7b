"""Who acts: the staff member behind a change, as services see them.

Services take ``actor: Actor | None`` (None: the system itself, e.g. housekeeping or an
import from the command line). Any object with an id and an e-mail address will do; in the
application it is the logged-in ``accounts.models.User`` (``accounts.access.current_actor``).
A protocol, so that every domain can name the type without importing the accounts domain.
"""

from __future__ import annotations

from typing import Protocol


class Actor(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...
