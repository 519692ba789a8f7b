"""Routes that belong to no domain: health check, robots.txt and the favicon."""

from __future__ import annotations

import logging
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from seminars.core.redirects import local_path
from seminars.extensions import csrf, db

log = logging.getLogger(__name__)

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health check: database not reachable")
        # An answer of 503: the request's unit of work rolls the failed transaction back.
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


_ROBOTS = "User-agent: *\nDisallow: /api/\n"


@bp.get("/robots.txt")
def robots():
    return Response(_ROBOTS, mimetype="text/plain")


# Browsers ask for /favicon.ico whatever the page says; it changes rarely: cached for a day.
FAVICON_MAX_AGE = 24 * 60 * 60


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder or "static",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )


@bp.get("/datenschutz")
def privacy():
    return render_template("core/privacy.html")


@bp.get("/barrierefreiheit")
def accessibility():
    return render_template(
        "core/accessibility.html",
        statement_date=date.fromisoformat(current_app.config["ACCESSIBILITY_STATEMENT_DATE"]),
    )


@bp.get("/leichte-sprache")
def easy_language():
    return render_template("core/easy_language.html")


LANGUAGE_COOKIE_DAYS = 365


@bp.post("/sprache")
# No CSRF token: the switch is a form in the header of every page, also of the catalogue pages
# that are cached and shared between visitors (page_cache.py), where a session's token must
# never appear. A forged request can do no more than the visitor's own click: set the
# language cookie to one of LANGUAGES and go back to a path on this site. Nothing is stored.
@csrf.exempt
def set_language():
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    response = redirect(local_path(request.form.get("next")), code=303)
    language = request.form.get("lang", "")
    # Browsers say when a form was sent from another site; such a request changes nothing.
    from_elsewhere = request.headers.get("Sec-Fetch-Site") == "cross-site"
    if language in current_app.config["LANGUAGES"] and not from_elsewhere:
        response.set_cookie(
            "lang",
            language,
            max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response
