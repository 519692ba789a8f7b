"""Alembic settings shared by ``migrations/env.py`` and the test that compares models and
migrations, so both look at the schema the same way."""

from __future__ import annotations

from typing import Any

from seminars.core.db_types import UTCDateTime


def _render_item(type_: str, obj: Any, autogen_context) -> str | bool:
    # Migrations must not import application code: write our timestamp type as what it is.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def migration_options(dialect_name: str | None = None) -> dict[str, Any]:
    return {
        "compare_type": True,
        "compare_server_default": False,
        "render_item": _render_item,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        "render_as_batch": dialect_name == "sqlite" or dialect_name is None,
    }
