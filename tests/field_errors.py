"""Where a form page shows a message: under which field (``_forms.html``'s ``errors`` macro)."""

from __future__ import annotations

import html
import re


def field_error(page: str, field_id: str) -> str | None:
    """The message shown under the field ``field_id`` (without the hidden "Fehler:"), or None."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S
    )
    if match is None:
        return None
    text = re.sub(r'<span class="visually-hidden">.*?</span>', "", match.group(1), flags=re.S)
    return html.unescape(text).strip()
