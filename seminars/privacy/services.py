"""Retention: free-text needs go soon after a seminar, personal data after a longer period.

What stays is what the statistics need: county, status, attendance and the survey answers
(which never held a person). Certificates keep their snapshot so that they can still be
verified.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, cast, func, literal, select, update

from seminars.audit.models import AuditEntry
from seminars.catalogue.models import SeminarSession
from seminars.core.locking import begin_write
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Registration
from seminars.surveys.models import SurveyInvitation


def _seminars_ended_before(cutoff: datetime):
    return (
        select(SeminarSession.seminar_id)
        .group_by(SeminarSession.seminar_id)
        .having(func.max(SeminarSession.ends_at) < cutoff)
    )


def delete_free_text_needs(now: datetime) -> int:
    """Free-text accessibility needs are deleted ``NEEDS_RETENTION_DAYS`` after the seminar."""
    cutoff = now - timedelta(days=current_app.config["NEEDS_RETENTION_DAYS"])
    begin_write()
    changed = db.session.execute(
        update(Registration)
        .where(
            Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
            Registration.needs_other != "",
        )
        .values(needs_other="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed


def anonymise_old_registrations(now: datetime) -> int:
    """``RETENTION_MONTHS`` after a seminar its registrations lose names, addresses, phone,
    group, remarks and needs; county, status and attendance stay for the statistics."""
    cutoff = now - timedelta(days=round(current_app.config["RETENTION_MONTHS"] * 30.44))
    begin_write()
    ids = list(
        db.session.scalars(
            select(Registration.id).where(
                Registration.seminar_id.in_(_seminars_ended_before(cutoff)),
                Registration.anonymised_at.is_(None),
            )
        )
    )
    if not ids:
        db.session.commit()
        return 0
    db.session.execute(
        update(Registration)
        .where(Registration.id.in_(ids))
        .values(
            first_name="",
            last_name="",
            email="",
            email_normalized=literal("anonymised-") + cast(Registration.id, String),
            phone="",
            organisation="",
            remarks="",
            needs_other="",
            need_sign_language=False,
            need_speech_to_text=False,
            need_step_free=False,
            need_hearing_loop=False,
            need_personal_assistant=False,
            token_hash=None,
            anonymised_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(ids))
        .values(recipient="", subject="", body_text="", body_html="", attachments=[])
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.registration_id.in_(ids))
        .values(before={}, after={}, note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.registration_id.in_(ids))
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(ids)
