"""The form for a message to the participants of a seminar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from seminars.core.forms import Form


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
