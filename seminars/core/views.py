"""Routes that belong to no domain: health check and robots.txt."""

from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


_ROBOTS = "User-agent: *\nDisallow: /api/\n"


@bp.get("/robots.txt")
def robots():
    return Response(_ROBOTS, mimetype="text/plain")


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


def _local_path(target: str | None) -> str:
    """Only paths on this site: never redirect elsewhere (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.post("/sprache")
@csrf.exempt  # choosing a language changes nothing stored; the form stays cacheable
def set_language():
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    response = redirect(_local_path(request.form.get("next")), code=303)
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            language,
            max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response
