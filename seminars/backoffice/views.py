"""The staff start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from seminars.backoffice import services
from seminars.core.timezone import berlin_date, utcnow

bp = Blueprint("backoffice", __name__, url_prefix="/verwaltung")


@bp.get("/")
def dashboard():
    now = utcnow()
    return render_template(
        "backoffice/dashboard.html", seminars=services.upcoming(now), today=berlin_date(now)
    )
