"""A database outage: recognised as such, and answered with a maintenance page.

While the database cannot be reached (down, restarting, the connection cut half-way through
a request) every page answers 503 with ``Retry-After`` and a short page in the visitor's
language, with the same text in the other interface languages below it. The page needs
nothing from the database: the language comes from the cookie or the browser, the base
template reads no rows, and the page is neither cached nor stored (``no-store``). Other
database errors are faults of the application and stay a 500.
"""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from seminars.core.i18n import current_language

# How long clients (and crawlers) are asked to wait before they try again.
RETRY_AFTER_SECONDS = 60

# PostgreSQL error classes that mean "the server is not there for this connection":
# 08 connection exceptions; 57P01-57P03 admin shutdown, crash shutdown, cannot connect now.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says that the database cannot be reached (rather than that a query
    was wrong): a connection that could not be opened, or one that broke."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True  # the driver saw the connection break (SQLAlchemy's is_disconnect)
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if error.statement is None:
        return True  # raised while connecting, before any statement was sent
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES)


def _texts() -> dict[str, str]:
    return {
        "title": _("Vorübergehend nicht erreichbar"),
        "message": _(
            "Die Seminaranmeldung ist gerade nicht erreichbar, weil wir eine Störung beheben "
            "oder an der Technik arbeiten. Bitte versuchen Sie es in einigen Minuten noch "
            "einmal."
        ),
        "resend": _(
            "Falls Sie gerade ein Formular abgeschickt haben, senden Sie es bitte später noch "
            "einmal."
        ),
    }


def maintenance_response():
    """The 503 answer while the database is away: JSON under ``/api/``, else the page."""
    if request.path.startswith("/api/"):
        texts = _texts()
        body = jsonify({"status": 503, "title": texts["title"], "detail": texts["message"]})
    else:
        # Flask-Login puts ``current_user`` into every template and would load the user from
        # the database for it: whoever asks now is treated as not logged in.
        g._login_user = current_app.login_manager.anonymous_user()
        shown = current_language()
        others = []
        for code in current_app.config["LANGUAGES"]:
            if code != shown:
                with force_locale(code):
                    others.append({"lang": code, **_texts()})
        body = render_template("errors/maintenance.html", **_texts(), others=others)
    response = current_app.make_response((body, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
