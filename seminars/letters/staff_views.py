"""The print queue in the back office: the letters to print, as PDF, and marking them posted."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.certificates.downloads import pdf_response
from seminars.core.actions import perform
from seminars.core.routing import parse_id
from seminars.core.timezone import berlin_date, utcnow
from seminars.letters import rendering, services
from seminars.letters.kinds import letter_kind_label

bp = Blueprint("staff_letters", __name__, url_prefix="/verwaltung")


def _ids(values: list[str]) -> list[int]:
    return [number for value in values if (number := parse_id(value)) is not None]


@bp.get("/briefe")
def queue():
    return render_template(
        "letters/queue.html",
        letters=services.due_letters(),
        limit=services.LIMIT,
        now=utcnow(),
        overdue_after=services.OVERDUE_AFTER,
        kind_label=letter_kind_label,
    )


@bp.get("/briefe/faellig.pdf")
def download_due():
    """All due letters in one PDF, or (``brief`` given, as the queue page links it) only the
    letters shown on the page that are still due."""
    wanted = request.args.getlist("brief")
    letters = services.letters_to_print(_ids(wanted) if wanted else None)
    today = berlin_date(utcnow())
    return pdf_response(
        rendering.letters_pdf(letters, today=today), f"briefe-{today.isoformat()}.pdf"
    )


@bp.get("/briefe/<int:message_id>.pdf")
def download_one(message_id: int):
    letter = services.letter_to_print(message_id)
    today = berlin_date(utcnow())
    return pdf_response(rendering.letters_pdf([letter], today=today), f"brief-{message_id}.pdf")


def _marked(count: int) -> str:
    return ngettext(
        "%(num)d Brief als gedruckt und versandt markiert.",
        "%(num)d Briefe als gedruckt und versandt markiert.",
        count,
    )


@bp.post("/briefe/gedruckt")
def mark_batch():
    ids = _ids(request.form.getlist("letter_ids"))
    perform(
        lambda: services.mark_printed(ids, actor=current_actor(), now=utcnow()),
        _marked,
    )
    return redirect(url_for(".queue"), code=303)


@bp.post("/briefe/<int:message_id>/gedruckt")
def mark_one(message_id: int):
    perform(
        lambda: services.mark_printed([message_id], actor=current_actor(), now=utcnow()),
        _marked,
    )
    return redirect(url_for(".queue"), code=303)
