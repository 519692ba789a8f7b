"""Compose, preview and send a message to the participants of a seminar."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from seminars.core.errors import DomainError
from seminars.core.forms import Form
from seminars.extensions import db
from seminars.mailing import services
from seminars.registrations.staff import registrations_of

bp = Blueprint("mailing", __name__, url_prefix="/verwaltung")


def audience_choices():
    return [
        ("confirmed", _l("Bestätigte Teilnehmende")),
        ("waitlisted", _l("Warteliste")),
        ("all", _l("Alle (bestätigt und Warteliste)")),
    ]


class MessageForm(Form):
    audience = SelectField(_l("An wen"), choices=audience_choices)
    subject = StringField(
        _l("Betreff"),
        validators=[DataRequired(_l("Bitte geben Sie einen Betreff an.")), Length(max=200)],
    )
    text = TextAreaField(
        _l("Nachricht"),
        validators=[DataRequired(_l("Bitte schreiben Sie eine Nachricht.")), Length(max=10000)],
    )


@bp.route("/seminare/<int:seminar_id>/nachricht", methods=["GET", "POST"])
def compose(seminar_id: int):
    overview = registrations_of(seminar_id)
    form = MessageForm()
    preview = None
    if form.validate_on_submit():
        people = services.recipients(seminar_id, form.audience.data)
        if request.form.get("action") == "send":
            try:
                count = services.send_to_participants(
                    seminar_id,
                    form.audience.data,
                    form.subject.data,
                    form.text.data,
                    actor=current_user._get_current_object(),
                )
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "warning")
            else:
                db.session.commit()
                flash(_("Die Nachricht geht an %(n)d Personen.", n=count), "success")
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
