"""Registrants change their own details through their link (``self_service``)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import SeminarSession
from seminars.registrations import self_service, tokens
from seminars.registrations.allocation import NotPossible
from seminars.registrations.models import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
)
from seminars.registrations.needs import NEED_KEYS
from seminars.registrations.self_service import ChangeClosed
from seminars.registrations.staff_notice import NEEDS_CHANGED
from tests import factories

pytestmark = pytest.mark.usefixtures("app")


def link_for(registration: Registration) -> str:
    """Give a factory-made registration its personal link, as registering does."""
    registration.token_salt = tokens.new_salt()
    token = tokens.token_for(registration.id, registration.token_salt)
    registration.token_hash = tokens.token_hash(token)
    db.session.commit()
    return token


def values_of(registration: Registration, **changes) -> dict:
    values = {name: getattr(registration, name) for name in self_service.OWN_FIELDS}
    values.update(changes)
    return values


def self_updates() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "registration.self_update")
        )
    )


def staff_mails() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == NEEDS_CHANGED))
    )


@pytest.mark.parametrize(
    "status", [STATUS_PENDING, STATUS_CONFIRMED, STATUS_WAITLISTED, STATUS_OFFERED]
)
def test_an_active_registration_changes_its_details(status):
    registration = factories.registration(factories.seminar(), status=status)
    token = link_for(registration)
    self_service.change_own_details(
        token,
        values_of(
            registration,
            first_name="Erika",
            phone="0361 999",
            organisation="SHG Neu",
            county="th-erfurt",
            need_step_free=True,
            remarks="Komme mit dem Zug",
        ),
        now=utcnow(),
    )
    db.session.expire_all()
    changed = db.session.get(Registration, registration.id)
    assert (changed.first_name, changed.phone, changed.organisation, changed.county) == (
        "Erika",
        "0361 999",
        "SHG Neu",
        "th-erfurt",
    )
    assert changed.need_step_free and changed.remarks == "Komme mit dem Zug"
    assert changed.email == registration.email and changed.status == status


def test_changes_close_the_configured_time_before_the_first_session(app):
    app.config["SELF_SERVICE_CHANGE_HOURS"] = 48
    seminar = factories.seminar(starts_in=timedelta(days=3))
    registration = factories.registration(seminar)
    token = link_for(registration)
    start = db.session.scalar(
        select(SeminarSession.starts_at).where(SeminarSession.seminar_id == seminar.id)
    )
    page = self_service.change_page(token, now=start - timedelta(hours=49))
    assert page.allowed and page.until == start - timedelta(hours=48)
    self_service.change_own_details(
        token, values_of(registration, phone="0361 1"), now=start - timedelta(hours=49)
    )
    db.session.commit()
    with pytest.raises(ChangeClosed) as refused:
        self_service.change_own_details(
            token, values_of(registration, phone="0361 2"), now=start - timedelta(hours=47)
        )
    assert refused.value.status_code == 409
    assert not self_service.change_page(token, now=start - timedelta(hours=48)).allowed
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).phone == "0361 1"


@pytest.mark.parametrize("status", [STATUS_CANCELLED, STATUS_EXPIRED])
def test_an_ended_registration_cannot_be_changed(status):
    registration = factories.registration(factories.seminar(), status=status)
    token = link_for(registration)
    assert not self_service.change_page(token, now=utcnow()).allowed
    with pytest.raises(ChangeClosed):
        self_service.change_own_details(
            token, values_of(registration, phone="0361 2"), now=utcnow()
        )


def test_a_past_seminar_cannot_be_changed():
    seminar = factories.seminar(starts_in=timedelta(days=-10))
    token = link_for(factories.registration(seminar))
    assert not self_service.change_page(token, now=utcnow()).allowed


def test_the_audit_entry_holds_only_the_changed_fields_and_no_free_text():
    registration = factories.registration(factories.seminar())
    registration.needs_other = "Bitte große Schrift"
    registration.remarks = "alt"
    token = link_for(registration)
    self_service.change_own_details(
        token,
        values_of(
            registration,
            phone="0361 42",
            need_hearing_loop=True,
            needs_other="Ich brauche einen Platz nahe der Tür",
            remarks="neu",
        ),
        now=utcnow(),
    )
    [entry] = self_updates()
    assert entry.actor_id is None and entry.registration_id == registration.id
    assert entry.before == {"phone": "", "need_hearing_loop": False}
    assert entry.after == {
        "phone": "0361 42",
        "need_hearing_loop": True,
        "needs_other_changed": True,
        "remarks_changed": True,
    }
    stored = f"{entry.before}{entry.after}{entry.note}"
    assert "Tür" not in stored and "Schrift" not in stored and "neu" not in stored


def test_nothing_changed_writes_no_audit_entry_and_no_mail():
    registration = factories.registration(factories.seminar())
    token = link_for(registration)
    self_service.change_own_details(token, values_of(registration), now=utcnow())
    assert self_updates() == [] and staff_mails() == []


def test_staff_are_told_only_when_needs_change_and_never_the_free_text(app):
    app.config["STAFF_NOTIFY_EMAIL"] = "team@akademie.example"
    seminar = factories.seminar(title="Gruppen gut leiten")
    registration = factories.registration(seminar)
    token = link_for(registration)
    self_service.change_own_details(
        token, values_of(registration, phone="0361 7", first_name="Erika"), now=utcnow()
    )
    assert staff_mails() == []

    self_service.change_own_details(
        token,
        values_of(
            registration,
            need_sign_language=True,
            needs_other="Ich brauche Pausen wegen meiner Erkrankung",
        ),
        now=utcnow(),
    )
    [mail] = staff_mails()
    assert mail.recipient == "team@akademie.example" and mail.registration_id is None
    assert "Gruppen gut leiten" in mail.subject
    body = mail.body_text + mail.body_html
    assert "Gebärdensprachdolmetschung" in body
    assert "Freitext" in body
    assert f"/verwaltung/anmeldungen/{registration.id}" in body
    assert "Erkrankung" not in body and registration.last_name not in body
    assert registration.email not in body


def test_the_staff_mail_goes_to_the_academy_without_a_staff_address(app):
    app.config["STAFF_NOTIFY_EMAIL"] = ""
    registration = factories.registration(factories.seminar())
    token = link_for(registration)
    self_service.change_own_details(
        token, values_of(registration, need_step_free=True), now=utcnow()
    )
    [mail] = staff_mails()
    assert mail.recipient == app.config["ACADEMY_EMAIL"]
    assert "Nicht mehr nötig" not in mail.body_text and "Stufenloser Zugang" in mail.body_text


def test_an_assistant_needs_a_free_seat():
    seminar = factories.seminar(capacity=2)
    registration = factories.registration(seminar)
    factories.registration(seminar)
    token = link_for(registration)
    with pytest.raises(NotPossible) as refused:
        self_service.change_own_details(
            token, values_of(registration, need_personal_assistant=True), now=utcnow()
        )
    assert refused.value.field == "need_personal_assistant"
    db.session.rollback()
    assert self_updates() == [] and staff_mails() == []


def test_an_assistant_no_longer_needed_frees_the_seat_for_the_waitlist():
    seminar = factories.seminar(capacity=2)
    registration = factories.registration(seminar, assistant=True)
    waiting = factories.registration(seminar, status=STATUS_WAITLISTED)
    token = link_for(registration)
    self_service.change_own_details(
        token, values_of(registration, need_personal_assistant=False), now=utcnow()
    )
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == STATUS_OFFERED
    [entry] = self_updates()
    assert entry.after == {"need_personal_assistant": False}


def test_the_own_fields_cover_every_need():
    assert set(NEED_KEYS) <= set(self_service.OWN_FIELDS)
    assert "email" not in self_service.OWN_FIELDS
