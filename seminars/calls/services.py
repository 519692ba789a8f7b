"""The call list: open calls (outbox rows with channel "call"), most urgent first.

Seat offers come first, by their deadline: a seat waits for the answer. Then everything
else, oldest first. An offer whose registration is no longer offered (answered online, run
out, cancelled) has nothing left to say: the allocation marks its call done (``obsolete``)
when the offer ends, and the list leaves it out in any case. One query for the list, one
for the start page's figures, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from seminars.extensions import db
from seminars.outbox.models import CHANNEL_CALL, STATUS_PENDING, OutboxMessage
from seminars.programme.models import FORMAT_IN_PERSON, Seminar, SeminarSession
from seminars.registrations import mails
from seminars.registrations.call_records import NOT_REACHED, kind_label, outcomes_for
from seminars.registrations.models import STATUS_OFFERED, Registration


@dataclass(frozen=True)
class CallEntry:
    id: int
    kind: str
    phone: str
    text: str
    attempts: int
    not_reached: bool
    name: str
    registration_id: int | None
    seminar_title: str
    starts_at: datetime | None
    # Offers: until when the person may answer.
    deadline: datetime | None
    overdue: bool
    # Reminders of online and hybrid seminars: how to join, to say on the phone (None: the
    # call is not about it; "": the seminar has no access link yet).
    meeting_url: str | None = None

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return outcomes_for(self.kind)


def _is_offer():
    return OutboxMessage.kind.in_(mails.OFFER_KINDS)


def _open():
    """Open calls, without offers that no longer hold."""
    return and_(
        OutboxMessage.channel == CHANNEL_CALL,
        OutboxMessage.status == STATUS_PENDING,
        or_(~_is_offer(), Registration.status == STATUS_OFFERED),
    )


def open_calls(now: datetime, limit: int = 500) -> list[CallEntry]:
    """The call list, most urgent first: one query."""
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.recipient,
            OutboxMessage.body_text,
            OutboxMessage.attempts,
            OutboxMessage.outcome,
            Registration.id,
            Registration.first_name,
            Registration.last_name,
            Registration.offer_expires_at,
            Seminar.title,
            first.c.starts_at,
            Seminar.format,
            Seminar.meeting_url,
        )
        .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
        .outerjoin(Seminar, Seminar.id == Registration.seminar_id)
        .outerjoin(first, first.c.seminar_id == Seminar.id)
        .where(_open())
        .order_by(
            case((_is_offer(), 0), else_=1),
            case((_is_offer(), Registration.offer_expires_at), else_=None),
            OutboxMessage.id,
        )
        .limit(limit)
    ).all()
    entries = []
    for row in rows:
        (message_id, kind, phone, text, attempts, outcome, registration_id) = row[:7]
        first_name, last_name, offer_expires_at, title, starts_at, form, meeting_url = row[7:]
        deadline = offer_expires_at if kind in mails.OFFER_KINDS else None
        online = form is not None and form != FORMAT_IN_PERSON
        joins = (meeting_url or "") if online and kind == mails.REMINDER else None
        entries.append(
            CallEntry(
                id=message_id,
                kind=kind,
                phone=phone,
                text=text,
                attempts=attempts or 0,
                not_reached=outcome == NOT_REACHED,
                name=f"{first_name or ''} {last_name or ''}".strip(),
                registration_id=registration_id,
                seminar_title=title or "",
                starts_at=starts_at,
                deadline=deadline,
                overdue=deadline is not None and deadline <= now,
                meeting_url=joins,
            )
        )
    return entries


@dataclass(frozen=True)
class CallFigures:
    open: int
    overdue_offers: int


def figures(now: datetime) -> CallFigures:
    """How many calls are open, and how many offers among them have passed their deadline
    (for the start page): one query."""
    overdue = and_(_is_offer(), Registration.offer_expires_at <= now)
    total, late = db.session.execute(
        select(func.count(), func.count().filter(overdue))
        .select_from(OutboxMessage)
        .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
        .where(_open())
    ).one()
    return CallFigures(open=int(total or 0), overdue_offers=int(late or 0))
