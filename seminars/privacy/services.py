"""Retention: free-text needs go soon after a seminar, personal data after a longer period.

What stays is what the statistics need: county, status, attendance and the survey answers
(which never held a person). Certificates keep their snapshot so that they can still be
verified.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, cast, func, literal, select, update

from seminars.audit.models import AuditEntry
from seminars.catalogue.models import SeminarSession
from seminars.core.locking import begin_write
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Attendance, Registration
from seminars.surveys.models import SurveyInvitation


def _seminars_ended_before(cutoff: datetime):
    return (
        select(SeminarSession.seminar_id)
        .group_by(SeminarSession.seminar_id)
        .having(func.max(SeminarSession.ends_at) < cutoff)
    )


def delete_free_text_needs(now: datetime) -> int:
    """Free-text accessibility needs are deleted ``NEEDS_RETENTION_DAYS`` after the seminar."""
    cutoff = now - timedelta(days=current_app.config["NEEDS_RETENTION_DAYS"])
    begin_write()
    changed = db.session.execute(
        update(Registration)
        .where(
            Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
            Registration.needs_other != "",
        )
        .values(needs_other="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed


def anonymise_old_registrations(now: datetime) -> int:
    """``RETENTION_MONTHS`` after a seminar its registrations lose names, addresses, phone,
    group, remarks and needs; county, status and attendance stay for the statistics."""
    cutoff = now - timedelta(days=round(current_app.config["RETENTION_MONTHS"] * 30.44))
    begin_write()
    ids = list(
        db.session.scalars(
            select(Registration.id).where(
                Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
                Registration.anonymised_at.is_(None),
            )
        )
    )
    if not ids:
        db.session.commit()
        return 0
    _anonymise(ids, now)
    return len(ids)


def _anonymise(ids: list[int], now: datetime) -> None:
    begin_write()
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(ids))
        .values(
            first_name="",
            last_name="",
            email="",
            email_normalized=literal("anonymised-") + cast(Registration.id, String),
            phone="",
            organisation="",
            remarks="",
            needs_other="",
            need_sign_language=False,
            need_speech_to_text=False,
            need_step_free=False,
            need_hearing_loop=False,
            need_personal_assistant=False,
            token_hash=None,
            client_key=None,
            anonymised_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(ids))
        .values(recipient="", subject="", body_text="", body_html="", attachments=[])
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.registration_id.in_(ids))
        .values(before={}, after={}, note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.registration_id.in_(ids))
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _registrations_of(email: str) -> list[Registration]:
    normalised = email.strip().lower()
    if not normalised:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.email_normalized == normalised)
            .order_by(Registration.id)
        )
    )


def export_person(email: str) -> dict:
    """Everything stored about one person (found by e-mail address), as plain data."""
    from seminars.catalogue.models import Seminar
    from seminars.certificates.models import Certificate

    result = {"email": email.strip().lower(), "registrations": []}
    for registration in _registrations_of(email):
        seminar = db.session.get(Seminar, registration.seminar_id)
        attended = db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.registration_id == registration.id, Attendance.present.is_(True)
            )
        ).all()
        certificates = db.session.scalars(
            select(Certificate).where(Certificate.registration_id == registration.id)
        ).all()
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
        ).all()
        result["registrations"].append(
            {
                "seminar": {"code": seminar.code, "title": seminar.title} if seminar else None,
                "status": registration.status,
                "first_name": registration.first_name,
                "last_name": registration.last_name,
                "email": registration.email,
                "phone": registration.phone,
                "organisation": registration.organisation,
                "county": registration.county,
                "needs": {
                    name: getattr(registration, name)
                    for name in (
                        "need_sign_language",
                        "need_speech_to_text",
                        "need_step_free",
                        "need_hearing_loop",
                        "need_personal_assistant",
                        "needs_other",
                    )
                },
                "remarks": registration.remarks,
                "locale": registration.locale,
                "consent_at": _iso(registration.consent_at),
                "created_at": _iso(registration.created_at),
                "confirmed_at": _iso(registration.confirmed_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "registered_by_staff": registration.registered_by_staff,
                # While unconfirmed: the keyed hash of the client address it came from.
                "client_address_pseudonym": registration.client_key,
                "attended_sessions": list(attended),
                "certificates": [
                    {
                        "code": c.code,
                        "issued_at": _iso(c.issued_at),
                        "revoked": c.revoked_at is not None,
                    }
                    for c in certificates
                ],
                "mails": [
                    {
                        "kind": m.kind,
                        "subject": m.subject,
                        "created_at": _iso(m.created_at),
                        "status": m.status,
                    }
                    for m in mails
                ],
            }
        )
    return result


def _iso(value):
    return value.isoformat() if value else None


def erase_person(email: str, *, actor, now: datetime) -> int:
    """Erase one person on request: active registrations are cancelled (seats pass on, no mail
    to the erased address), then every registration is anonymised at once."""
    from seminars.audit.services import record
    from seminars.registrations import allocation
    from seminars.registrations.models import ACTIVE_STATUSES

    registrations = _registrations_of(email)
    ids = [r.id for r in registrations]
    for registration in registrations:
        if registration.status in ACTIVE_STATUSES:
            allocation.cancel(registration.id, now=now)
            db.session.commit()
    if not ids:
        return 0
    begin_write()
    db.session.execute(
        OutboxMessage.__table__.delete().where(
            OutboxMessage.registration_id.in_(ids), OutboxMessage.status != "sent"
        )
    )
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(ids))
        .values(anonymised_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    _anonymise(ids, now)
    record(actor, "person.erase", after={"registrations": len(ids)})
    db.session.commit()
    return len(ids)
