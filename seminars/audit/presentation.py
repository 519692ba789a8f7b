"""Audit entries as people read them: actions and fields in words, names instead of ids,
values as labels, times in Berlin, and only what changed.

``present`` turns a list of entries into display rows in a constant number of queries: the
topics, venues, sessions, seminars, staff members and registrations the entries refer to are
looked up once each for the whole list. Anything the tables in ``labels.py`` do not know yet
(an action or a field added elsewhere, a value of an unexpected type) shows as plain text;
no entry ever breaks the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from seminars.audit.directory import directory
from seminars.audit.labels import action_label, field_label
from seminars.audit.models import AuditEntry
from seminars.audit.services import entries_for
from seminars.core.i18n import current_language, format_moment, format_session_range
from seminars.extensions import db
from seminars.programme.labels import format_label, status_label
from seminars.programme.models import Seminar, SeminarSession, Topic, Venue

EMPTY = "–"
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
# Fields whose values are ids of rows of another table: (kind, field)
REFERENCES = {"topic_id": "topic", "venue_id": "venue", "session_id": "session"}
# Values about the person of a registration: withheld from whoever may not see personal data.
PERSONAL_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "organisation"})
# Fields recorded on both sides to say what an entry is about (a seminar's accessibility
# task, a provider): shown even though they did not change.
SUBJECT_FIELDS = frozenset({"task", "provider"})


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the field was not there before (a creation)
    after: str | None  # None: not there afterwards (a deletion)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    when: str
    actor: str
    action: str
    seminar_id: int | None
    seminar: str | None
    registration_id: int | None
    person: str | None  # the registration's person, where the viewer may see it
    account: str | None  # the staff account the entry is about
    note: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class _Names:
    """Everything the entries refer to, loaded once for the whole list."""

    topics: Mapping[int, str] = field(default_factory=dict)
    venues: Mapping[int, str] = field(default_factory=dict)
    sessions: Mapping[int, str] = field(default_factory=dict)
    seminars: Mapping[int, str] = field(default_factory=dict)
    users: Mapping[int, str] = field(default_factory=dict)
    people: Mapping[int, str] = field(default_factory=dict)


def present(entries: Sequence[AuditEntry], *, show_people: bool) -> list[AuditRow]:
    """Display rows for ``entries`` (in their order). ``show_people``: whether the viewer may
    see volunteers' personal data (names of registered people, their contact details)."""
    names = _load_names(entries, show_people=show_people)
    return [_row(entry, names, show_people=show_people) for entry in entries]


def rows_for(
    *, seminar_id: int | None = None, registration_id: int | None = None, show_people: bool
) -> list[AuditRow]:
    """The worded entries of one seminar or one registration, newest first."""
    return present(
        entries_for(seminar_id=seminar_id, registration_id=registration_id),
        show_people=show_people,
    )


def _ids(values: Iterable[Any]) -> set[int]:
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def _referenced(entries: Sequence[AuditEntry], name: str) -> set[int]:
    return _ids(
        values.get(name)
        for entry in entries
        for values in (entry.before, entry.after)
        if isinstance(values, dict)
    )


def _load_names(entries: Sequence[AuditEntry], *, show_people: bool) -> _Names:
    lookups = directory()
    names = _Names()
    language = current_language()
    topic_ids = _referenced(entries, "topic_id")
    if topic_ids:
        topics = db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))
        names.topics = {t.id: t.name(language) for t in topics}
    venue_ids = _referenced(entries, "venue_id")
    if venue_ids:
        rows = db.session.execute(
            select(Venue.id, Venue.name, Venue.town).where(Venue.id.in_(venue_ids))
        )
        names.venues = {i: f"{name}, {town}" if town else name for i, name, town in rows}
    session_ids = _referenced(entries, "session_id")
    if session_ids:
        spans = db.session.execute(
            select(SeminarSession.id, SeminarSession.starts_at, SeminarSession.ends_at).where(
                SeminarSession.id.in_(session_ids)
            )
        )
        names.sessions = {i: format_session_range(start, end) for i, start, end in spans}
    seminar_ids = _ids(entry.seminar_id for entry in entries)
    if seminar_ids:
        rows = db.session.execute(
            select(Seminar.id, Seminar.code, Seminar.title).where(Seminar.id.in_(seminar_ids))
        )
        names.seminars = {i: f"{code} – {title}" for i, code, title in rows}
    names.users = lookups.user_names(
        _ids(entry.actor_id for entry in entries) | _ids(entry.user_id for entry in entries)
    )
    if show_people:
        names.people = lookups.registration_names(_ids(e.registration_id for e in entries))
    return names


def _row(entry: AuditEntry, names: _Names, *, show_people: bool) -> AuditRow:
    personal = entry.registration_id is not None and not show_people
    person = None
    if entry.registration_id is not None:
        person = names.people.get(entry.registration_id) if show_people else None
        person = person or _("Anmeldung Nr. %(id)d", id=entry.registration_id)
    return AuditRow(
        id=entry.id,
        at=entry.at,
        when=format_moment(entry.at) if entry.at else EMPTY,
        actor=_actor(entry, names),
        action=action_label(entry.action),
        seminar_id=entry.seminar_id,
        seminar=names.seminars.get(entry.seminar_id) if entry.seminar_id else None,
        registration_id=entry.registration_id,
        person=person,
        account=names.users.get(entry.user_id) if entry.user_id else None,
        note="" if personal else (entry.note or ""),
        changes=[] if personal else changes_of(entry, names),
    )


def _actor(entry: AuditEntry, names: _Names) -> str:
    if entry.actor_id is not None and entry.actor_id in names.users:
        return names.users[entry.actor_id]
    # The account is gone: the address kept with the entry still says who it was.
    return entry.actor_email or _("System")


_MISSING = object()


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def changes_of(entry: AuditEntry, names: _Names | None = None) -> list[Change]:
    """The fields that differ between before and after, in words. A field only in ``after``
    (a creation) or only in ``before`` (a deletion) shows where it has a value."""
    names = names or _Names()
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    result = []
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new and key in SUBJECT_FIELDS and new is not _MISSING:
            # Which one of several the entry is about: shown once, as it is.
            name = str(key)
            result.append(Change(_field_label(name), None, value_text(entry.action, name, new)))
            continue
        if old == new:
            continue
        if (old is _MISSING and _is_empty(new)) or (new is _MISSING and _is_empty(old)):
            continue
        name = str(key)
        result.append(
            Change(
                label=_field_label(name),
                before=None if old is _MISSING else value_text(entry.action, name, old, names),
                after=None if new is _MISSING else value_text(entry.action, name, new, names),
            )
        )
    return result


def value_text(action: str, name: str, value: Any, names: _Names | None = None) -> str:
    """One recorded value in words; never raises, whatever was stored."""
    names = names or _Names()
    try:
        worded = directory().domain_value_text(action, name, value)
        if worded is not None:
            return worded
        formatter = VALUE_FORMATTERS.get(name)
        if formatter is not None and not _is_empty(value):
            return formatter(action, value, names)
        return plain_text(value)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return plain_text(value)


def plain_text(value: Any) -> str:
    if _is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, str):
        return _moment(value) if _ISO_MOMENT.match(value) else value
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{_field_label(str(k))}: {plain_text(v)}" for k, v in value.items())
    return str(value)


def _moment(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return format_moment(moment) if moment.tzinfo else value


def _reference(kind: str) -> Callable[[str, Any, _Names], str]:
    def text(action: str, value: Any, names: _Names) -> str:
        found = getattr(names, kind).get(value)
        return found if found else _("Nr. %(id)s (nicht mehr vorhanden)", id=value)

    return text


def _status(action: str, value: Any, names: _Names) -> str:
    if action.startswith(("registration.", "certificate.")):
        return directory().registration_status_label(str(value))
    return status_label(str(value))


def _sessions(action: str, value: Any, names: _Names) -> str:
    spans = []
    for start, end in value:
        spans.append(
            format_session_range(datetime.fromisoformat(start), datetime.fromisoformat(end))
        )
    return "; ".join(spans)


def _role(action: str, value: Any, names: _Names) -> str:
    return directory().role_label(str(value))


def _format(action: str, value: Any, names: _Names) -> str:
    return format_label(str(value))


# How the value of a field is worded; every other field reads as plain text.
VALUE_FORMATTERS: dict[str, Callable[[str, Any, _Names], str]] = {
    "topic_id": _reference("topics"),
    "venue_id": _reference("venues"),
    "session_id": _reference("sessions"),
    "format": _format,
    "status": _status,
    "sessions": _sessions,
    "role": _role,
}


def _field_label(name: str) -> str:
    """The field in words: the audit's own table, or the domain that records it (the needs)."""
    return directory().domain_field_label(name) or field_label(name)
