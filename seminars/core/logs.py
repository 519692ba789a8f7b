"""Structured logs: one JSON object per line, each with the id of the request it belongs to.

Logs never carry personal data. Requests are logged by their route pattern
(``/anmeldung/<token>``), not by their path, so that neither links nor query strings reach
the log; anything that looks like an e-mail address is masked in every message and
traceback; the database driver's error messages leave out parameters
(``hide_parameters``). Staff appear by account id, never by name.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

log = logging.getLogger("seminars.requests")

_EMAIL = re.compile(r"[^\s@<>\"'(),;:/\[\]]+@[^\s@<>\"'(),;:/\[\]]+\.[A-Za-z]{2,}")
# A proxy's request id is taken over when it looks like one; otherwise a new one is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_FIELDS = ("request_id", "method", "route", "endpoint", "status", "duration_ms", "user_id")


UNLOGGED = "_request_not_logged"


def unlogged(view):
    """Leave the view's POST requests out of the request log. For answers to the survey: a
    logged time next to the order of the stored answers would tell which answer came from
    whom (typed in from paper, or online)."""
    setattr(view, UNLOGGED, True)
    return view


def scrub(text: str) -> str:
    return _EMAIL.sub("[e-mail]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the same facts on one readable line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return scrub(super().format(record))


class RequestContext(logging.Filter):
    """Adds the current request's id to every record logged while it runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = g.get("request_id")
        return True


def _handler(app: Flask) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    text = app.config.get("LOG_FORMAT", "json") == "text"
    handler.setFormatter(TextFormatter() if text else JsonFormatter())
    handler.addFilter(RequestContext())
    handler.set_name("seminars")
    return handler


def init_logging(app: Flask) -> None:
    from flask.logging import default_handler

    logger = logging.getLogger("seminars")
    logger.removeHandler(default_handler)
    for old in [h for h in logger.handlers if h.get_name() == "seminars"]:
        logger.removeHandler(old)
    logger.addHandler(_handler(app))
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False

    @app.before_request
    def start_request_log():
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request_log(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        view = app.view_functions.get(request.endpoint or "")
        unlogged_post = request.method == "POST" and getattr(view, UNLOGGED, False)
        if app.config.get("LOG_REQUESTS", True) and not unlogged_post:
            started = g.get("request_started", time.perf_counter())
            user = g.get("_login_user")
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else "(no route)",
                    "endpoint": request.endpoint,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(user, "id", None),  # anonymous visitors have none
                },
            )
        return response
