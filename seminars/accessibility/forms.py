"""The forms of the accessibility pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from seminars.accessibility.costs import CostError, format_euros, parse_euros
from seminars.accessibility.venue_check import NOTE_MAX, RESOLUTION_LABELS, RESOLUTIONS
from seminars.core.forms import Form
from seminars.core.routing import parse_id


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


_LENGTH = _l("Höchstens %(max)d Zeichen.")
# An id that no row has: the service refuses it with a message under the field.
UNKNOWN_ID = 0


def optional_id(value) -> int | None:
    """A select's value: "" is nobody/none, anything but a plain id is unknown (never an
    error of the form library, whose messages are English only)."""
    if value is None or value == "" or isinstance(value, int):
        return value if value != "" else None
    found = parse_id(str(value))
    return found if found is not None else UNKNOWN_ID


class EuroField(StringField):
    """An amount in euros, in cents in ``cents`` (None: left empty)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cents: int | None = None

    def show(self, cents: int | None) -> None:
        self.cents = cents
        self.data = format_euros(cents)

    def pre_validate(self, form):
        try:
            self.cents = parse_euros(self.data)
        except CostError as error:
            raise ValidationError(str(error.message)) from error


class TaskForm(Form):
    owner_id = SelectField(_l("Zuständig"), coerce=optional_id, validate_choice=False)
    status = SelectField(_l("Stand"), validate_choice=False)
    provider_id = SelectField(_l("Anbieter"), coerce=optional_id, validate_choice=False)
    provider_text = StringField(
        _l("Anbieter (weitere Angaben)"), validators=[Length(max=200, message=_LENGTH)]
    )
    planned_cost = EuroField(_l("Geplante Kosten in Euro"))
    actual_cost = EuroField(_l("Tatsächliche Kosten in Euro"))
    note = TextAreaField(_l("Notiz"), validators=[Length(max=5000, message=_LENGTH)])


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # unknown keys: the service refuses them with a message


class ProviderForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200, message=_LENGTH)])
    kinds = _Checkboxes(_l("Leistungen"))
    contact = TextAreaField(
        _l("Kontakt (Ansprechperson, Telefon, E-Mail)"),
        validators=[Length(max=5000, message=_LENGTH)],
    )
    active = BooleanField(_l("Aktiv (wird bei Aufgaben angeboten)"), default=True)
