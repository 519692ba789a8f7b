"""Forms staff use for registrations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from seminars.core.forms import Form
from seminars.core.links_in_text import no_links_or_addresses
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_POST
from seminars.registrations.forms import (
    RegistrationForm,
    _one_line,
    _valid_email,
    check_channel,
)


class PhoneRegistrationForm(RegistrationForm):
    """Staff book someone who called: without e-mail, too, when the person takes part by post
    or by phone (``check_channel`` asks for what the channel needs)."""

    email = StringField(
        _l("E-Mail-Adresse"),
        filters=[_one_line],
        validators=[Optional(), Length(max=254), _valid_email],
        render_kw={"autocomplete": "off", "type": "email", "inputmode": "email"},
    )
    channel = RadioField(
        _l("Wie bekommt die Person Nachrichten von uns?"),
        choices=[
            (CHANNEL_EMAIL, _l("per E-Mail")),
            (CHANNEL_POST, _l("per Post (Briefe)")),
            (CHANNEL_PHONE, _l("per Telefon (Anrufliste)")),
        ],
        default=CHANNEL_EMAIL,
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not "for questions only" here: for the phone channel it is how the person is reached.
        self.phone.label.text = _l("Telefon")

    consent = BooleanField(
        _l(
            "Die Person hat eingewilligt, dass die Akademie ihre Angaben für das Seminar "
            "verarbeitet, auch Angaben zu Gesundheit oder Behinderung (Art. 9 DSGVO)."
        ),
        validators=[DataRequired(_l("Ohne Einwilligung keine Anmeldung."))],
    )


class ReasonForm(Form):
    reason = StringField(
        _l("Grund (kommt ins Änderungsprotokoll)"),
        filters=[_one_line],
        validators=[DataRequired(_l("Bitte geben Sie einen Grund an.")), Length(max=300)],
    )


class ContactForm(Form):
    """Staff correct the contact details: name, e-mail (needed only for the e-mail channel),
    phone, group, the channel and the postal address (``check_channel``)."""

    first_name = StringField(
        _l("Vorname"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte geben Sie den Vornamen an.")),
            Length(max=100),
            no_links_or_addresses,
        ],
    )
    last_name = StringField(
        _l("Nachname"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte geben Sie den Nachnamen an.")),
            Length(max=100),
            no_links_or_addresses,
        ],
    )
    email = StringField(
        _l("E-Mail-Adresse"),
        filters=[_one_line],
        validators=[Optional(), Length(max=254), _valid_email],
        render_kw={"autocomplete": "off", "type": "email", "inputmode": "email"},
    )
    phone = StringField(
        _l("Telefon"),
        filters=[_one_line],
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^[0-9+()/ -]{3,40}$",
                message=_l("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            ),
        ],
    )
    organisation = StringField(
        _l("Selbsthilfegruppe oder Organisation"),
        filters=[_one_line],
        validators=[Length(max=200), no_links_or_addresses],
    )
    channel = PhoneRegistrationForm.channel
    address_extra = RegistrationForm.address_extra
    street = RegistrationForm.street
    postcode = RegistrationForm.postcode
    city = RegistrationForm.city

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_channel(self) and valid
