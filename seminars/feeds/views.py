"""Calendar feeds: the whole published programme, and one seminar."""

from __future__ import annotations

from flask import Blueprint

from seminars.catalogue import services
from seminars.core.timezone import utcnow
from seminars.programme.ical import calendar_response

bp = Blueprint("feeds", __name__)


@bp.get("/seminare.ics")
def programme_calendar():
    entries = services.feed_seminars(now=utcnow())
    return calendar_response([e.seminar for e in entries], filename="seminare.ics")


@bp.get("/seminare/<int:seminar_id>.ics")
def seminar_calendar(seminar_id: int):
    entry = services.get_public_seminar(seminar_id, now=utcnow())
    return calendar_response([entry.seminar], filename=f"seminar-{seminar_id}.ics")
