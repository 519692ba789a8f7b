"""Forms of the accessibility pages in the back office."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seminars.core.forms import Form


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
