"""What the surveys hold about a person, for privacy (``privacy/services.py``): that a
registration was invited, and the link. Answers are never linked to anyone. Same three
functions as ``registrations/personal_data.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from seminars.extensions import db
from seminars.surveys import services
from seminars.surveys.models import SurveyInvitee


def export(registration_ids: Sequence[int]) -> dict[int, dict]:
    result: dict[int, dict] = {}
    for registration_id in registration_ids:
        invited_at = db.session.scalar(
            select(SurveyInvitee.invited_at).where(SurveyInvitee.registration_id == registration_id)
        )
        result[registration_id] = {
            "survey_invited_at": invited_at.isoformat() if invited_at else None
        }
    return result


def erase(registrations: Sequence, *, now: datetime) -> None:
    """The survey links stop working; the invitation rows stay for the response rate."""
    services.void_links([(r.seminar_id, r.id) for r in registrations])


def anonymise(
    registration_ids: Sequence[int], *, now: datetime, person_key: str | None = None
) -> None:
    """Nothing: the invitation rows hold no personal data beyond the registration."""
