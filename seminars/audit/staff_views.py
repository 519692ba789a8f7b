"""The audit log page of the back office, for administrators."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from seminars.audit import log

bp = Blueprint("audit", __name__, url_prefix="/verwaltung")


@bp.get("/protokoll")
def log_page():
    filters, problems = log.read_filters(request.args)
    return render_template(
        "audit/log.html",
        filters=filters,
        problems=problems,
        page=log.search(filters),
        choices=log.choices(),
    )
