"""The staff start page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from seminars.accessibility import task_lists, venue_check
from seminars.accounts.access import current_actor
from seminars.accounts.models import ROLE_STEERING
from seminars.backoffice import services
from seminars.calls import services as calls
from seminars.core.timezone import berlin_date, utcnow

bp = Blueprint("backoffice", __name__, url_prefix="/verwaltung")


@bp.get("/")
def dashboard():
    now = utcnow()
    seminars = services.upcoming(now)
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    undelivered = None
    venue_checks = None
    service_tasks = None
    open_calls = None
    letters = 0
    if current_actor().role == ROLE_STEERING:  # figures only, never a need a small count reveals
        seminars = services.withhold_small_needs(seminars, minimum)
    else:  # whom a mail did not reach is personal data; the tasks name a seminar's needs
        undelivered = services.undelivered(now)
        # Which seminar's venue misses a need tells of a person's need: staff only.
        venue_checks = venue_check.open_mismatches(now)
        service_tasks = task_lists.needing_attention(now)
        # Whom to call is personal data too: staff only.
        open_calls = calls.figures(now)
        letters = services.letters_to_print()
    return render_template(
        "backoffice/dashboard.html",
        seminars=seminars,
        undelivered=undelivered,
        venue_checks=venue_checks,
        service_tasks=service_tasks,
        open_calls=open_calls,
        letters=letters,
        today=berlin_date(now),
        minimum=minimum,
    )
