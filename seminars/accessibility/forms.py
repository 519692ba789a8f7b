"""The forms of the accessibility pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seminars.accessibility.venue_check import NOTE_MAX, RESOLUTION_LABELS, RESOLUTIONS
from seminars.core.forms import Form


class VenueCheckForm(Form):
    """How one mismatch of the venue check is settled. Which answers are allowed, and that
    "fine" needs a reason, the service decides (its refusal shows under the field)."""

    check = HiddenField()
    resolution = RadioField(
        _l("Wie ist es gelöst?"),
        choices=[(key, RESOLUTION_LABELS[key]) for key in RESOLUTIONS],
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Notiz"),
        validators=[Length(max=NOTE_MAX, message=_l("Höchstens %(max)d Zeichen."))],
    )


class MaterialForm(Form):
    """One format's file; shown once per format, each with its own prefix."""

    file = FileField(_l("Datei"))
    available_from = DateField(
        _l("Für die Teilnehmenden abrufbar ab"),
        validators=[Optional()],
    )


class TellUnavailableForm(Form):
    text_de = TextAreaField(
        _l("Text auf Deutsch"),
        validators=[DataRequired(_l("Bitte schreiben Sie einen Text.")), Length(max=5000)],
        render_kw={"rows": 10},
    )
    text_en = TextAreaField(
        _l("Text auf Englisch (für Personen, die Englisch gewählt haben)"),
        validators=[DataRequired(_l("Bitte schreiben Sie einen Text.")), Length(max=5000)],
        render_kw={"rows": 10},
    )
