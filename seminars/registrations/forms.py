"""The registration form: what a volunteer enters, checked field by field."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from seminars.core.forms import Form
from seminars.core.links_in_text import no_links, no_links_or_addresses
from seminars.registrations.applicant import Applicant
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_POST, own_choices
from seminars.registrations.counties import COUNTY_KEYS, ELSEWHERE, SAXONY, THURINGIA
from seminars.registrations.needs import NEED_GROUPS, NEED_KEYS, NEEDS, needs_in_group

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


# The base form has removed control characters and normalised line breaks already.


def _one_line(value):
    if value is None:
        return value
    return " ".join(str(value).split())


def _multi_line(value):
    if value is None:
        return value
    return str(value).strip()


def _valid_email(form, field) -> None:
    if field.data and not _EMAIL.fullmatch(field.data):
        raise ValidationError(
            _l("Bitte geben Sie eine vollständige E-Mail-Adresse an, z. B. name@beispiel.de.")
        )


def email_field() -> StringField:
    """A required e-mail address, as volunteers type it: on one line, checked like
    registrations check it (also for the interest lists' forms)."""
    return StringField(
        _l("E-Mail-Adresse"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
            Length(max=254, message=_l("Höchstens %(max)d Zeichen.")),
            _valid_email,
        ],
        render_kw={"autocomplete": "email", "type": "email", "inputmode": "email"},
    )


def _known_county(form, field) -> None:
    if field.data and field.data not in COUNTY_KEYS:
        field.data = ""
        raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))


def county_groups():
    """(group label, [(key, name)]) for the county list, rendered with optgroups."""
    return [
        (_l("Thüringen"), THURINGIA),
        (_l("Sachsen"), SAXONY),
        (_l("Anderswo"), [(ELSEWHERE, _l("außerhalb von Thüringen und Sachsen"))]),
    ]


class RegistrationForm(Form):
    first_name = StringField(
        _l("Vorname"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte geben Sie Ihren Vornamen an.")),
            Length(max=100, message=_l("Höchstens %(max)d Zeichen.")),
            no_links_or_addresses,
        ],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Nachname"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte geben Sie Ihren Nachnamen an.")),
            Length(max=100, message=_l("Höchstens %(max)d Zeichen.")),
            no_links_or_addresses,
        ],
        render_kw={"autocomplete": "family-name"},
    )
    email = email_field()
    organisation = StringField(
        _l("Selbsthilfegruppe oder Organisation"),
        filters=[_one_line],
        validators=[
            DataRequired(_l("Bitte nennen Sie Ihre Selbsthilfegruppe oder Organisation.")),
            Length(max=200, message=_l("Höchstens %(max)d Zeichen.")),
            no_links_or_addresses,
        ],
        render_kw={"autocomplete": "organization"},
    )
    # Rendered as a select with groups (see the template); checked against the known keys.
    county = StringField(
        _l("Landkreis oder kreisfreie Stadt (freiwillig)"),
        filters=[_one_line],
        validators=[_known_county],
    )
    phone = StringField(
        _l("Telefon (freiwillig, für Rückfragen)"),
        filters=[_one_line],
        validators=[
            Optional(),
            Length(max=40, message=_l("Höchstens %(max)d Zeichen.")),
            Regexp(
                r"^[0-9+()/ -]{3,40}$",
                message=_l("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            ),
        ],
        render_kw={"autocomplete": "tel", "type": "tel", "inputmode": "tel"},
    )
    # One checkbox per need, named by its key, in the order of ``NEEDS`` (the class body's
    # namespace takes them as if each were written out here).
    locals().update({need.key: BooleanField(need.label) for need in NEEDS})
    needs_other = TextAreaField(
        _l("Was brauchen Sie sonst, um gut teilnehmen zu können? (freiwillig)"),
        filters=[_multi_line],
        validators=[Length(max=500, message=_l("Höchstens %(max)d Zeichen.")), no_links],
    )
    remarks = TextAreaField(
        _l("Anmerkungen (freiwillig)"),
        filters=[_multi_line],
        validators=[Length(max=1000, message=_l("Höchstens %(max)d Zeichen.")), no_links],
    )
    # How the academy writes to the person; letters need the postal address below.
    channel = RadioField(
        _l("Wie möchten Sie Nachrichten von uns bekommen?"),
        choices=[
            (CHANNEL_EMAIL, _l("per E-Mail")),
            (CHANNEL_POST, _l("per Post (Briefe an Ihre Anschrift)")),
        ],
        default=CHANNEL_EMAIL,
        validate_choice=False,
    )
    address_extra = StringField(
        _l("Adresszusatz (freiwillig, z. B. c/o oder Wohnbereich)"),
        filters=[_one_line],
        validators=[Length(max=100, message=_l("Höchstens %(max)d Zeichen.")), no_links],
        render_kw={"autocomplete": "address-line2"},
    )
    street = StringField(
        _l("Straße und Hausnummer"),
        filters=[_one_line],
        validators=[Length(max=200, message=_l("Höchstens %(max)d Zeichen.")), no_links],
        render_kw={"autocomplete": "address-line1"},
    )
    postcode = StringField(
        _l("Postleitzahl"),
        filters=[_one_line],
        validators=[
            Optional(),
            Regexp(r"^[0-9]{5}$", message=_l("Bitte geben Sie die fünfstellige Postleitzahl an.")),
        ],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    city = StringField(
        _l("Ort"),
        filters=[_one_line],
        validators=[Length(max=100, message=_l("Höchstens %(max)d Zeichen.")), no_links],
        render_kw={"autocomplete": "address-level2"},
    )
    consent = BooleanField(
        _l(
            "Ich bin einverstanden, dass die Akademie meine Angaben für die Durchführung des "
            "Seminars verarbeitet, auch Angaben zu meiner Gesundheit oder Behinderung "
            "(Art. 9 DSGVO). Ich kann die Einwilligung jederzeit widerrufen."
        ),
        validators=[DataRequired(_l("Ohne Ihre Einwilligung können wir Sie nicht anmelden."))],
    )
    # Left empty by people; filled in by form-filling robots. Hidden from view and from
    # assistive technology, so it never needs to be answered.
    website = StringField(_l("Bitte leer lassen"), filters=[_one_line])

    @property
    def is_robot(self) -> bool:
        return bool(self.website.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_channel(self) and valid

    NEED_FIELDS = NEED_KEYS
    NEED_GROUPS = NEED_GROUPS
    needs_in_group = staticmethod(needs_in_group)


_MISSING = {
    "street": _l("Für Briefe brauchen wir Straße und Hausnummer."),
    "postcode": _l("Für Briefe brauchen wir die Postleitzahl."),
    "city": _l("Für Briefe brauchen wir den Ort."),
}


def check_channel(form) -> bool:
    """The channel and what it needs: a known channel; for letters the postal address; for
    calls a phone number; for e-mail the e-mail address (where the form asks for one)."""
    choices = [value for value, _label in form.channel.choices]
    if form.channel.data not in choices:
        form.channel.errors = [*form.channel.errors, _l("Bitte wählen Sie einen Eintrag aus.")]
        return False
    valid = True
    if form.channel.data == CHANNEL_POST:
        for name, message in _MISSING.items():
            if not form[name].data and not form[name].errors:
                form[name].errors = [*form[name].errors, message]
                valid = False
    if form.channel.data == CHANNEL_PHONE and not form.phone.data and not form.phone.errors:
        form.phone.errors = [*form.phone.errors, _l("Für Anrufe brauchen wir die Telefonnummer.")]
        valid = False
    email = getattr(form, "email", None)
    if email is not None and form.channel.data == CHANNEL_EMAIL and not email.data:
        if not email.errors:
            email.errors = [*email.errors, _l("Bitte geben Sie die E-Mail-Adresse an.")]
        valid = False
    return valid


def applicant_from(form: RegistrationForm, *, locale: str) -> Applicant:
    """What the filled-in form says about the applicant, for ``allocation.register``."""
    return Applicant(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        email=form.email.data or "",
        organisation=form.organisation.data,
        county=form.county.data or None,
        phone=form.phone.data or "",
        **{key: form[key].data for key in NEED_KEYS},
        needs_other=form.needs_other.data or "",
        remarks=form.remarks.data or "",
        locale=locale,
        channel=form.channel.data or CHANNEL_EMAIL,
        address_extra=form.address_extra.data or "",
        street=form.street.data or "",
        postcode=form.postcode.data or "",
        city=form.city.data or "",
    )


_OWN_CHANNEL_LABELS = {
    CHANNEL_EMAIL: _l("per E-Mail"),
    CHANNEL_POST: _l("per Post (Briefe an Ihre Anschrift)"),
    CHANNEL_PHONE: _l("per Telefon (die Akademie ruft Sie an)"),
}


class CompleteOfferForm(Form):
    """Someone from an interest list accepts a seat on a new date: their name first (the
    fields of the registration form)."""

    first_name = RegistrationForm.first_name
    last_name = RegistrationForm.last_name
    organisation = RegistrationForm.organisation
    county = RegistrationForm.county


class OwnDetailsForm(RegistrationForm):
    """What registrants change themselves on their page: the registration form without the
    e-mail address (the link belongs to it), the consent (given already) and the trap. The
    channels offered depend on the registration (``offer_channels``)."""

    email = None
    consent = None
    website = None

    @property
    def is_robot(self) -> bool:
        return False

    def offer_channels(self, registration) -> OwnDetailsForm:
        """Offer the channels this registration may choose (``channels.own_choices``)."""
        self.channel.choices = [
            (value, _OWN_CHANNEL_LABELS[value]) for value in own_choices(registration)
        ]
        return self


def own_details_from(form: OwnDetailsForm) -> dict:
    """The filled-in change form as plain values, for ``self_service.change_own_details``."""
    return {
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "phone": form.phone.data or "",
        "organisation": form.organisation.data,
        "county": form.county.data or None,
        **{key: bool(form[key].data) for key in NEED_KEYS},
        "needs_other": form.needs_other.data or "",
        "remarks": form.remarks.data or "",
        "channel": form.channel.data or "",
        "address_extra": form.address_extra.data or "",
        "street": form.street.data or "",
        "postcode": form.postcode.data or "",
        "city": form.city.data or "",
    }
