"""Forms of the programme import page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from seminars.core.forms import Form


class UploadForm(Form):
    file = FileField(
        _l("Programmdatei (CSV oder Excel)"),
        validators=[FileRequired(_l("Bitte wählen Sie eine Datei aus."))],
        render_kw={"accept": ".csv,.txt,.xlsx"},
    )


class ConfirmForm(Form):
    # The token of the file shown in the preview: a preview in another tab does not swap it.
    token = HiddenField()
