"""What a letter is about, in words (the ``kind`` of its outbox message)."""

from __future__ import annotations

from typing import Any

from seminars.registrations.message_kinds import message_kind_label


def letter_kind_label(kind: str) -> str:
    """The kind in words (the same words as the call list)."""
    return message_kind_label(kind)


def audit_value_text(action: str, name: str, value: Any) -> str | None:
    """Words for the kind recorded with ``letter.printed`` (None: not such a value)."""
    if action == "letter.printed" and name == "letter" and isinstance(value, str):
        return letter_kind_label(value)
    return None
