"""Routes that belong to no domain: health check and robots.txt."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, render_template
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
