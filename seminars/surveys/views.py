"""The evaluation form behind the single-use link (public; the back office is in
``staff_views.py``)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from seminars.core.i18n import current_language
from seminars.core.logs import unlogged
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.surveys import services

bp = Blueprint("surveys", __name__)


# Survey links are keys: never cached, never indexed, never passed on in a Referer.
bp.after_request(keep_personal_page_private)


@bp.get("/befragung/<token>")
def answer(token: str):
    survey = services.open_survey(token, now=utcnow())
    return render_template(
        "surveys/answer.html", survey=survey, token=token, locale=current_language()
    )


@bp.post("/befragung/<token>")
@unlogged
def submit(token: str):
    services.submit(token, request.form.to_dict(), now=utcnow())
    return redirect(url_for("surveys.thanks"), code=303)


@bp.get("/befragung/danke")
def thanks():
    return render_template("surveys/thanks.html")
