"""The staff start page: upcoming seminars and what needs attention first; names only where
staff must act on a person (mails that did not reach them), never for the steering committee."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from seminars.core.timezone import berlin_date
from seminars.extensions import db
from seminars.letters import services as letters
from seminars.outbox.models import OutboxMessage
from seminars.outbox.undelivered import open_failure
from seminars.programme.models import STATUS_CANCELLED, Seminar, SeminarSession
from seminars.registrations.models import (
    ACTIVE_STATUSES,
    STATUS_PENDING,
    STATUS_WAITLISTED,
    Registration,
    seats_expression,
)
from seminars.registrations.needs import INTERPRETING, NEED_KEYS


@dataclass(frozen=True)
class SeminarStatus:
    seminar: Seminar
    starts_at: datetime
    seats_taken: int
    # Confirmed people on the waitlist (they could take a free seat at once); the unconfirmed
    # ones, with or without a waitlist place, are among ``unconfirmed``.
    confirmed_waiting: int
    unconfirmed: int
    # Registrations asking for interpreting, or for anything else; None: withheld, because
    # fewer than the minimum group would be shown to someone who only reads figures.
    interpreting: int | None
    other_needs: int | None
    interpreter_deadline: date | None

    @property
    def fill_rate(self) -> float:
        return self.seats_taken / self.seminar.capacity if self.seminar.capacity else 0.0

    def interpreters_overdue(self, today: date) -> bool:
        """The day to book interpreters by has passed."""
        return self.interpreter_deadline is not None and self.interpreter_deadline < today

    def attention(self, today: date) -> list[str]:
        """Codes of what needs doing, most urgent first (the template words them). Booking
        interpreters and other support is the accessibility tasks' list, for staff only."""
        items = []
        if self.unconfirmed:
            items.append("unconfirmed")
        if self.confirmed_waiting and self.seats_taken < self.seminar.capacity:
            items.append("free_seats_and_waitlist")
        return items


def withhold_small_needs(statuses: list[SeminarStatus], minimum: int) -> list[SeminarStatus]:
    """The figures as the steering committee may see them: counts of needs below ``minimum``
    (0 included, so that "none" and "one" look alike) are withheld, and so is the interpreter
    deadline, whose presence alone would tell that someone asked. Staff book interpreters and
    keep the exact figures. No figure on the page adds needs up, so no difference of two
    shown figures can isolate a withheld count."""

    def shown(count: int | None) -> int | None:
        return count if count is not None and count >= minimum else None

    result = []
    for status in statuses:
        interpreting = shown(status.interpreting)
        result.append(
            replace(
                status,
                interpreting=interpreting,
                other_needs=shown(status.other_needs),
                interpreter_deadline=status.interpreter_deadline if interpreting else None,
            )
        )
    return result


def upcoming(now: datetime, limit: int = 100) -> list[SeminarStatus]:
    """Upcoming seminars with their figures: two queries whatever their number."""
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    active = Registration.status.in_(ACTIVE_STATUSES)
    interpreting = and_(active, or_(*(getattr(Registration, key) for key in INTERPRETING)))
    other_needs = and_(
        active,
        or_(
            *(getattr(Registration, key) for key in NEED_KEYS if key not in INTERPRETING),
            Registration.needs_other != "",
        ),
    )
    figures = (
        select(
            Registration.seminar_id,
            func.coalesce(func.sum(seats_expression).filter(Registration.holds_seat), 0).label(
                "taken"
            ),
            func.count()
            .filter(Registration.status == STATUS_WAITLISTED)
            .label("confirmed_waiting"),
            func.count().filter(Registration.status == STATUS_PENDING).label("unconfirmed"),
            func.count().filter(interpreting).label("interpreting"),
            func.count().filter(other_needs).label("other_needs"),
        )
        .group_by(Registration.seminar_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Seminar,
            first.c.starts_at,
            func.coalesce(figures.c.taken, 0),
            func.coalesce(figures.c.confirmed_waiting, 0),
            func.coalesce(figures.c.unconfirmed, 0),
            func.coalesce(figures.c.interpreting, 0),
            func.coalesce(figures.c.other_needs, 0),
        )
        .join(first, first.c.seminar_id == Seminar.id)
        .outerjoin(figures, figures.c.seminar_id == Seminar.id)
        .where(first.c.starts_at > now, Seminar.status != STATUS_CANCELLED)
        .order_by(first.c.starts_at)
        .limit(limit)
    ).all()
    lead = timedelta(days=current_app.config["INTERPRETER_LEAD_DAYS"])
    return [
        SeminarStatus(
            seminar=seminar,
            starts_at=starts_at,
            seats_taken=int(taken),
            confirmed_waiting=int(confirmed_waiting),
            unconfirmed=int(unconfirmed),
            interpreting=int(interp),
            other_needs=int(other),
            interpreter_deadline=berlin_date(starts_at - lead) if interp else None,
        )
        for seminar, starts_at, taken, confirmed_waiting, unconfirmed, interp, other in rows
    ]


# Failed mails older than this are left to the registration pages.
UNDELIVERED_SHOWN = timedelta(days=30)


@dataclass(frozen=True)
class UndeliveredRegistration:
    registration_id: int
    name: str
    seminar_title: str
    mails: int


@dataclass(frozen=True)
class Undelivered:
    mails: int
    registrations: list[UndeliveredRegistration]


def undelivered(now: datetime, limit: int = 20) -> Undelivered:
    """Mails that could not be delivered lately, and whom they were for (names: staff only).
    Two queries whatever their number."""
    since = now - UNDELIVERED_SHOWN
    mails = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(open_failure(since))
    )
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.first_name,
            Registration.last_name,
            Seminar.title,
            func.count(OutboxMessage.id),
        )
        .join(OutboxMessage, OutboxMessage.registration_id == Registration.id)
        .join(Seminar, Seminar.id == Registration.seminar_id)
        .where(open_failure(since))
        .group_by(Registration.id, Registration.first_name, Registration.last_name, Seminar.title)
        .order_by(func.max(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return Undelivered(
        mails=int(mails or 0),
        registrations=[
            UndeliveredRegistration(
                registration_id=rid,
                name=f"{first} {last}".strip(),
                seminar_title=title,
                mails=int(count),
            )
            for rid, first, last, title, count in rows
        ],
    )


def letters_to_print() -> int:
    """How many letters wait in the print queue (their people are staff's business only)."""
    return letters.count_due()
