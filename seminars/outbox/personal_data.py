"""What the outbox holds about a person, for privacy (``privacy/services.py``): the mails,
letters and calls to a registration (a letter's recipient is the postal address, a call's the
phone number). Same three functions as ``registrations/personal_data.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox import services
from seminars.outbox.models import OutboxMessage


def export(registration_ids: Sequence[int]) -> dict[int, dict]:
    result: dict[int, dict] = {}
    for registration_id in registration_ids:
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.registration_id == registration_id)
        ).all()
        result[registration_id] = {
            "mails": [
                {
                    "kind": m.kind,
                    "channel": m.channel,
                    "recipient": m.recipient,
                    "subject": m.subject,
                    "text_stored": bool(m.body_text or m.body_html),
                    "created_at": _iso(m.created_at),
                    "sent_at": _iso(m.sent_at),
                    "status": m.status,
                    "outcome": m.outcome,
                }
                for m in mails
            ]
        }
    return result


def erase(registrations: Sequence, *, now: datetime) -> None:
    """Every message to these registrations goes, sent or not."""
    services.forget_registrations([r.id for r in registrations])


def anonymise(
    registration_ids: Sequence[int], *, now: datetime, person_key: str | None = None
) -> None:
    """Messages keep only what they were and when: mails, letters and calls lose their
    recipient (address, postal address, phone number) and text."""
    services.blank_registrations(list(registration_ids))


def _iso(value):
    return value.isoformat() if value else None
