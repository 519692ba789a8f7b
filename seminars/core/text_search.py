"""Case-insensitive "contains" that treats umlauts alike on PostgreSQL and SQLite.

PostgreSQL's ``lower`` lower-cases every letter; SQLite's only ASCII ones, so "Ärger" would
not find "ärger" there. ``folded`` is ``lower`` on PostgreSQL and, on SQLite, the Python
function ``unicode_lower`` that ``core/sqlite.py`` registers on every connection. The search
word is lower-cased in Python the same way, and its wildcards are escaped.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "unicode_lower"


class folded(FunctionElement):  # noqa: N801 (named like the SQL function it stands for)
    name = "folded"
    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element, compiler, **kw) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def unicode_lower(value: object) -> object:
    """The SQLite function: Python's ``str.lower`` (like PostgreSQL's ``lower``)."""
    return value.lower() if isinstance(value, str) else value


def contains_word(column, word: str) -> ColumnElement[bool]:
    """``column`` contains ``word``, ignoring case; ``%`` and ``_`` in ``word`` are literal."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(f"%{escaped}%", escape="\\")
