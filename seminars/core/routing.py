"""Numbers from URLs and forms that the database can hold, nothing larger.

An id past the range of a 32-bit integer column cannot exist; without this bound it reaches
the database and fails there (SQLite: overflow, PostgreSQL: out of range) instead of being
a plain 404.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1
_ID = re.compile(r"[0-9]{1,9}")


def parse_id(raw: str | None) -> int | None:
    """An id or number sent in a form or query string: ASCII digits within the database's
    integer range, else None (``int()`` would also take "١٢" or 40 digits)."""
    return int(raw) if raw and _ID.fullmatch(raw) else None


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
