"""Shared steps of the accessibility tests: people with needs, tasks in a state, files."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from seminars.accessibility.models import ServiceTask
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation, tokens
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


def person(seminar, *, confirm: bool = True, locale: str = "de", **needs):
    """A registration with ``needs``, confirmed unless asked otherwise; (registration, token)."""
    now = utcnow()
    applicant = factories.applicant(locale=locale, **needs)
    registration = allocation.register(seminar.id, applicant, now=now).registration
    if confirm:
        allocation.confirm(registration.id, now=now)
    db.session.commit()
    return registration, tokens.token_for(registration.id, registration.token_salt)


def set_task(seminar, kind: str, status: str) -> ServiceTask:
    task = db.session.scalars(
        select(ServiceTask).where(ServiceTask.seminar_id == seminar.id, ServiceTask.kind == kind)
    ).one()
    task.status = status
    db.session.commit()
    return task
