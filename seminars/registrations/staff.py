"""What academy staff do with the registrations of a seminar.

Seat changes go through ``allocation``; every change is written to the audit log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import changes, record
from seminars.core.actor import Actor
from seminars.core.email_address import normalise_email
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.timezone import berlin_date, utcnow
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations import allocation, call_records, delivery, mails
from seminars.registrations.applicant import Applicant
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_POST, CHANNELS
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Attendance,
    Registration,
    queue_key,
)
from seminars.registrations.needs import INTERPRETING, NEED_KEYS
from seminars.registrations.person_key import key_without_email, person_key


@dataclass(frozen=True)
class SeminarRegistrations:
    seminar: Seminar
    rows: list[Registration]
    positions: dict[int, int]
    needs: Counter
    other_needs: int
    interpreter_deadline: date | None
    # For a new date of a full seminar: when the old date began (its people's origin).
    old_date_start: datetime | None = None

    @property
    def confirmed(self) -> list[Registration]:
        return [r for r in self.rows if r.status == STATUS_CONFIRMED]


def registrations_of(seminar_id: int) -> SeminarRegistrations:
    """All registrations of a seminar with waitlist positions and the needs summary: 3 queries
    (4 for a new date of a full seminar)."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    rows = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id)
            .order_by(Registration.id)
        )
    )
    queue = sorted((r for r in rows if r.on_waitlist), key=queue_key)
    active = [r for r in rows if r.status in ACTIVE_STATUSES]
    needs = Counter(key for r in active for key in NEED_KEYS if getattr(r, key))
    first_start = db.session.scalar(
        select(func.min(SeminarSession.starts_at)).where(SeminarSession.seminar_id == seminar_id)
    )
    deadline = None
    if first_start and any(needs[name] for name in INTERPRETING):
        lead = timedelta(days=current_app.config["INTERPRETER_LEAD_DAYS"])
        deadline = berlin_date(first_start - lead)
    old_date_start = None
    if seminar.repeat_of_id is not None:
        old_date_start = db.session.scalar(
            select(func.min(SeminarSession.starts_at)).where(
                SeminarSession.seminar_id == seminar.repeat_of_id
            )
        )
    return SeminarRegistrations(
        seminar=seminar,
        old_date_start=old_date_start,
        rows=rows,
        positions={r.id: position for position, r in enumerate(queue, start=1)},
        needs=needs,
        other_needs=sum(1 for r in active if r.needs_other),
        interpreter_deadline=deadline,
    )


def get_registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundError()
    return registration


def register_by_phone(seminar_id: int, applicant: Applicant, *, actor: Actor | None, now: datetime):
    """No double opt-in: staff took the registration and recorded the person's consent."""
    result = allocation.register(seminar_id, applicant, now=now, by_staff=True)
    if result.registration.channel == CHANNEL_PHONE:
        # Staff are on the phone with the person: what the booking says is said.
        call_records.told_on_the_phone(
            result.registration.id,
            after_id=0,
            outcome=call_records.TOLD_AT_BOOKING,
            actor=actor,
            now=now,
        )
    record(
        actor,
        "registration.create_by_staff",
        registration=result.registration,
        after={
            "status": result.registration.status,
            "email": applicant.email,
            "channel": applicant.channel,
        },
    )
    return result.registration


def cancel(
    registration_id: int, *, reason: str, actor: Actor | None, now: datetime
) -> Registration:
    before = get_registration(registration_id).status
    registration = allocation.cancel(registration_id, now=now)
    record(
        actor,
        "registration.cancel",
        registration=registration,
        before={"status": before},
        after={"status": registration.status},
        note=reason,
    )
    return registration


def move_ahead(
    registration_id: int, *, reason: str, actor: Actor | None, now: datetime
) -> Registration:
    if not reason.strip():
        raise DomainError(_l("Bitte geben Sie einen Grund an."))
    registration = allocation.move_ahead(registration_id, now=now)
    record(
        actor,
        "registration.move_ahead",
        registration=registration,
        after={"status": registration.status},
        note=reason,
    )
    return registration


_MAIL_FOR_STATUS = {
    STATUS_PENDING: mails.CONFIRM_REQUEST,
    STATUS_CONFIRMED: mails.CONFIRMED,
    STATUS_WAITLISTED: mails.WAITLISTED,
    STATUS_OFFERED: mails.SEAT_OFFERED,
}


def resend_mail(registration_id: int, *, actor: Actor | None) -> str:
    registration = get_registration(registration_id)
    kind = _MAIL_FOR_STATUS.get(registration.status)
    if kind == mails.SEAT_OFFERED:
        kind = mails.offer_kind(registration)
    if kind is None:
        raise DomainError(_l("Für diese Anmeldung gibt es keine E-Mail zum erneuten Senden."))
    extra = {}
    if kind == mails.WAITLISTED:
        extra["position"] = registrations_of(registration.seminar_id).positions.get(registration.id)
    if delivery.channel_for(registration, kind) is None:
        # E.g. the request to confirm by e-mail, for someone without an e-mail address.
        raise DomainError(_l("Diese Nachricht kann die Person auf ihrem Weg nicht bekommen."))
    mails.queue(registration, kind, **extra)
    record(actor, "registration.resend_mail", registration=registration, after={"mail": kind})
    return kind


def resent_text(registration: Registration) -> str:
    """What staff are told after ``resend_mail``: where the message went."""
    if registration.channel == CHANNEL_POST:
        return str(_l("Die Nachricht liegt als Brief in der Druckliste."))
    if registration.channel == CHANNEL_PHONE:
        return str(_l("Die Nachricht steht auf der Anrufliste."))
    return str(_l("Die E-Mail ist erneut verschickt."))


CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation",
    "channel",
    "address_extra",
    "street",
    "postcode",
    "city",
)


def _check_channel(registration: Registration, values: dict) -> None:
    """What the channel needs, also for callers without the form (``check_channel``)."""
    channel = values["channel"]
    if channel not in CHANNELS:
        raise DomainError(_l("Bitte wählen Sie einen Eintrag aus."), field="channel")
    if channel == CHANNEL_EMAIL and not values["email"]:
        raise DomainError(_l("Bitte geben Sie die E-Mail-Adresse an."), field="email")
    if channel == CHANNEL_POST and not all(values[k] for k in ("street", "postcode", "city")):
        raise DomainError(
            _l("Für Briefe brauchen wir Straße und Hausnummer, Postleitzahl und Ort."),
            field="street",
        )
    if channel == CHANNEL_PHONE and not values["phone"]:
        raise DomainError(_l("Für Anrufe brauchen wir die Telefonnummer."), field="phone")
    if not values["email"] and registration.status == STATUS_PENDING:
        raise DomainError(
            _l(
                "Die Anmeldung wartet noch auf die Bestätigung per E-Mail: Die E-Mail-Adresse "
                "lässt sich erst danach entfernen."
            ),
            field="email",
        )


def correct_contact(registration_id: int, values: dict, *, actor: Actor | None) -> Registration:
    """Correct name, e-mail address, phone, group, channel and postal address. Without
    e-mail the address rules do not apply (``email_normalized`` is NULL) and the person key
    follows name, postcode and phone (``key_without_email``)."""
    registration = get_registration(registration_id)
    before = {name: getattr(registration, name) for name in CONTACT_FIELDS}
    values = {name: str(values.get(name) or "").strip() for name in CONTACT_FIELDS}
    _check_channel(registration, values)
    email = normalise_email(values["email"]) or None
    if email and email != registration.email_normalized and registration.status in ACTIVE_STATUSES:
        clash = db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.seminar_id == registration.seminar_id,
                Registration.email_normalized == email,
                Registration.status.in_(ACTIVE_STATUSES),
                Registration.id != registration.id,
            )
        )
        if clash:
            raise DomainError(
                _l("Mit dieser Adresse ist schon jemand für das Seminar angemeldet."), field="email"
            )
    for name in CONTACT_FIELDS:
        setattr(registration, name, values[name])
    registration.email_normalized = email
    registration.person_key = person_key(email) if email else key_without_email(registration)
    db.session.flush()
    delivery.follow_contact_change(registration, now=utcnow())
    old, new = changes(before, {name: getattr(registration, name) for name in CONTACT_FIELDS})
    if new:
        record(actor, "registration.update", registration=registration, before=old, after=new)
    return registration


# -- attendance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSheet:
    seminar: Seminar
    sessions: list[SeminarSession]
    people: list[Registration]
    present: set[tuple[int, int]]  # (registration id, session id)

    @property
    def rate(self) -> float | None:
        possible = len(self.sessions) * len(self.people)
        return len(self.present) / possible if possible else None


def attendance_of(seminar_id: int) -> AttendanceSheet:
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    sessions = list(
        db.session.scalars(
            select(SeminarSession)
            .where(SeminarSession.seminar_id == seminar_id)
            .order_by(SeminarSession.starts_at)
        )
    )
    people = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.status == STATUS_CONFIRMED)
            .order_by(Registration.last_name, Registration.first_name, Registration.id)
        )
    )
    present = {
        (registration_id, session_id)
        for registration_id, session_id in db.session.execute(
            select(Attendance.registration_id, Attendance.session_id)
            .join(SeminarSession, SeminarSession.id == Attendance.session_id)
            .where(SeminarSession.seminar_id == seminar_id, Attendance.present.is_(True))
        )
    }
    return AttendanceSheet(seminar, sessions, people, present)


def record_attendance(
    seminar_id: int, session_id: int, present_ids: set[int], *, actor: Actor | None, now: datetime
) -> int:
    """Set who was at one session (everyone else confirmed: absent). Returns how many were."""
    sheet = attendance_of(seminar_id)
    if session_id not in {s.id for s in sheet.sessions}:
        raise NotFoundError()
    confirmed = {r.id for r in sheet.people}
    existing = {
        a.registration_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }
    for registration_id in confirmed:
        mark = existing.get(registration_id)
        if mark is None:
            mark = Attendance(registration_id=registration_id, session_id=session_id)
            db.session.add(mark)
        mark.present = registration_id in present_ids
        mark.recorded_at = now
        mark.recorded_by_id = getattr(actor, "id", None)
    db.session.flush()
    count = len(confirmed & present_ids)
    record(
        actor,
        "attendance.record",
        seminar=sheet.seminar,
        after={"session_id": session_id, "present": count, "of": len(confirmed)},
    )
    return count
