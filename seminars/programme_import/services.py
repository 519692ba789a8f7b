"""Importing a programme file: check every row, then write all of it or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from seminars.accounts.models import User
from seminars.audit.services import record
from seminars.extensions import db
from seminars.programme.models import (
    STATUS_CANCELLED,
    Instructor,
    Seminar,
    SeminarSession,
    Topic,
    Venue,
)
from seminars.programme_import.readers import UnreadableFile, read_programme_file
from seminars.programme_import.rows import ImportProblem, ProgrammeRow, VenueData, check_sheet

# Row values written to the seminar as they are (VenueData's fields mirror Venue's columns).
_COPIED_FIELDS = (
    "title",
    "format",
    "summary",
    "description",
    "capacity",
    "waitlist_capacity",
    "teaching_units",
    "registration_opens_at",
    "registration_closes_at",
    "meeting_url",
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PreviewRow:
    """One seminar of the file as it would be imported, with the problems of its row."""

    row: int
    code: str
    title: str
    sessions: list[tuple[datetime, datetime]]
    capacity: int
    updates: bool  # a seminar with this code exists and would be updated
    problems: list[ImportProblem]


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    # Problems of the file as a whole or of its header (no seminar row to show them with).
    file_problems: list[ImportProblem] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return len(self.file_problems) + sum(len(row.problems) for row in self.rows)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def _topic_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for topic in db.session.scalars(select(Topic)):
        for word in (topic.key, topic.name_de, topic.name_en):
            lookup[word.casefold()] = topic.key
    return lookup


def import_programme(filename: str, data: bytes) -> ImportResult:
    """Check the whole file; if every row is good, create or update its seminars (by code).

    Nothing is written when any problem is found. The caller's unit of work commits.
    """
    try:
        sheet = read_programme_file(filename, data)
    except UnreadableFile as exc:
        return ImportResult(problems=[ImportProblem(1, "-", str(exc.message))])
    rows, problems = check_sheet(sheet, _topic_lookup())
    if problems:
        return ImportResult(problems=problems)
    return _apply(rows)


def import_upload(filename: str, data: bytes, *, actor: User) -> ImportResult:
    """The import from the back office: as ``import_programme``, and in the audit log."""
    result = import_programme(filename, data)
    if result.ok:
        record(
            actor,
            "programme.import",
            after={"file": filename, "created": result.created, "updated": result.updated},
        )
    return result


def preview_programme(filename: str, data: bytes) -> Preview:
    """What importing the file would do, row by row, with every problem. Writes nothing."""
    try:
        sheet = read_programme_file(filename, data)
    except UnreadableFile as exc:
        return Preview(file_problems=[ImportProblem(1, "-", str(exc.message))])
    rows, problems = check_sheet(sheet, _topic_lookup())
    known = {
        code.casefold()
        for code in db.session.scalars(
            select(Seminar.code).where(
                func.lower(Seminar.code).in_([row.code.lower() for row in rows if row.code])
            )
        )
    }
    by_row: dict[int, list[ImportProblem]] = {}
    for problem in problems:
        by_row.setdefault(problem.row, []).append(problem)
    preview = Preview(
        rows=[
            PreviewRow(
                row=row.row,
                code=row.code,
                title=row.title,
                sessions=row.sessions,
                capacity=row.capacity,
                updates=row.code.casefold() in known,
                problems=by_row.pop(row.row, []),
            )
            for row in rows
        ]
    )
    preview.file_problems = [problem for found in by_row.values() for problem in found]
    return preview


def _apply(rows: list[ProgrammeRow]) -> ImportResult:
    result = ImportResult()
    topics = {t.key: t for t in db.session.scalars(select(Topic))}
    codes = [row.code for row in rows]
    existing = {
        s.code.casefold(): s
        for s in db.session.scalars(
            select(Seminar)
            .where(func.lower(Seminar.code).in_([c.lower() for c in codes]))
            .options(selectinload(Seminar.sessions), selectinload(Seminar.instructors))
        )
    }
    venues = {(v.name.casefold(), v.town.casefold()): v for v in db.session.scalars(select(Venue))}
    instructors = {i.name.casefold(): i for i in db.session.scalars(select(Instructor))}

    for row in rows:
        seminar = existing.get(row.code.casefold())
        if seminar is None:
            seminar = Seminar(code=row.code, sessions=[], instructors=[])
            db.session.add(seminar)
            result.created += 1
        else:
            result.updated += 1
        for name in _COPIED_FIELDS:
            setattr(seminar, name, getattr(row, name))
        seminar.topic = topics[row.topic_key]
        if seminar.status != STATUS_CANCELLED:
            # A cancellation is a decision staff made; a file never silently revives a seminar.
            seminar.status = row.status
        seminar.venue = _venue(row.venue, venues) if row.venue else None
        seminar.instructors = [_instructor(name, instructors) for name in row.instructors]
        _replace_sessions(seminar, row.sessions)
    db.session.flush()
    return result


def _venue(data: VenueData, venues: dict[tuple[str, str], Venue]) -> Venue:
    venue = venues.get(data.key)
    if venue is None:
        venue = Venue()
        db.session.add(venue)
        venues[data.key] = venue
    for item in fields(data):
        setattr(venue, item.name, getattr(data, item.name))
    return venue


def _instructor(name: str, instructors: dict[str, Instructor]) -> Instructor:
    instructor = instructors.get(name.casefold())
    if instructor is None:
        instructor = Instructor(name=name, bio="")
        db.session.add(instructor)
        instructors[name.casefold()] = instructor
    return instructor


def _replace_sessions(seminar: Seminar, times) -> None:
    """Keep existing session rows where possible (later, attendance hangs on them)."""
    current = list(seminar.sessions)
    for index, (starts_at, ends_at) in enumerate(times):
        if index < len(current):
            current[index].starts_at = starts_at
            current[index].ends_at = ends_at
        else:
            seminar.sessions.append(SeminarSession(starts_at=starts_at, ends_at=ends_at))
    for extra in current[len(times) :]:
        seminar.sessions.remove(extra)
