"""Absolute links for mails and feeds, built from ``BASE_URL`` (never from the Host header)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


# The paths the application builds: letters, digits and - _ . / ~, no query, no fragment.
_OWN_PATH = re.compile(r"[A-Za-z0-9/_.~-]*")


def own_site_link() -> Callable[[str], bool]:
    """Whether a URL is a plain link to this site (``BASE_URL``), as the application makes."""
    base = current_app.config["BASE_URL"].rstrip("/") + "/"
    return lambda url: url.startswith(base) and _OWN_PATH.fullmatch(url[len(base) :]) is not None
