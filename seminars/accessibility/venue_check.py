"""The venue check: the venue's accessibility facts against the needs of the seminar's
registrations (those holding a seat and those on the waitlist).

A mismatch (someone needs step-free access, the venue has none) shows as a warning on the
seminar's staff page and on the staff start page until staff settle it: they change the
venue (the mismatch is gone by itself, or the new venue is checked afresh), or they record a
note (``VenueCheckNote``) that it is arranged otherwise (a mobile hearing loop is rented) or
fine for a reason. A note is bound to the venue it was written for: after a change of venue
it no longer counts, and counts again should the seminar move back.

Online seminars have no venue and so no check; hybrid seminars have one. Cancelled seminars
and those that have ended raise no warning. Personal assistance is not checked against the
venue: it asks for a seat of its own, which the seat allocation already counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from seminars.accessibility.models import VenueCheckNote
from seminars.accounts.names import names_of
from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_row
from seminars.extensions import db
from seminars.programme.models import (
    FORMAT_ONLINE,
    STATUS_CANCELLED,
    Seminar,
    SeminarSession,
    Venue,
)
from seminars.registrations.models import Registration


@dataclass(frozen=True)
class Check:
    # Stored in ``VenueCheckNote.need``.
    key: str
    # The registration's need (a boolean column of ``Registration``).
    need: str
    # The venue's fact that answers it (a boolean column of ``Venue``).
    fact: str
    # What is missing, as a heading.
    label: LazyString


CHECKS = (
    Check("step_free", "need_step_free", "step_free_access", _l("Kein stufenloser Zugang")),
    Check("hearing_loop", "need_hearing_loop", "hearing_loop", _l("Keine induktive Höranlage")),
    # Whoever needs step-free access mostly needs a toilet they can reach and use, too.
    Check(
        "accessible_toilet",
        "need_step_free",
        "accessible_toilet",
        _l("Kein barrierefreies WC"),
    ),
)
CHECK_KEYS = tuple(check.key for check in CHECKS)
_BY_KEY = {check.key: check for check in CHECKS}
_NEEDS = tuple(dict.fromkeys(check.need for check in CHECKS))

ARRANGED = "arranged"
FINE = "fine"
RESOLUTIONS = (ARRANGED, FINE)
RESOLUTION_LABELS = {
    ARRANGED: _l("anders organisiert"),
    FINE: _l("passt so (mit Begründung)"),
}
NOTE_MAX = 2000


def check_label(key: str) -> str:
    found = _BY_KEY.get(key)
    return str(found.label) if found else key


def resolution_label(key: str) -> str:
    label = RESOLUTION_LABELS.get(key)
    return str(label) if label is not None else key


@dataclass(frozen=True)
class Mismatch:
    check: Check
    # Registrations that need it: holding a seat, and on the waitlist.
    people: int
    waiting: int
    # The note for the seminar's current venue, if staff settled it.
    note: VenueCheckNote | None = None

    @property
    def key(self) -> str:
        return self.check.key

    @property
    def total(self) -> int:
        return self.people + self.waiting

    @property
    def resolved(self) -> bool:
        return self.note is not None


@dataclass(frozen=True)
class SeminarMismatches:
    """A seminar's mismatches that nobody settled yet, for the start page."""

    seminar_id: int
    title: str
    starts_at: datetime | None
    mismatches: list[Mismatch]


def _need_columns():
    """Per need: registrations holding a seat, and those on the waitlist, who need it."""
    columns = []
    for key in _NEEDS:
        flag = getattr(Registration, key)
        columns.append(
            func.sum(case((Registration.holds_seat & flag, 1), else_=0)).label(f"{key}_seat")
        )
        columns.append(
            func.sum(case((Registration.on_waitlist & flag, 1), else_=0)).label(f"{key}_wait")
        )
    return columns


def _counts(figures) -> list:
    return [figures.c[f"{key}_{part}"] for key in _NEEDS for part in ("seat", "wait")]


def _figures():
    return (
        select(Registration.seminar_id, *_need_columns())
        .group_by(Registration.seminar_id)
        .subquery()
    )


def _mismatches(venue_facts: dict[str, bool], counts: Iterable[int]) -> list[Mismatch]:
    numbers = list(counts)
    by_need = {
        key: (int(numbers[2 * i] or 0), int(numbers[2 * i + 1] or 0))
        for i, key in enumerate(_NEEDS)
    }
    found = []
    for check in CHECKS:
        people, waiting = by_need[check.need]
        if (people or waiting) and not venue_facts[check.fact]:
            found.append(Mismatch(check=check, people=people, waiting=waiting))
    return found


_FACTS = ("step_free_access", "hearing_loop", "accessible_toilet")


def _checked(seminar: Seminar) -> bool:
    return (
        seminar.venue_id is not None
        and seminar.format != FORMAT_ONLINE
        and seminar.status != STATUS_CANCELLED
    )


def _notes(pairs: set[tuple[int, int]]) -> dict[tuple[int, int, str], VenueCheckNote]:
    """The notes for (seminar, its current venue), by (seminar, venue, check key)."""
    if not pairs:
        return {}
    seminar_ids = {seminar_id for seminar_id, _ in pairs}
    notes = db.session.scalars(
        select(VenueCheckNote).where(VenueCheckNote.seminar_id.in_(seminar_ids))
    )
    return {
        (note.seminar_id, note.venue_id, note.need): note
        for note in notes
        if (note.seminar_id, note.venue_id) in pairs
    }


def mismatches_of(seminar_id: int) -> list[Mismatch]:
    """Every mismatch of the seminar's current venue, settled or not (two queries). None for
    an online or cancelled seminar."""
    figures = _figures()
    row = db.session.execute(
        select(
            Seminar.venue_id,
            Seminar.format,
            Seminar.status,
            *(getattr(Venue, fact) for fact in _FACTS),
            *_counts(figures),
        )
        .join(Venue, Venue.id == Seminar.venue_id, isouter=True)
        .join(figures, figures.c.seminar_id == Seminar.id, isouter=True)
        .where(Seminar.id == seminar_id)
    ).one_or_none()
    if row is None:
        return []
    venue_id, seminar_format, status = row[0], row[1], row[2]
    if venue_id is None or seminar_format == FORMAT_ONLINE or status == STATUS_CANCELLED:
        return []
    facts = dict(zip(_FACTS, row[3 : 3 + len(_FACTS)], strict=True))
    found = _mismatches(facts, row[3 + len(_FACTS) :])
    if not found:
        return []
    notes = _notes({(seminar_id, venue_id)})
    return [
        Mismatch(m.check, m.people, m.waiting, notes.get((seminar_id, venue_id, m.key)))
        for m in found
    ]


def open_mismatches_of(seminar_id: int, *, now: datetime) -> list[Mismatch]:
    """The mismatches still to settle, for the seminar page's warning; none once the
    seminar has ended (three queries at most)."""
    found = [m for m in mismatches_of(seminar_id) if not m.resolved]
    if not found:
        return []
    last_end = db.session.scalar(
        select(func.max(SeminarSession.ends_at)).where(SeminarSession.seminar_id == seminar_id)
    )
    if last_end is not None and last_end <= now:
        return []
    return found


def open_mismatches(now: datetime, limit: int = 50) -> list[SeminarMismatches]:
    """Seminars that have not ended, with mismatches nobody settled yet, soonest first: two
    queries whatever their number."""
    span = (
        select(
            SeminarSession.seminar_id,
            func.min(SeminarSession.starts_at).label("starts_at"),
            func.max(SeminarSession.ends_at).label("ends_at"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    figures = _figures()
    wanted = [column > 0 for column in _counts(figures)]
    rows = db.session.execute(
        select(
            Seminar.id,
            Seminar.title,
            Seminar.venue_id,
            span.c.starts_at,
            *(getattr(Venue, fact) for fact in _FACTS),
            *_counts(figures),
        )
        .join(Venue, Venue.id == Seminar.venue_id)
        .join(figures, figures.c.seminar_id == Seminar.id)
        .join(span, span.c.seminar_id == Seminar.id, isouter=True)
        .where(
            Seminar.status != STATUS_CANCELLED,
            Seminar.format != FORMAT_ONLINE,
            (span.c.ends_at.is_(None)) | (span.c.ends_at > now),
            or_(*wanted),
        )
        .order_by(span.c.starts_at.is_(None), span.c.starts_at, Seminar.id)
    ).all()
    candidates = []
    for row in rows:
        facts = dict(zip(_FACTS, row[4 : 4 + len(_FACTS)], strict=True))
        found = _mismatches(facts, row[4 + len(_FACTS) :])
        if found:
            candidates.append((row, found))
    notes = _notes({(row[0], row[2]) for row, _ in candidates})
    result = []
    for row, found in candidates:
        seminar_id, title, venue_id, starts_at = row[0], row[1], row[2], row[3]
        still_open = [m for m in found if (seminar_id, venue_id, m.key) not in notes]
        if still_open:
            result.append(SeminarMismatches(seminar_id, title, starts_at, still_open))
    return result[:limit]


def _seminar_with_venue(seminar_id: int) -> Seminar:
    seminar = lock_row(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    if not _checked(seminar):
        raise DomainError(_l("Dieses Seminar hat keinen Ort, den es zu prüfen gäbe."))
    return seminar


def _current(seminar_id: int, key: str) -> Mismatch:
    if key not in _BY_KEY:
        raise DomainError(_l("Diese Prüfung gibt es nicht."), field="check")
    found = next((m for m in mismatches_of(seminar_id) if m.key == key), None)
    if found is None:
        raise DomainError(
            _l(
                "Hier gibt es nichts mehr zu klären: Der Ort passt inzwischen zu den "
                "Bedarfen der Anmeldungen."
            )
        )
    return found


def _words(note: VenueCheckNote) -> dict:
    with force_locale("de"):
        return {
            "venue_check": check_label(note.need),
            "venue_id": note.venue_id,
            "resolution": resolution_label(note.resolution),
            "note": note.note,
        }


def resolve(
    seminar_id: int,
    need: str,
    resolution: str,
    note: str,
    *,
    actor: Actor | None,
    now: datetime,
) -> VenueCheckNote:
    """Settle one mismatch for the seminar's current venue (or change how it is settled).
    ``need`` is a check key (``CHECK_KEYS``); "fine" needs a note that says why."""
    seminar = _seminar_with_venue(seminar_id)
    note = (note or "").strip()
    if resolution not in RESOLUTIONS:
        raise DomainError(
            _l("Bitte wählen Sie, wie es gelöst ist."),
            field="resolution",
        )
    if resolution == FINE and not note:
        raise DomainError(
            _l("Bitte schreiben Sie auf, warum es so passt."),
            field="note",
        )
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Höchstens %(max)d Zeichen.", max=NOTE_MAX), field="note")
    current = _current(seminar_id, need)
    venue_id = seminar.venue_id
    assert venue_id is not None  # _seminar_with_venue
    entry = current.note
    before = _words(entry) if entry is not None else {}
    if entry is None:
        entry = VenueCheckNote(seminar_id=seminar_id, venue_id=venue_id, need=need)
        db.session.add(entry)
    entry.resolution = resolution
    entry.note = note
    entry.resolved_by_id = getattr(actor, "id", None)
    entry.resolved_at = now
    db.session.flush()
    after = _words(entry)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        record(
            actor,
            "venue_check.resolve",
            seminar=seminar,
            before={k: before[k] for k in changed if k in before},
            after={"venue_check": after["venue_check"], **changed},
        )
    return entry


def reopen(seminar_id: int, need: str, *, actor: Actor | None) -> None:
    """Take back the note for the seminar's current venue: the mismatch shows again."""
    seminar = _seminar_with_venue(seminar_id)
    if need not in _BY_KEY:
        raise DomainError(_l("Diese Prüfung gibt es nicht."))
    entry = db.session.scalar(
        select(VenueCheckNote).where(
            VenueCheckNote.seminar_id == seminar_id,
            VenueCheckNote.venue_id == seminar.venue_id,
            VenueCheckNote.need == need,
        )
    )
    if entry is None:
        raise DomainError(_l("Dazu gibt es keine Notiz (mehr)."))
    before = _words(entry)
    db.session.delete(entry)
    record(
        actor,
        "venue_check.reopen",
        seminar=seminar,
        before=before,
        after={"venue_check": before["venue_check"]},
    )
    db.session.flush()


@dataclass(frozen=True)
class CheckPage:
    seminar: Seminar
    venue: Venue | None
    # False: online (no venue) or cancelled, nothing to check.
    checked: bool
    mismatches: list[Mismatch]
    # Who wrote the notes, by account id.
    resolvers: dict[int, str]

    def resolver(self, mismatch: Mismatch) -> str:
        user_id = mismatch.note.resolved_by_id if mismatch.note is not None else None
        return self.resolvers.get(user_id, "") if user_id is not None else ""

    @property
    def open(self) -> list[Mismatch]:
        return [m for m in self.mismatches if not m.resolved]


def check_page(seminar_id: int) -> CheckPage:
    """What the venue check page shows: the seminar, its venue and every mismatch with its
    note and who wrote it (five queries at most)."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    venue = db.session.get(Venue, seminar.venue_id) if seminar.venue_id is not None else None
    mismatches = mismatches_of(seminar_id)
    writers = {m.note.resolved_by_id for m in mismatches if m.note is not None}
    return CheckPage(
        seminar=seminar,
        venue=venue,
        checked=_checked(seminar),
        mismatches=mismatches,
        resolvers=names_of({user_id for user_id in writers if user_id is not None}),
    )
