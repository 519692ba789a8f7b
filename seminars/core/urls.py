"""Absolute links for mails and feeds, built from ``BASE_URL`` (never from the Host header).

Only development may leave ``BASE_URL`` empty (production refuses to start without it):
then a request's links follow the address the development server was asked at, and a
command outside any request (housekeeping, outbox) uses ``http://127.0.0.1:<port>`` with the
port from ``FLASK_RUN_PORT`` or ``PORT`` (else 5000), and says once which address it took.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

log = logging.getLogger(__name__)

DEFAULT_DEVELOPMENT_PORT = "5000"


def base_url() -> str:
    """The site's address, without a trailing slash."""
    configured = str(current_app.config.get("BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if current_app.config.get("ENV_NAME") == "production":
        raise RuntimeError("BASE_URL must be set in production")  # start-up refuses already
    if has_request_context():
        return request.host_url.rstrip("/")
    return _command_base_url()


def _command_base_url() -> str:
    port = (os.environ.get("FLASK_RUN_PORT") or os.environ.get("PORT") or "").strip()
    url = f"http://127.0.0.1:{port or DEFAULT_DEVELOPMENT_PORT}"
    if not current_app.extensions.get("base_url_announced"):
        current_app.extensions["base_url_announced"] = True
        log.warning(
            "BASE_URL is not set: links in mails point to %s%s. Set BASE_URL (or PORT) to "
            "the address of your development server if it runs elsewhere.",
            url,
            "" if port else " (default port)",
        )
    return url


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


# The paths the application builds: letters, digits and - _ . / ~, no query, no fragment.
_OWN_PATH = re.compile(r"[A-Za-z0-9/_.~-]*")


def own_site_link() -> Callable[[str], bool]:
    """Whether a URL is a plain link to this site (``BASE_URL``), as the application makes."""
    base = base_url() + "/"
    return lambda url: url.startswith(base) and _OWN_PATH.fullmatch(url[len(base) :]) is not None
