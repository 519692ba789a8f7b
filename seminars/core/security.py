"""Security headers on every response, secure cookies, and trusting a reverse proxy."""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def init_security(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_FIX_PROXIES", 0) or 0)
    if proxies:
        # Behind nginx or Apache: take the client address and scheme from their headers.
        # Flask's documented way to wrap its WSGI app; typeshed sees assigning to a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    elif app.config.get("ENV_NAME") == "production":
        _warn_once_about_untrusted_proxy_headers(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("HSTS_SECONDS"):
            headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={int(app.config['HSTS_SECONDS'])}; includeSubDomains",
            )
        return response


def keep_personal_page_private(response):
    """Pages behind a personal link or with one person's input: never cached, never indexed,
    and the link (it is the key) never leaves in a Referer header, e.g. when the
    online-meeting link is followed."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _warn_once_about_untrusted_proxy_headers(app: Flask) -> None:
    """Behind a proxy that nobody told the app about, every request seems to come from the
    proxy: rate limits and registration caps would count all clients as one."""
    warned: list[bool] = []

    @app.before_request
    def warn_about_untrusted_proxy_headers():
        if not warned and "X-Forwarded-For" in request.headers:
            warned.append(True)
            log.warning(
                "requests carry X-Forwarded-For but PROXY_FIX_PROXIES is 0: rate limits and "
                "registration caps count the proxy's address, so all clients share one count; "
                "set PROXY_FIX_PROXIES to the number of proxies in front of the app"
            )
