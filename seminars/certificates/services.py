"""Issuing, revoking and verifying certificates of attendance."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import record
from seminars.certificates import documents
from seminars.certificates.models import Certificate
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.i18n import format_session_range
from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.programme.queries import seminar_with_details
from seminars.registrations import mails
from seminars.registrations.models import STATUS_CONFIRMED, Attendance, Registration

# Unambiguous letters and digits for codes people may type from paper.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class NotEligible(DomainError):
    """The person gets no certificate (yet); ``reason`` says why."""

    status_code = 409

    def __init__(self, reason: str):
        super().__init__(_l("Keine Bescheinigung: %(reason)s", reason=reason))
        self.reason = reason


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch in _ALPHABET)
    if len(cleaned) != 12:
        return ""
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


def required_sessions(seminar: Seminar) -> int:
    """Sessions a person must have attended: the seminar's own setting, else the
    configured one (``CERTIFICATE_MIN_ATTENDANCE``, 0 meaning all)."""
    total = len(seminar.sessions)
    wanted = seminar.certificate_min_sessions
    if wanted is None:
        wanted = current_app.config["CERTIFICATE_MIN_ATTENDANCE"] or total
    return min(max(wanted, 1), total) if total else 1


def attended(registration_id: int) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.registration_id == registration_id, Attendance.present.is_(True))
    ).scalar_one()


def why_not_eligible(
    registration: Registration, seminar: Seminar, *, present: int | None = None
) -> str | None:
    """``present``: the sessions attended, when already counted (else counted here)."""
    if registration.status != STATUS_CONFIRMED:
        return str(_l("Nur bestätigte Teilnehmende bekommen eine Bescheinigung."))
    needed = required_sessions(seminar)
    if present is None:
        present = attended(registration.id)
    if present < needed:
        return str(
            _l(
                "Anwesend bei %(present)d von %(needed)d nötigen Terminen.",
                present=present,
                needed=needed,
            )
        )
    return None


def eligible_ids(seminar_id: int) -> set[int]:
    """The seminar's registrations that may get a certificate now (``why_not_eligible``
    finds nothing against them): four queries, whatever the number of people."""
    seminar = seminar_with_details(seminar_id)
    people = db.session.scalars(
        select(Registration).where(
            Registration.seminar_id == seminar_id, Registration.status == STATUS_CONFIRMED
        )
    )
    present = {
        registration_id: count
        for registration_id, count in db.session.execute(
            select(Attendance.registration_id, func.count())
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(Registration.seminar_id == seminar_id, Attendance.present.is_(True))
            .group_by(Attendance.registration_id)
        )
    }
    return {
        person.id
        for person in people
        if why_not_eligible(person, seminar, present=present.get(person.id, 0)) is None
    }


def _snapshot(registration: Registration, seminar: Seminar) -> dict:
    with force_locale(registration.locale or "de"):
        dates = [format_session_range(s.starts_at, s.ends_at) for s in seminar.sessions]
        place = (
            f"{seminar.venue.name}, {seminar.venue.postcode} {seminar.venue.town}"
            if seminar.venue
            else _("Online")
        )
        topic = seminar.topic.name(registration.locale or "de")
    return {
        "name": f"{registration.first_name} {registration.last_name}",
        "title": seminar.title,
        "code": seminar.code,
        "topic": topic,
        "dates": dates,
        "last_day": seminar.sessions[-1].starts_at.isoformat() if seminar.sessions else "",
        "place": place,
        "teaching_units": seminar.teaching_units,
        "contents": [line for line in (seminar.summary or "").split("\n") if line.strip()],
    }


def active_certificate(registration_id: int) -> Certificate | None:
    return db.session.scalars(
        select(Certificate).where(
            Certificate.registration_id == registration_id, Certificate.revoked_at.is_(None)
        )
    ).first()


def issue(
    registration_id: int,
    *,
    actor: Actor | None,
    now: datetime,
    send_mail: bool = True,
    seminar: Seminar | None = None,
) -> Certificate:
    """Issue (or re-issue after a correction) the certificate of one participant.
    ``seminar``: the registration's seminar, when the caller has just loaded it fresh."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundError()
    if seminar is None or seminar.id != registration.seminar_id:
        seminar = seminar_with_details(registration.seminar_id, refresh=True)
    reason = why_not_eligible(registration, seminar)
    if reason:
        raise NotEligible(reason)
    snapshot = _snapshot(registration, seminar)
    current = active_certificate(registration_id)
    if current is not None and current.snapshot == snapshot:
        return current  # nothing changed: the certificate stands
    certificate = Certificate(
        code=new_code(),
        registration_id=registration.id,
        seminar_id=seminar.id,
        locale=registration.locale or "de",
        snapshot=snapshot,
        issued_at=now,
        issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(certificate)
    db.session.flush()
    if current is not None:
        current.revoked_at = now
        current.revoked_reason = f"replaced by {certificate.code}"
        documents.drop_pdf(current.id)
    # Rendered here, once, in the issuing transaction; downloads only read it.
    documents.store_pdf(certificate, now=now)
    record(
        actor,
        "certificate.issue",
        registration=registration,
        after={"code": certificate.code, "replaces": current.code if current else None},
    )
    if send_mail:
        mails.queue(registration, mails.CERTIFICATE)
    db.session.flush()
    return certificate


@dataclass
class BatchResult:
    issued: int = 0
    skipped: int = 0


def issue_all(seminar_id: int, *, actor: Actor | None, now: datetime) -> BatchResult:
    """Every eligible confirmed participant without a current certificate gets one.

    Each new certificate is rendered here (about 0.1 seconds each), so a seminar of 30 takes
    a few seconds; later downloads and the ZIP only read the stored files. The seminar is
    loaded once for all of them."""
    seminar = seminar_with_details(seminar_id, refresh=True)
    ids = list(
        db.session.scalars(
            select(Registration.id).where(
                Registration.seminar_id == seminar.id, Registration.status == STATUS_CONFIRMED
            )
        )
    )
    result = BatchResult()
    for registration_id in ids:
        try:
            before = active_certificate(registration_id)
            after = issue(registration_id, actor=actor, now=now, seminar=seminar)
        except NotEligible:
            result.skipped += 1
            continue
        result.issued += after is not before
    return result


def revoke(certificate_id: int, *, reason: str, actor: Actor | None, now: datetime) -> Certificate:
    if not reason.strip():
        raise DomainError(_l("Bitte geben Sie einen Grund an."), field="reason")
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFoundError()
    if certificate.revoked_at is None:
        certificate.revoked_at = now
        certificate.revoked_reason = reason.strip()[:300]
        documents.drop_pdf(certificate.id)
        record(
            actor,
            "certificate.revoke",
            after={"code": certificate.code},
            note=reason,
            registration=db.session.get(Registration, certificate.registration_id)
            if certificate.registration_id
            else None,
        )
        db.session.flush()
    return certificate


def for_seminar(seminar_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.seminar_id == seminar_id,
                Certificate.revoked_at.is_(None),
                Certificate.anonymised_at.is_(None),
            )
            .order_by(Certificate.id)
        )
    )


def get_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFoundError()
    return certificate


@dataclass(frozen=True)
class Verification:
    state: str  # "valid", "revoked", "expired" (name removed after retention) or "unknown"
    name: str = ""
    title: str = ""
    last_day: str = ""


def verify(code: str) -> Verification:
    """What the public check says: name, seminar and date of a valid certificate only."""
    normalised = normalise_code(code or "")
    if not normalised:
        return Verification("unknown")
    certificate = db.session.scalars(
        select(Certificate).where(Certificate.code == normalised)
    ).one_or_none()
    if certificate is None:
        return Verification("unknown")
    snap = certificate.snapshot
    if not certificate.valid:
        return Verification("revoked", title=snap.get("title", ""))
    if certificate.anonymised_at is not None:
        return Verification(
            "expired", title=snap.get("title", ""), last_day=snap.get("last_day", "")
        )
    return Verification(
        "valid", snap.get("name", ""), snap.get("title", ""), snap.get("last_day", "")
    )


# -- retention and erasure ------------------------------------------------------------------

ERASURE_REASON = "Löschung auf Wunsch der Person"


def _without_name(certificate: Certificate, now: datetime) -> None:
    documents.drop_pdf(certificate.id)
    certificate.snapshot = {**certificate.snapshot, "name": ""}
    certificate.registration_id = None
    certificate.anonymised_at = now


def withdraw_for_erasure(registration_ids: list[int], *, now: datetime) -> int:
    """Erasure: the person's certificates are withdrawn, lose the name and their link."""
    certificates = list(
        db.session.scalars(
            select(Certificate).where(Certificate.registration_id.in_(registration_ids))
        )
    )
    for certificate in certificates:
        if certificate.revoked_at is None:
            certificate.revoked_at = now
            certificate.revoked_reason = ERASURE_REASON
        _without_name(certificate, now)
    db.session.flush()
    return len(certificates)


def anonymise_for(registration_ids: list[int], *, now: datetime) -> int:
    """Retention: the certificates of these registrations lose the name and the link; the
    public check then only says that the certificate was issued."""
    certificates = list(
        db.session.scalars(
            select(Certificate).where(Certificate.registration_id.in_(registration_ids))
        )
    )
    for certificate in certificates:
        _without_name(certificate, now)
    db.session.flush()
    return len(certificates)


def certificates_of(registration_id: int) -> list[Certificate]:
    """Every certificate of the registration, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.registration_id == registration_id)
            .order_by(Certificate.id.desc())
        )
    )
