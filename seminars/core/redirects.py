"""Where a form may send the visitor back to: a path on this site, and nothing else.

Browsers forgive a lot in a ``Location`` header: they drop tabs and line breaks, read a
backslash as a slash, and take ``//host`` as another site. So a target is accepted only if it
is already a plain local path; everything else becomes ``/``. It never raises.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_TARGET_LENGTH = 2000

# Percent-encoded slash and backslash: some servers and browsers decode them before routing.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c)", re.IGNORECASE)


def local_path(target: object, fallback: str = "/") -> str:
    """``target`` if it is a path on this site, otherwise ``fallback``."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET_LENGTH:
        return fallback
    if not target.isprintable():  # tab, CR, LF and every other control or separator
        return fallback
    if "\\" in target or _ENCODED_SEPARATOR.search(target):
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return fallback
    if parts.path.startswith("//"):
        return fallback
    return target
