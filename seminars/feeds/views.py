"""Calendar feeds: the whole published programme, and one seminar."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from flask_babel import gettext as _

from seminars.catalogue import services
from seminars.core.timezone import utcnow
from seminars.feeds.ical import build_calendar

bp = Blueprint("feeds", __name__)

ICAL_MIMETYPE = "text/calendar"


def _calendar_response(entries, *, filename: str) -> Response:
    body = build_calendar(
        entries,
        calendar_name=_("Selbsthilfe im Dialog – Seminare"),
        uid_domain=current_app.config["CALENDAR_UID_DOMAIN"],
        url_for_seminar=lambda seminar_id: url_for(
            "catalogue.detail", seminar_id=seminar_id, _external=True
        ),
        online_label=_("Online"),
        part_label=lambda title, number, total: _(
            "%(title)s (Teil %(number)d von %(total)d)", title=title, number=number, total=total
        ),
        stamp=utcnow(),
    )
    response = Response(body, mimetype=ICAL_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/seminare.ics")
def programme_calendar():
    return _calendar_response(services.feed_seminars(now=utcnow()), filename="seminare.ics")


@bp.get("/seminare/<int:seminar_id>.ics")
def seminar_calendar(seminar_id: int):
    entry = services.get_public_seminar(seminar_id, now=utcnow())
    return _calendar_response([entry], filename=f"seminar-{seminar_id}.ics")
