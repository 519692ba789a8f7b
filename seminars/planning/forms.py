"""The planning forms: seminar and venue."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from seminars.core.forms import Form
from seminars.core.timezone import berlin_to_utc
from seminars.planning.new_dates import NewDateData
from seminars.planning.services import SeminarData
from seminars.programme.models import FORMAT_HYBRID, FORMAT_IN_PERSON, FORMAT_ONLINE
from seminars.programme.session_text import parse_sessions
from seminars.registrations.counties import COUNTY_NAMES, SAXONY, THURINGIA

_LENGTH = _l("Höchstens %(max)d Zeichen.")


def format_choices():
    return [
        (FORMAT_IN_PERSON, _l("Präsenzseminar")),
        (FORMAT_ONLINE, _l("Online-Seminar")),
        (FORMAT_HYBRID, _l("Hybrid (vor Ort oder online)")),
    ]


class SeminarForm(Form):
    code = StringField(
        _l("Kennung"),
        validators=[
            DataRequired(_l("Bitte geben Sie eine Kennung an.")),
            Length(max=40, message=_LENGTH),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                message=_l("Nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich."),
            ),
        ],
    )
    title = StringField(
        _l("Titel"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Titel an.")),
            Length(max=200, message=_LENGTH),
        ],
    )
    topic_id = SelectField(_l("Themenbereich"), coerce=int)
    format = SelectField(_l("Form"), choices=format_choices)
    venue_id = SelectField(_l("Ort (für Präsenz und Hybrid)"), coerce=int)
    meeting_url = StringField(
        _l("Zugangslink für Online-Teilnahme (sehen nur bestätigte Teilnehmende)"),
        validators=[
            Optional(),
            Length(max=500, message=_LENGTH),
            URL(require_tld=True, message=_l("Bitte eine vollständige Adresse mit https://")),
        ],
    )
    sessions = TextAreaField(
        _l("Termine (einer je Zeile, z. B. 2027-03-13 09:30-16:00)"),
        validators=[DataRequired(_l("Bitte geben Sie mindestens einen Termin an."))],
    )
    capacity = IntegerField(
        _l("Plätze"),
        validators=[
            DataRequired(_l("Bitte geben Sie die Zahl der Plätze an.")),
            NumberRange(min=1, max=1000, message=_l("Zwischen 1 und 1000.")),
        ],
    )
    waitlist_capacity = IntegerField(
        _l("Plätze auf der Warteliste"),
        default=10,
        validators=[Optional(), NumberRange(min=0, max=1000, message=_l("Zwischen 0 und 1000."))],
    )
    teaching_units = IntegerField(
        _l("Unterrichtseinheiten"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=200, message=_l("Zwischen 0 und 200."))],
    )
    certificate_min_sessions = IntegerField(
        _l("Bescheinigung ab so vielen besuchten Terminen (leer: alle)"),
        validators=[Optional(), NumberRange(min=1, max=30, message=_l("Zwischen 1 und 30."))],
    )
    registration_opens = DateField(_l("Anmeldung ab (freiwillig)"), validators=[Optional()])
    registration_closes = DateField(_l("Anmeldeschluss (freiwillig)"), validators=[Optional()])
    summary = StringField(_l("Kurzbeschreibung"), validators=[Length(max=500, message=_LENGTH)])
    description = TextAreaField(
        _l("Beschreibung (Markdown)"), validators=[Length(max=20000, message=_LENGTH)]
    )
    instructors = StringField(
        _l("Referentinnen und Referenten (mit ; getrennt)"),
        validators=[Length(max=1000, message=_LENGTH)],
    )
    version = HiddenField()
    # New dates, place or link are told to everyone registered unless staff tick this and
    # give a reason (the service refuses the tick without one; both go to the audit log).
    quiet = BooleanField(_l("Nicht benachrichtigen"))
    quiet_reason = StringField(
        _l("Grund, warum niemand benachrichtigt wird"),
        validators=[Length(max=300, message=_LENGTH)],
    )

    def validate_sessions(self, field) -> None:
        spans, problems = parse_sessions(field.data or "")
        if problems:
            raise ValidationError(str(problems[0]))
        self.parsed_sessions = spans

    def data_for_service(self) -> SeminarData:
        opens, closes = self.registration_opens.data, self.registration_closes.data
        return SeminarData(
            code=self.code.data.strip(),
            title=self.title.data.strip(),
            topic_id=self.topic_id.data,
            format=self.format.data,
            capacity=self.capacity.data,
            sessions=self.parsed_sessions,
            summary=(self.summary.data or "").strip(),
            description=self.description.data or "",
            venue_id=self.venue_id.data or None,
            meeting_url=(self.meeting_url.data or "").strip(),
            waitlist_capacity=self.waitlist_capacity.data or 0,
            teaching_units=self.teaching_units.data or 0,
            certificate_min_sessions=self.certificate_min_sessions.data,
            registration_opens_at=berlin_to_utc(opens, time(0)) if opens else None,
            registration_closes_at=berlin_to_utc(closes, time(23, 59)) if closes else None,
            instructors=[n.strip() for n in (self.instructors.data or "").split(";") if n.strip()],
        )


def venue_county_groups():
    """(group label, [(key, name)]) for a venue's county, rendered with optgroups."""
    return [(_l("Thüringen"), THURINGIA), (_l("Sachsen"), SAXONY)]


def _known_venue_county(form, field) -> None:
    if field.data and field.data not in COUNTY_NAMES:
        field.data = ""
        raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))


class NewDateForm(Form):
    """A new date of a full seminar: what differs from the old one (the rest is copied).
    The fields are those of the seminar form."""

    code = SeminarForm.code
    sessions = SeminarForm.sessions
    venue_id = SeminarForm.venue_id
    capacity = SeminarForm.capacity
    registration_opens = SeminarForm.registration_opens
    registration_closes = SeminarForm.registration_closes

    validate_sessions = SeminarForm.validate_sessions

    def data_for_service(self) -> NewDateData:
        opens, closes = self.registration_opens.data, self.registration_closes.data
        return NewDateData(
            code=self.code.data.strip(),
            sessions=self.parsed_sessions,
            capacity=self.capacity.data,
            venue_id=self.venue_id.data or None,
            registration_opens_at=berlin_to_utc(opens, time(0)) if opens else None,
            registration_closes_at=berlin_to_utc(closes, time(23, 59)) if closes else None,
        )


class VenueForm(Form):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Namen an.")),
            Length(max=200, message=_LENGTH),
        ],
    )
    street = StringField(_l("Straße und Hausnummer"), validators=[Length(max=200, message=_LENGTH)])
    postcode = StringField(_l("Postleitzahl"), validators=[Length(max=10, message=_LENGTH)])
    town = StringField(
        _l("Ort"),
        validators=[
            DataRequired(_l("Bitte geben Sie den Ort an.")),
            Length(max=100, message=_LENGTH),
        ],
    )
    step_free_access = BooleanField(_l("Stufenlos erreichbar"))
    accessible_toilet = BooleanField(_l("Barrierefreie Toilette"))
    hearing_loop = BooleanField(_l("Induktive Höranlage"))
    accessible_parking = BooleanField(_l("Behindertenparkplatz"))
    accessibility_notes = TextAreaField(
        _l("Hinweise zur Barrierefreiheit"), validators=[Length(max=2000, message=_LENGTH)]
    )
    directions = TextAreaField(_l("Anfahrt"), validators=[Length(max=2000, message=_LENGTH)])
    # Rendered as a select with groups (see the template); checked against the known keys.
    county = StringField(
        _l("Landkreis / kreisfreie Stadt (für Benachrichtigungen und Nachfragezahlen)"),
        validators=[_known_venue_county],
    )


class TopicForm(Form):
    key = StringField(
        _l("Schlüssel (für Import und Links; später nicht mehr änderbar)"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Schlüssel an.")),
            Length(max=40, message=_LENGTH),
            Regexp(r"^[a-z0-9-]+$", message=_l("Nur Kleinbuchstaben, Ziffern und Bindestrich.")),
        ],
    )
    name_de = StringField(
        _l("Name (Deutsch)"),
        validators=[DataRequired(_l("Bitte geben Sie einen Namen an.")), Length(max=120)],
    )
    name_en = StringField(
        _l("Name (Englisch)"),
        validators=[DataRequired(_l("Bitte geben Sie einen Namen an.")), Length(max=120)],
    )
    position = IntegerField(
        _l("Reihenfolge"),
        default=100,
        validators=[Optional(), NumberRange(min=0, max=10000, message=_l("Zwischen 0 und 10000."))],
    )
