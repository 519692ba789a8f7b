"""The print queue: the letters waiting to be printed, and marking them printed and posted.

The list loads what it shows in one query however many letters wait. Marking takes the ids
of the letters staff printed (those of the batch they downloaded, not whatever is due by
then), records each letter once (``outbox/done.py``) and writes one audit entry per letter
that names its kind, never the address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db
from seminars.outbox.done import mark_done
from seminars.outbox.models import CHANNEL_LETTER, STATUS_PENDING, OutboxMessage
from seminars.programme.models import Seminar
from seminars.registrations.models import Registration

# More than this many letters on one page (and in one PDF) is a backlog to print in parts.
LIMIT = 200
# A letter still waiting this long after it was written is overdue (the post takes days too).
OVERDUE_AFTER = timedelta(days=2)

_due = (OutboxMessage.channel == CHANNEL_LETTER, OutboxMessage.status == STATUS_PENDING)


@dataclass(frozen=True)
class DueLetter:
    id: int
    written_at: datetime
    kind: str
    registration_id: int | None
    name: str
    seminar_id: int | None
    seminar_title: str | None
    large_print: bool


def count_due() -> int:
    return int(db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*_due)) or 0)


def due_letters(limit: int = LIMIT) -> list[DueLetter]:
    """The letters waiting to be printed, oldest first: one query."""
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.kind,
            OutboxMessage.registration_id,
            OutboxMessage.recipient,
            Registration.first_name,
            Registration.last_name,
            Registration.need_large_print,
            Seminar.id,
            Seminar.title,
        )
        .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
        .outerjoin(Seminar, Seminar.id == Registration.seminar_id)
        .where(*_due)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return [
        DueLetter(
            id=message_id,
            written_at=created_at,
            kind=kind,
            registration_id=registration_id,
            # The name from the registration; the address window's first line otherwise.
            name=f"{first or ''} {last or ''}".strip() or recipient.split("\n", 1)[0],
            seminar_id=seminar_id,
            seminar_title=title,
            large_print=bool(large_print),
        )
        for (
            message_id,
            created_at,
            kind,
            registration_id,
            recipient,
            first,
            last,
            large_print,
            seminar_id,
            title,
        ) in rows
    ]


Letter = tuple[OutboxMessage, Registration | None]


def letters_to_print(ids: Iterable[int] | None = None, limit: int = LIMIT) -> list[Letter]:
    """The due letters (only those of ``ids``, when given) with their registrations, oldest
    first, for the PDF: one query."""
    statement = (
        select(OutboxMessage, Registration)
        .outerjoin(Registration, Registration.id == OutboxMessage.registration_id)
        .where(*_due)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        # No more than a page shows (and the database takes as parameters of one query).
        statement = statement.where(OutboxMessage.id.in_(list(ids)[:limit]))
    return [(message, registration) for message, registration in db.session.execute(statement)]


def letter_to_print(message_id: int) -> Letter:
    found = letters_to_print([message_id])
    if not found:
        raise NotFoundError()
    return found[0]


def mark_printed(message_ids: Sequence[int], *, actor: Actor | None, now: datetime) -> int:
    """Mark the letters ``message_ids`` printed and posted: each pending one once (a letter
    already done is left as it is), with one audit entry per letter. Returns how many were
    marked now."""
    ids = sorted(set(message_ids))
    if not ids:
        raise DomainError(_l("Bitte wählen Sie mindestens einen Brief aus."), field="letter_ids")
    if len(ids) > LIMIT:
        raise DomainError(
            _l("Bitte markieren Sie höchstens %(num)d Briefe auf einmal.", num=LIMIT),
            field="letter_ids",
        )
    letters = letters_to_print(ids, limit=len(ids))
    marked = 0
    for message, registration in letters:
        kind = message.kind
        done = mark_done(
            message.id, channel=CHANNEL_LETTER, done_by_id=getattr(actor, "id", None), now=now
        )
        if not done:
            continue  # someone else marked it meanwhile
        db.session.expire(message)
        record(actor, "letter.printed", registration=registration, after={"letter": kind})
        marked += 1
    return marked
