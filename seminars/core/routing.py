"""URL converters: numbers in paths that the database can hold, nothing larger.

An id past the range of a 32-bit integer column cannot exist; without this bound it reaches
the database and fails there (SQLite: overflow, PostgreSQL: out of range) instead of being
a plain 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
