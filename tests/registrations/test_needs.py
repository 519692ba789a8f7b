"""The one list of needs drives the form, the applicant, the registration, the labels, the
exports, the staff summary, anonymisation and the privacy export."""

import csv
import dataclasses
import io

from wtforms import BooleanField

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.privacy.services import export_person
from seminars.registrations import allocation, staff
from seminars.registrations.anonymise import anonymise
from seminars.registrations.forms import RegistrationForm, applicant_from
from seminars.registrations.models import Registration
from seminars.registrations.needs import INTERPRETING, NEED_KEYS, NEEDS, OTHER_NEEDS, needs_text
from seminars.registrations.staff_forms import PhoneRegistrationForm
from tests import factories

ALL_NEEDS = dict.fromkeys(NEED_KEYS, True)


def test_the_list_names_the_models_columns_in_the_form_order():
    assert NEED_KEYS == (
        "need_sign_language",
        "need_speech_to_text",
        "need_step_free",
        "need_hearing_loop",
        "need_personal_assistant",
        "need_seat_near_screen",
        "need_large_print",
        "need_braille",
        "need_easy_read",
        "need_handouts_in_advance",
        "need_dietary",
    )
    assert INTERPRETING == ("need_sign_language", "need_speech_to_text")
    columns = Registration.__table__.columns
    assert all(key in columns for key in (*NEED_KEYS, OTHER_NEEDS))


def test_the_form_has_one_checkbox_per_need_between_phone_and_free_text(app):
    for form_class in (RegistrationForm, PhoneRegistrationForm):
        with app.test_request_context():
            form = form_class(meta={"csrf": False})
            names = [field.name for field in form]
            assert form.NEED_FIELDS == NEED_KEYS
            start = names.index("phone") + 1
            assert names[start : start + len(NEEDS) + 1] == [*NEED_KEYS, OTHER_NEEDS]
            for need in NEEDS:
                assert isinstance(form[need.key], BooleanField)
                assert form[need.key].label.text == str(need.label)


def test_the_applicant_carries_every_need_from_the_form_to_the_registration(app):
    assert {f.name for f in dataclasses.fields(allocation.Applicant)} >= {*NEED_KEYS, OTHER_NEEDS}
    data = {
        "first_name": "Erika",
        "last_name": "Muster",
        "email": "erika@example.org",
        "organisation": "SHG",
        OTHER_NEEDS: "Großdruck",
        **{key: "y" for key in NEED_KEYS},
    }
    with app.test_request_context(method="POST", data=data):
        applicant = applicant_from(RegistrationForm(meta={"csrf": False}), locale="de")
    assert {key: getattr(applicant, key) for key in NEED_KEYS} == ALL_NEEDS
    assert applicant.needs_other == "Großdruck"

    seminar = factories.seminar()
    result = allocation.register(seminar.id, applicant, now=utcnow())
    db.session.commit()
    registration = db.session.get(Registration, result.registration.id)
    assert {key: getattr(registration, key) for key in NEED_KEYS} == ALL_NEEDS
    assert registration.needs_other == "Großdruck"


def _with_every_need(seminar):
    registration = factories.registration(seminar, commit=False)
    for key in NEED_KEYS:
        setattr(registration, key, True)
    registration.needs_other = "Großdruck"
    registration.last_name = "Bedarf"
    db.session.commit()
    return registration


def test_labels_exports_and_staff_summary_list_every_need(client, login):
    labels = [
        "Gebärdensprachdolmetschung",
        "Schriftdolmetschung",
        "Stufenloser Zugang",
        "Induktive Höranlage",
        "Persönliche Assistenz",
        "Sitzplatz vorn",
        "Großdruck",
        "Brailleschrift",
        "Leichte Sprache",
        "Unterlagen vorab",
        "Besondere Verpflegung",
    ]
    seminar = factories.seminar()
    registration = _with_every_need(seminar)
    with client.application.test_request_context():
        assert needs_text(registration) == ", ".join(labels)

    summary = staff.registrations_of(seminar.id)
    assert dict(summary.needs) == dict.fromkeys(NEED_KEYS, 1)
    assert summary.other_needs == 1
    assert summary.interpreter_deadline is not None

    login("staff")
    body = client.get(f"/verwaltung/seminare/{seminar.id}/teilnehmende.csv").get_data(as_text=True)
    header, row = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert row[header.index("Bedarfe")] == ", ".join(labels)
    assert row[header.index("Weitere Bedarfe")] == "Großdruck"
    page = client.get(f"/verwaltung/seminare/{seminar.id}/anmeldungen").get_data(as_text=True)
    assert all(f"1 × {label}" in page for label in labels)


def test_privacy_export_and_anonymisation_cover_every_need(app):
    registration = _with_every_need(factories.seminar())
    exported = export_person(registration.email)
    assert exported["registrations"][0]["needs"] == {**ALL_NEEDS, OTHER_NEEDS: "Großdruck"}

    anonymise([registration.id], utcnow())
    db.session.commit()
    db.session.expire_all()
    gone = db.session.get(Registration, registration.id)
    assert [getattr(gone, key) for key in (*NEED_KEYS, OTHER_NEEDS)] == [False] * len(NEED_KEYS) + [""]
