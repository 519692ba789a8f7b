"""Forms of the questionnaire's back office."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from seminars.core.forms import Form
from seminars.surveys.models import KIND_SCALE, KIND_TEXT, KIND_YES_NO


def _kinds() -> list[tuple[str, str]]:
    return [
        (KIND_SCALE, _l("Skala von 1 bis 5")),
        (KIND_YES_NO, _l("Ja oder Nein")),
        (KIND_TEXT, _l("Freitext")),
    ]


class QuestionForm(Form):
    key = StringField(
        _l("Schlüssel (bleibt über alle Fassungen gleich)"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Schlüssel an.")),
            Length(max=40),
            Regexp(r"^[a-z0-9_]+$", message=_l("Nur Kleinbuchstaben, Ziffern und _.")),
        ],
    )
    kind = SelectField(_l("Art"), choices=_kinds)
    text_de = TextAreaField(
        _l("Frage (Deutsch)"),
        validators=[DataRequired(_l("Bitte geben Sie die Frage an.")), Length(max=500)],
    )
    text_en = TextAreaField(
        _l("Frage (Englisch)"),
        validators=[DataRequired(_l("Bitte geben Sie die Frage an.")), Length(max=500)],
    )
    position = IntegerField(
        _l("Reihenfolge"),
        default=100,
        validators=[Optional(), NumberRange(min=0, max=1000, message=_l("Zwischen 0 und 1000."))],
    )
    online_only = BooleanField(_l("Nur bei Online-Seminaren fragen"))
    retired = BooleanField(_l("Nicht mehr fragen"))


class PaperCodeForm(Form):
    """The code printed on a questionnaire that came back by post."""

    code = StringField(
        _l("Code auf dem Fragebogen"),
        description=_l("12 Zeichen, zum Beispiel ABCD-EFGH-JKMN"),
        # Longer input is refused by the service, with the message that explains a code.
        validators=[DataRequired(_l("Bitte geben Sie den Code ein.")), Length(max=500)],
    )
