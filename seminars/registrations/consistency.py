"""Checks that the stored registrations keep the service's promises.

Used after load and fault tests and by ``flask check-consistency`` for operators: no seminar
holds more seats than it has, no seat stays free while a confirmed person waits for it (by
the allocation's own offer rules), every registration is in one valid state, the mail that
the current state promises to its registrant is in the outbox (queued, being sent or sent),
and no mail was given up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import STATUS_FAILED, OutboxMessage
from seminars.programme.models import STATUS_PUBLISHED, Seminar
from seminars.registrations import allocation, mails
from seminars.registrations.models import (
    REGISTRATION_STATUSES,
    SEAT_STATUSES,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
    seats_expression,
)

# The mail (any of the kinds) each status promises to have sent its registrant.
PROMISED_MAIL = {
    STATUS_PENDING: (mails.CONFIRM_REQUEST,),
    STATUS_CONFIRMED: (mails.CONFIRMED,),
    STATUS_WAITLISTED: (mails.WAITLISTED, *mails.OFFER_KINDS),
    STATUS_OFFERED: mails.OFFER_KINDS,
    STATUS_CANCELLED: (mails.CANCELLED_BY_YOU, mails.SEMINAR_CANCELLED),
}


@dataclass(frozen=True)
class Problem:
    kind: str
    subject_id: int
    text: str


def overbooked_seminars() -> list[Problem]:
    """Published seminars whose seat holders need more seats than the seminar has."""
    taken = func.coalesce(func.sum(seats_expression), 0)
    rows = db.session.execute(
        select(Seminar.id, Seminar.capacity, taken)
        .join(Registration, and_(Registration.seminar_id == Seminar.id, Registration.holds_seat))
        .where(Seminar.status == STATUS_PUBLISHED)
        .group_by(Seminar.id, Seminar.capacity)
        .having(taken > Seminar.capacity)
    ).all()
    return [
        Problem(
            "overbooked",
            seminar_id,
            ngettext(
                "%(taken)d von %(num)d Platz belegt",
                "%(taken)d von %(num)d Plätzen belegt",
                capacity,
                taken=seats,
            ),
        )
        for seminar_id, capacity, seats in rows
    ]


def free_seats_while_waiting(now: datetime) -> list[Problem]:
    """Seminars where the allocation would offer a seat right now: a seat is free while a
    confirmed person waits for it. Too close to the start no seat is offered any more (it
    stays free for staff), so that is no problem."""
    taken = func.coalesce(func.sum(seats_expression).filter(Registration.holds_seat), 0)
    candidates = db.session.scalars(
        select(Seminar)
        .join(Registration, Registration.seminar_id == Seminar.id)
        .where(Seminar.status == STATUS_PUBLISHED)
        .group_by(Seminar.id)
        .having(taken < Seminar.capacity)
        .having(func.count().filter(Registration.status == STATUS_WAITLISTED) > 0)
        .order_by(Seminar.id)
    ).all()
    problems = []
    for seminar in candidates:
        waiting = allocation.unserved_waitlist(seminar, now=now)
        if waiting:
            problems.append(
                Problem(
                    "free_seat_waiting",
                    seminar.id,
                    str(
                        _l(
                            "Freier Platz, während bestätigte Personen warten (Anmeldung "
                            "%(registration)d wäre die nächste)",
                            registration=waiting[0].id,
                        )
                    ),
                )
            )
    return problems


def invalid_registrations() -> list[Problem]:
    """Registrations whose status, seat flag and offer deadline do not fit together, or that
    kept the pseudonym of their client address past being unconfirmed."""
    status, holds_seat, deadline = (
        Registration.status,
        Registration.holds_seat,
        Registration.offer_expires_at,
    )
    invalid = or_(
        status.not_in(REGISTRATION_STATUSES),
        and_(status.in_((STATUS_CONFIRMED, STATUS_OFFERED)), not_(holds_seat)),
        and_(status.not_in(SEAT_STATUSES), holds_seat),
        and_(status == STATUS_OFFERED, deadline.is_(None)),
        and_(status != STATUS_OFFERED, deadline.is_not(None)),
        and_(status != STATUS_PENDING, Registration.client_key.is_not(None)),
    )
    rows = db.session.execute(
        select(Registration.id, Registration.status).where(invalid).order_by(Registration.id)
    ).all()
    return [
        Problem(
            "invalid_state", registration_id, str(_l("Ungültiger Zustand: %(status)s", status=s))
        )
        for registration_id, s in rows
    ]


def missing_mails() -> list[Problem]:
    """Registrations whose current status lacks the mail it promises (phone registrations
    that staff confirmed without an address check are not asked to confirm). A mail that
    was given up was never delivered: it keeps no promise."""
    problems = []
    for status, kinds in PROMISED_MAIL.items():
        has_mail = exists().where(
            OutboxMessage.registration_id == Registration.id,
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.status != STATUS_FAILED,
        )
        query = select(Registration.id).where(
            Registration.status == status,
            Registration.anonymised_at.is_(None),
            not_(has_mail),
        )
        if status == STATUS_PENDING:
            query = query.where(not_(Registration.registered_by_staff))
        if status in _NEW_DATE_SILENCE:
            query = query.where(not_(_NEW_DATE_SILENCE[status]()))
        for registration_id in db.session.scalars(query.order_by(Registration.id)):
            problems.append(
                Problem(
                    "missing_mail",
                    registration_id,
                    str(_l("Keine E-Mail zum Zustand %(status)s", status=status)),
                )
            )
    return problems


def _waiting_for_a_new_date():
    """A place on a new date (``new_dates``) waits without a mail of its own: the person
    still waits on the old date, or is on its interest list, and hears when it is offered."""
    return or_(
        Registration.moved_from_id.is_not(None), Registration.interest_subscription_id.is_not(None)
    )


def _moved_or_superseded():
    """Ended without a cancellation mail of its own: a registration whose person took a place
    on a new date (that confirmation says they left the old waitlist), or a place on a new
    date withdrawn because the person took a seat on the old date (``new_dates``)."""
    copy, origin = aliased(Registration), aliased(Registration)
    confirmed_copy = exists().where(
        copy.moved_from_id == Registration.id,
        exists().where(
            OutboxMessage.registration_id == copy.id,
            OutboxMessage.kind == mails.CONFIRMED,
            OutboxMessage.status != STATUS_FAILED,
        ),
    )
    seated_origin = exists().where(
        origin.id == Registration.moved_from_id, origin.status == STATUS_CONFIRMED
    )
    return or_(confirmed_copy, seated_origin)


_NEW_DATE_SILENCE = {
    STATUS_WAITLISTED: _waiting_for_a_new_date,
    STATUS_CANCELLED: _moved_or_superseded,
}


def failed_mails() -> list[Problem]:
    """Mails the outbox gave up on (``OUTBOX_MAX_ATTEMPTS`` failed attempts), unless the same
    kind of mail reached the registration later (staff sent it again)."""
    later = aliased(OutboxMessage)
    sent_again = exists().where(
        later.registration_id == OutboxMessage.registration_id,
        later.kind == OutboxMessage.kind,
        later.id > OutboxMessage.id,
        later.status != STATUS_FAILED,
    )
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.kind)
        .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
        .where(
            OutboxMessage.status == STATUS_FAILED,
            Registration.anonymised_at.is_(None),
            or_(OutboxMessage.registration_id.is_(None), not_(sent_again)),
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [
        Problem("mail_failed", message_id, str(_l("E-Mail aufgegeben: %(kind)s", kind=kind)))
        for message_id, kind in rows
    ]


def find_problems(now: datetime | None = None) -> list[Problem]:
    now = now or utcnow()
    return (
        overbooked_seminars()
        + free_seats_while_waiting(now)
        + invalid_registrations()
        + missing_mails()
        + failed_mails()
    )
