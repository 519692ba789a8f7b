"""Names and words the audit log shows but cannot look up itself.

Accounts and registrations build on the audit log (they write entries), so the arrows point
accounts -> audit and registrations -> audit. The log still shows staff members' names, the
person of a registration and a registration's status in words: ``create_app`` connects
those lookups here (``connect``), the same way as ``registrations/certificate_lookup.py``.
Every lookup takes all ids at once and answers in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any


def _no_words(action: str, name: str, value: Any) -> str | None:
    return None


@dataclass(frozen=True)
class Directory:
    user_names: Callable[[Collection[int]], Mapping[int, str]]
    # The person's name as it is now: "" once the registration is anonymised.
    registration_names: Callable[[Collection[int]], Mapping[int, str]]
    registration_status_label: Callable[[str], str]
    role_label: Callable[[str], str]
    # Words for fields another domain records, e.g. the needs (None: not one of them).
    domain_field_label: Callable[[str], str | None]
    # Words for a value another domain records, e.g. a task's state (None: not one of them).
    domain_value_text: Callable[[str, str, Any], str | None] = _no_words


_connected: list[Directory] = []


def connect(directory: Directory) -> None:
    _connected[:] = [directory]


def directory() -> Directory:
    if not _connected:
        raise RuntimeError("no audit directory connected: create_app connects one")
    return _connected[0]
