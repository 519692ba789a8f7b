"""Retention of what the accessibility services keep beyond the counts.

When a seminar's registrations are anonymised (``RETENTION_MONTHS`` after its end), its
materials go (rows and files) and the tasks' notes are blanked (free text that may name a
person); counts, dates, provider and costs stay for the funder. Run by housekeeping with
the same cutoff as the privacy step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from seminars.accessibility import files
from seminars.accessibility.models import ServiceMaterial, ServiceTask
from seminars.core.changed_rows import changed_rows
from seminars.extensions import db
from seminars.programme.queries import seminars_ended_before


def forget_ended_before(cutoff: datetime) -> int:
    """Delete the materials and blank the task notes of seminars that ended before
    ``cutoff``; returns how many materials were deleted. The caller commits (the files go
    once it has)."""
    ended = seminars_ended_before(cutoff)
    materials = list(
        db.session.scalars(select(ServiceMaterial).where(ServiceMaterial.seminar_id.in_(ended)))
    )
    for material in materials:
        files.drop_after_commit(material.stored_name)
        db.session.delete(material)
    changed_rows(
        update(ServiceTask)
        .where(ServiceTask.seminar_id.in_(ended), ServiceTask.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return len(materials)
