"""The forms of the accessibility pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import Length

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
