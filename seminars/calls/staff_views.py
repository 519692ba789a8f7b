"""The call list in the back office: whom to call about what, and what came of it."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminars.accounts.access import current_actor
from seminars.calls import services
from seminars.core.actions import perform
from seminars.core.timezone import utcnow
from seminars.registrations import phone_calls
from seminars.registrations.call_records import (
    ACCEPTED,
    DECLINED,
    NOT_REACHED,
    OBSOLETE,
    OUTCOME_LABELS,
)

bp = Blueprint("staff_calls", __name__, url_prefix="/verwaltung")


@bp.get("/anrufe")
def calls():
    now = utcnow()
    return render_template(
        "calls/list.html", entries=services.open_calls(now), outcome_labels=OUTCOME_LABELS
    )


def _said(result: phone_calls.CallResult) -> str:
    if result.outcome == NOT_REACHED:
        return _("Nicht erreicht: Der Anruf bleibt auf der Liste.")
    if result.outcome == ACCEPTED:
        return _("Angenommen: Die Person hat den Platz.")
    if result.outcome == DECLINED:
        return _("Abgelehnt: Der Platz geht an die nächste Person auf der Warteliste.")
    if result.outcome == OBSOLETE:
        return _(
            "Die Frist für das Angebot war schon abgelaufen; der Platz ist an die nächste "
            "Person auf der Warteliste gegangen."
        )
    return _("Erledigt: Der Anruf ist von der Liste genommen.")


@bp.post("/anrufe/<int:message_id>")
def record_outcome(message_id: int):
    outcome = request.form.get("outcome", "")
    perform(
        lambda: phone_calls.record_outcome(
            message_id, outcome, actor=current_actor(), now=utcnow()
        ),
        _said,
    )
    return redirect(url_for(".calls"), code=303)
