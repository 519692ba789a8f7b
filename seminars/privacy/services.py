"""Retention, access and erasure of personal data.

Free-text needs go soon after a seminar, personal data after a longer period, certificates'
names after their own. What stays is what the statistics need: county, status, attendance,
the pseudonymous person key and the survey answers (which never held a person). Each domain
blanks its own rows (``anonymise``, ``blank_registrations``, ``detach`` …); this module
decides when and for whom.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from seminars.audit import services as audit
from seminars.catalogue.models import SeminarSession
from seminars.certificates import services as certificates
from seminars.core.email_address import normalise_email
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.outbox import services as outbox
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation
from seminars.registrations import anonymise as registrations
from seminars.registrations.models import ACTIVE_STATUSES, Attendance, Registration
from seminars.registrations.needs import needs_of
from seminars.registrations.person_key import person_key, random_key
from seminars.surveys import services as surveys


def _seminars_ended_before(cutoff: datetime):
    return (
        select(SeminarSession.seminar_id)
        .group_by(SeminarSession.seminar_id)
        .having(func.max(SeminarSession.ends_at) < cutoff)
    )


def delete_free_text_needs(now: datetime) -> int:
    """Free-text accessibility needs are deleted ``NEEDS_RETENTION_DAYS`` after the seminar.

    A batch job (housekeeping): one statement, in a unit of its own, committed at once."""
    cutoff = now - timedelta(days=current_app.config["NEEDS_RETENTION_DAYS"])
    with unit():
        return db.session.execute(
            update(Registration)
            .where(
                Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
                Registration.needs_other != "",
            )
            .values(needs_other="")
            .execution_options(synchronize_session=False)
        ).rowcount


def anonymise_old_registrations(now: datetime) -> int:
    """``RETENTION_MONTHS`` after a seminar its registrations lose names, addresses, phone,
    group, remarks and needs, their mails lose address and text, their certificates the name
    and the link (the public check then says only that the certificate was issued); county,
    status, attendance and the person key stay for the statistics.

    A batch job (housekeeping): each seminar is one unit of work, so that a failure leaves
    no seminar half anonymised and keeps the seminars done before it done (the next run
    goes on from there)."""
    cutoff = now - timedelta(days=round(current_app.config["RETENTION_MONTHS"] * 30.44))
    due = select(Registration.seminar_id, Registration.id).where(
        Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
        Registration.anonymised_at.is_(None),
    )
    by_seminar: dict[int, list[int]] = {}
    for seminar_id, registration_id in db.session.execute(due.order_by(Registration.id)):
        by_seminar.setdefault(seminar_id, []).append(registration_id)
    for ids in by_seminar.values():
        with unit():
            _anonymise(ids, now)
    return sum(len(ids) for ids in by_seminar.values())


def _anonymise(ids: list[int], now: datetime, *, person_key: str | None = None) -> None:
    registrations.anonymise(ids, now, person_key=person_key)
    outbox.blank_registrations(ids)
    audit.blank_for_registrations(ids)
    certificates.anonymise_for(ids, now=now)


def _registrations_of(email: str) -> list[Registration]:
    """Every registration of the address, also those retention anonymised already (found by
    the person key), in seminar order (the order in which erasure locks seminars)."""
    normalised = normalise_email(email)
    if not normalised:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                or_(
                    Registration.email_normalized == normalised,
                    Registration.person_key == person_key(normalised),
                )
            )
            .order_by(Registration.seminar_id, Registration.id)
        )
    )


def export_person(email: str) -> dict:
    """Everything stored about one person (found by e-mail address), as plain data."""
    from seminars.audit.models import AuditEntry
    from seminars.catalogue.models import Seminar
    from seminars.certificates.models import Certificate
    from seminars.surveys.models import SurveyInvitee

    result = {
        "email": normalise_email(email),
        "registrations": [],
        # Survey answers are stored without any link to a person, link or registration:
        # nobody, the academy included, can find out which answers were this person's.
        "survey_answers": "not linkable",
    }
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
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.registration_id == registration.id)
            .order_by(AuditEntry.id)
        ).all()
        invited_at = db.session.scalar(
            select(SurveyInvitee.invited_at).where(SurveyInvitee.registration_id == registration.id)
        )
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
                "needs": needs_of(registration),
                "remarks": registration.remarks,
                "locale": registration.locale,
                "consent_at": _iso(registration.consent_at),
                "created_at": _iso(registration.created_at),
                "confirmed_at": _iso(registration.confirmed_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "registered_by_staff": registration.registered_by_staff,
                "anonymised_at": _iso(registration.anonymised_at),
                "person_key": registration.person_key,
                # While unconfirmed: the keyed hash of the client address it came from.
                "client_address_pseudonym": registration.client_key,
                "attended_sessions": list(attended),
                "certificates": [
                    {
                        "code": c.code,
                        "name_on_certificate": c.snapshot.get("name", ""),
                        "issued_at": _iso(c.issued_at),
                        "revoked": c.revoked_at is not None,
                    }
                    for c in certificates
                ],
                "mails": [
                    {
                        "kind": m.kind,
                        "recipient": m.recipient,
                        "subject": m.subject,
                        "text_stored": bool(m.body_text or m.body_html),
                        "created_at": _iso(m.created_at),
                        "sent_at": _iso(m.sent_at),
                        "status": m.status,
                    }
                    for m in mails
                ],
                "audit_entries": [
                    {"action": e.action, "at": _iso(e.at), "before": e.before, "after": e.after}
                    for e in entries
                ],
                "survey_invited_at": _iso(invited_at),
            }
        )
    return result


def _iso(value):
    return value.isoformat() if value else None


def erase_person(email: str, *, actor, now: datetime) -> int:
    """Erase one person on request, in one transaction: active registrations of seminars
    that have not ended are cancelled (seats pass on; the cancellation mail goes with every
    other mail to the person), survey links stop working, certificates are withdrawn and
    lose the name, audit entries lose the values, and every registration is anonymised
    under one new random person key, so that the figures stay as they were and nothing
    leads back to the address. The caller commits (the request's unit of work)."""
    found = _registrations_of(email)
    ids = [r.id for r in found]
    ended = set(
        db.session.scalars(
            _seminars_ended_before(now).where(
                SeminarSession.seminar_id.in_({r.seminar_id for r in found})
            )
        )
    )
    for registration in found:
        # Past seminars keep their participants (as figures); upcoming ones free the seat.
        if registration.status in ACTIVE_STATUSES and registration.seminar_id not in ended:
            allocation.cancel(registration.id, now=now)
    if not ids:
        return 0
    db.session.flush()
    outbox.forget_registrations(ids)
    surveys.void_links([(r.seminar_id, r.id) for r in found])
    certificates.withdraw_for_erasure(ids, now=now)
    _anonymise(ids, now, person_key=random_key())
    audit.record(actor, "person.erase", after={"registrations": len(ids)})
    db.session.flush()
    db.session.expire_all()
    return len(ids)
