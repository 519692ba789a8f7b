"""Materials for download: one file per seminar and format, for the registrants whose needs
it serves, from ``available_from`` on.

Staff upload, replace and delete them (``upload``, ``delete``); a file is accepted only if
its ending and its first bytes agree on the format (a PDF starts with ``%PDF-``, a Word file
is a zip archive holding ``word/document.xml``). A registrant sees the materials for their
needs on their personal page while their registration is active (confirmed, or holding a
seat), and downloads them there (``material_for``), nobody else.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.accessibility import files
from seminars.accessibility.models import ServiceMaterial
from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.timezone import berlin_date, berlin_to_utc
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations.models import STATUS_CONFIRMED, Registration
from seminars.registrations.needs import need_label

# Larger files are refused (the request limit, MAX_CONTENT_LENGTH, is a little above it).
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    key: str
    # What staff and registrants read ("Unterlagen als PDF").
    label: LazyString
    # The file ending it must have, and the type it is served as.
    ending: str
    content_type: str
    # The needs (``Registration`` columns) it serves.
    needs: tuple[str, ...]

    @property
    def needs_text(self) -> str:
        return ", ".join(need_label(key) for key in self.needs)


FORMATS = (
    Format(
        "pdf",
        _l("Unterlagen als PDF"),
        "pdf",
        "application/pdf",
        ("need_large_print", "need_handouts_in_advance"),
    ),
    Format(
        "docx",
        _l("Unterlagen als Word-Datei"),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("need_braille", "need_handouts_in_advance"),
    ),
    Format(
        "easy_read_pdf",
        _l("Unterlagen in Leichter Sprache (PDF)"),
        "pdf",
        "application/pdf",
        ("need_easy_read",),
    ),
)
FORMAT_KEYS = tuple(item.key for item in FORMATS)
_BY_KEY = {item.key: item for item in FORMATS}


def format_of(key: str) -> Format | None:
    return _BY_KEY.get(key)


def format_label(key: str) -> str:
    found = _BY_KEY.get(key)
    return str(found.label) if found else key


def needs_served_by(key: str) -> tuple[str, ...]:
    found = _BY_KEY.get(key)
    return found.needs if found else ()


def formats_for(registration: Registration) -> list[str]:
    """The formats that serve at least one need of the registration."""
    return [item.key for item in FORMATS if any(getattr(registration, n) for n in item.needs)]


def _looks_like(item: Format, data: bytes) -> bool:
    if item.ending == "pdf":
        return data.startswith(b"%PDF-")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def check_file(key: str, filename: str, data: bytes) -> Format:
    """The format, if ``filename`` and ``data`` are a file of it; else a refusal."""
    item = _BY_KEY.get(key)
    if item is None:
        raise DomainError(_l("Bitte wählen Sie eines der angebotenen Formate."), field="format")
    if not data:
        raise DomainError(_l("Die Datei ist leer."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_l("Die Datei ist größer als 5 MB."), field="file")
    ending = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ending != item.ending or not _looks_like(item, data):
        if item.ending == "pdf":
            message = _l("Bitte laden Sie eine PDF-Datei hoch (Endung .pdf).")
        else:
            message = _l("Bitte laden Sie eine Word-Datei hoch (Endung .docx).")
        raise DomainError(message, field="file")
    return item


def _first_start(seminar_id: int) -> datetime | None:
    return db.session.scalar(
        select(func.min(SeminarSession.starts_at)).where(SeminarSession.seminar_id == seminar_id)
    )


def default_available_from(seminar_id: int, now: datetime) -> datetime:
    """``MATERIALS_DAYS_BEFORE`` days before the first session, at midnight in Berlin (now
    when the seminar has no session yet)."""
    first_start = _first_start(seminar_id)
    if first_start is None:
        return now
    day = berlin_date(first_start) - timedelta(days=current_app.config["MATERIALS_DAYS_BEFORE"])
    return berlin_to_utc(day, time(0, 0))


def materials_of_seminar(seminar_id: int) -> dict[str, ServiceMaterial]:
    found = db.session.scalars(
        select(ServiceMaterial).where(ServiceMaterial.seminar_id == seminar_id)
    )
    return {material.format: material for material in found}


def _shown_name(filename: str, item: Format) -> str:
    """The name the file is offered under: the uploaded name without any folder or control
    characters (umlauts stay; the download names it in UTF-8). Never a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip(" .")
    name = name[-150:].strip(" .") or "unterlagen"
    if not name.lower().endswith("." + item.ending):
        name = f"{name}.{item.ending}"
    return name


def upload(
    seminar_id: int,
    key: str,
    *,
    filename: str | None,
    data: bytes | None,
    available_from: datetime | None,
    actor: Actor | None,
    now: datetime,
) -> ServiceMaterial:
    """Attach a file in format ``key`` to the seminar, or replace the one there; without a
    file, change only from when the one there is available."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    existing = materials_of_seminar(seminar_id).get(key)
    if data is None and existing is None:
        if key not in _BY_KEY:
            raise DomainError(_l("Bitte wählen Sie eines der angebotenen Formate."))
        raise DomainError(_l("Bitte wählen Sie eine Datei aus."), field="file")
    if data is None:
        assert existing is not None
        before = existing.available_from
        existing.available_from = available_from or before
        if existing.available_from != before:
            record(
                actor,
                "service_material.update",
                seminar=seminar,
                before={"format": key, "available_from": before.isoformat()},
                after={"format": key, "available_from": existing.available_from.isoformat()},
            )
        db.session.flush()
        return existing
    item = check_file(key, filename or "", data)
    stored_name = files.write(data, item.ending)
    when = available_from or (
        existing.available_from if existing else default_available_from(seminar_id, now)
    )
    material = existing or ServiceMaterial(seminar_id=seminar_id, format=key)
    if existing is not None:
        files.drop_after_commit(existing.stored_name)
    material.filename = _shown_name(filename or "", item)
    material.stored_name = stored_name
    material.content_type = item.content_type
    material.size = len(data)
    material.available_from = when
    material.uploaded_at = now
    material.uploaded_by_id = getattr(actor, "id", None)
    db.session.add(material)
    record(
        actor,
        "service_material.replace" if existing else "service_material.upload",
        seminar=seminar,
        after={"format": key, "file": material.filename, "size": material.size},
    )
    db.session.flush()
    return material


def delete(seminar_id: int, material_id: int, *, actor: Actor | None) -> None:
    material = db.session.get(ServiceMaterial, material_id)
    if material is None or material.seminar_id != seminar_id:
        raise NotFoundError()
    record(
        actor,
        "service_material.delete",
        seminar=db.session.get(Seminar, seminar_id),
        before={"format": material.format, "file": material.filename},
    )
    files.drop_after_commit(material.stored_name)
    db.session.delete(material)
    db.session.flush()


def _active(registration: Registration) -> bool:
    return registration.status == STATUS_CONFIRMED or bool(registration.holds_seat)


@dataclass(frozen=True)
class Offered:
    """A material as the registrant's page lists it."""

    id: int
    format: str
    filename: str
    size: int

    @property
    def label(self) -> str:
        return format_label(self.format)


def materials_for(registration: Registration, now: datetime) -> list[Offered]:
    """The materials the registrant may download now: their registration is active, a need
    of theirs is served by the format, and the file is available."""
    wanted = formats_for(registration)
    if not wanted or not _active(registration):
        return []
    found = db.session.scalars(
        select(ServiceMaterial)
        .where(
            ServiceMaterial.seminar_id == registration.seminar_id,
            ServiceMaterial.format.in_(wanted),
            ServiceMaterial.available_from <= now,
        )
        .order_by(ServiceMaterial.id)
    )
    by_format = {material.format: material for material in found}
    return [
        Offered(m.id, m.format, m.filename, m.size)
        for m in (by_format.get(key) for key in wanted)
        if m is not None
    ]


def material_for(registration: Registration, material_id: int, now: datetime) -> ServiceMaterial:
    """The material, if this registrant may download it now; else not found."""
    if not any(offered.id == material_id for offered in materials_for(registration, now)):
        raise NotFoundError()
    material = db.session.get(ServiceMaterial, material_id)
    if material is None:
        raise NotFoundError()
    return material
