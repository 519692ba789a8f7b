"""Domain errors and the one place that turns errors into pages.

A service raises a ``DomainError`` with a translatable message; the handler registered here
shows it as a page in the user's language (or as JSON under ``/api/``), with the error's
HTTP status. No request ever ends in a bare 500 page without explanation. While the database
cannot be reached, every request gets the maintenance page instead (503, ``outage.py``).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from seminars.core.outage import database_unavailable, maintenance_response

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain said no. ``message`` is shown to the user."""

    status_code = 400
    default_message = _l("Diese Aktion ist nicht möglich.")

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message if message is not None else self.default_message
        # The form field the refusal is about (shown under it when the form is shown again).
        self.field = field
        super().__init__(str(self.message))


class NotFoundError(DomainError):
    status_code = 404
    default_message = _l("Diese Seite gibt es nicht (mehr).")


def _titles() -> dict[int, str]:
    return {
        400: _("Die Anfrage ist fehlerhaft"),
        403: _("Kein Zugriff"),
        404: _("Seite nicht gefunden"),
        405: _("Diese Aktion ist hier nicht möglich"),
        409: _("Das geht leider nicht"),
        410: _("Nicht mehr gültig"),
        413: _("Die Datei ist zu groß"),
        429: _("Zu viele Anfragen"),
        500: _("Ein Fehler ist aufgetreten"),
        503: _("Vorübergehend nicht erreichbar"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Bitte prüfen Sie Ihre Eingabe und versuchen Sie es noch einmal."),
        403: _("Sie haben keine Berechtigung für diese Seite."),
        404: _(
            "Die gesuchte Seite gibt es nicht oder nicht mehr. Vielleicht finden Sie das "
            "Seminar im aktuellen Programm oder im Archiv."
        ),
        405: _("Bitte nutzen Sie die Links und Formulare auf unseren Seiten."),
        413: _("Die gesendeten Daten sind zu groß."),
        429: _("Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal."),
        500: _(
            "Das tut uns leid. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an."
        ),
        503: _("Bitte versuchen Sie es in einigen Minuten noch einmal."),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None):
    title = _titles().get(status, _titles()[400 if status < 500 else 500])
    text = message or _explanations().get(status, "")
    if _wants_json():
        return jsonify({"status": status, "title": title, "detail": text}), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        # The action was refused: nothing it may have flushed is kept.
        _discard_unfinished_work()
        return error_response(error.status_code, str(error.message))

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return error_response(
            400,
            _(
                "Das Formular war zu lange geöffnet oder wurde nicht vollständig gesendet. "
                "Bitte laden Sie die Seite neu und senden Sie es noch einmal."
            ),
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if isinstance(error, RateLimitExceeded) and error.response is not None:
            return error.response  # the limited view's own answer (the login page)
        status = error.code or 500
        body, status = error_response(status)
        response = app.make_response((body, status))
        # Keep what the error says beyond its page, such as the Allow header of a 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        # The route pattern, never the path or query: those may hold a personal link's token.
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        if database_unavailable(error):
            # Not a fault of the application: the maintenance page, 503 with Retry-After.
            log.warning(
                "database unreachable on %s %s (%s)",
                request.method,
                rule,
                type(getattr(error, "orig", error)).__name__,
            )
            _discard_unfinished_work()
            return maintenance_response()
        log.exception("unhandled error on %s %s", request.method, rule)
        _discard_unfinished_work()
        return error_response(500)


def _discard_unfinished_work() -> None:
    """Roll back what the failed request wrote, before the error page is rendered (it may
    read the database, e.g. for the logged-in user)."""
    from seminars.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the page is shown regardless
        log.warning("rollback after an error failed", exc_info=True)
