"""What certificates hold about a person, for privacy (``privacy/services.py``): the name on
each certificate. Same three functions as ``registrations/personal_data.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from seminars.certificates import services
from seminars.certificates.models import Certificate
from seminars.extensions import db


def export(registration_ids: Sequence[int]) -> dict[int, dict]:
    result: dict[int, dict] = {}
    for registration_id in registration_ids:
        certificates = db.session.scalars(
            select(Certificate).where(Certificate.registration_id == registration_id)
        ).all()
        result[registration_id] = {
            "certificates": [
                {
                    "code": c.code,
                    "name_on_certificate": c.snapshot.get("name", ""),
                    "issued_at": _iso(c.issued_at),
                    "revoked": c.revoked_at is not None,
                }
                for c in certificates
            ]
        }
    return result


def erase(registrations: Sequence, *, now: datetime) -> None:
    """Certificates are withdrawn and lose the name."""
    services.withdraw_for_erasure([r.id for r in registrations], now=now)


def anonymise(
    registration_ids: Sequence[int], *, now: datetime, person_key: str | None = None
) -> None:
    """Certificates lose the name and the link; the public check says only that one was
    issued."""
    services.anonymise_for(list(registration_ids), now=now)


def _iso(value):
    return value.isoformat() if value else None
