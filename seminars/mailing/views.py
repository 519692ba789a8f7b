"""Compose, preview and send a message to the participants of a seminar."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.core.actions import refusal_on
from seminars.mailing import services
from seminars.mailing.forms import MessageForm
from seminars.registrations.staff import registrations_of

bp = Blueprint("mailing", __name__, url_prefix="/verwaltung")


@bp.route("/seminare/<int:seminar_id>/nachricht", methods=["GET", "POST"])
def compose(seminar_id: int):
    overview = registrations_of(seminar_id)
    form = MessageForm()
    preview = None
    if form.validate_on_submit():
        people = services.recipients(seminar_id, form.audience.data)
        if request.form.get("action") == "send":
            with refusal_on(form) as refused:
                count = services.send_to_participants(
                    seminar_id,
                    form.audience.data,
                    form.subject.data,
                    form.text.data,
                    actor=current_actor(),
                )
            if not refused:
                flash(
                    ngettext(
                        "Die Nachricht geht an %(num)d Person.",
                        "Die Nachricht geht an %(num)d Personen.",
                        count,
                    ),
                    "success",
                )
                return redirect(
                    url_for("staff_registrations.registrations", seminar_id=seminar_id), code=303
                )
        preview = {
            "count": len(people),
            "body": services.body_for(people[0], form.text.data) if people else "",
        }
    return render_template(
        "mailing/compose.html", overview=overview, form=form, preview=preview
    ), 422 if form.errors else 200
