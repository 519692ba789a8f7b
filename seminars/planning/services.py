"""Planning seminars in the back office: create, change, publish, cancel, duplicate, delete.

Seat changes go through ``registrations.allocation``; every change is written to the audit log
with what it was before; a seminar changed by someone else in the meantime is not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import changes, record
from seminars.core.actor import Actor
from seminars.core.errors import NotFoundError
from seminars.core.timezone import BERLIN, utcnow
from seminars.extensions import db
from seminars.interest import alerts
from seminars.interest import new_dates as interest_new_dates
from seminars.interest import services as interest_services
from seminars.planning import change_notice, change_rules
from seminars.planning.change_notice import ChangeNotice
from seminars.planning.errors import ChangedMeanwhile, PlanningError
from seminars.programme.models import (
    FORMAT_ONLINE,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    Instructor,
    Seminar,
    SeminarSession,
    Topic,
    Venue,
)
from seminars.programme.queries import seminar_with_details, seminars_with_first_session
from seminars.programme.session_text import Span
from seminars.registrations import allocation, seat_state
from seminars.registrations.counties import COUNTY_NAMES
from seminars.registrations.models import Registration


@dataclass
class SeminarData:
    """What the planning form holds, as plain values."""

    code: str
    title: str
    topic_id: int
    format: str
    capacity: int
    sessions: list[Span]
    summary: str = ""
    description: str = ""
    venue_id: int | None = None
    meeting_url: str = ""
    waitlist_capacity: int = 10
    teaching_units: int = 0
    certificate_min_sessions: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    instructors: list[str] = field(default_factory=list)


_FIELDS = (
    "code",
    "title",
    "topic_id",
    "format",
    "summary",
    "description",
    "venue_id",
    "meeting_url",
    "waitlist_capacity",
    "teaching_units",
    "certificate_min_sessions",
    "registration_opens_at",
    "registration_closes_at",
)

# What a new date (``new_dates``) takes over from the old seminar as it is.
COPIED_FIELDS = tuple(
    name
    for name in _FIELDS
    if name not in ("code", "venue_id", "registration_opens_at", "registration_closes_at")
)


def get_seminar(seminar_id: int) -> Seminar:
    return seminar_with_details(seminar_id, refresh=True)


def list_seminars() -> list[tuple[Seminar, datetime | None]]:
    """All seminars with their first session, newest first: two queries."""
    return seminars_with_first_session()


def choices() -> tuple[list[Topic], list[Venue]]:
    topics = list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.name_de)))
    venues = list(db.session.scalars(select(Venue).order_by(Venue.town, Venue.name)))
    return topics, venues


def snapshot(seminar: Seminar) -> dict:
    values = {name: getattr(seminar, name) for name in _FIELDS}
    values["capacity"] = seminar.capacity
    values["status"] = seminar.status
    values["sessions"] = [(s.starts_at, s.ends_at) for s in seminar.sessions]
    values["instructors"] = [i.name for i in seminar.instructors]
    return values


def _check(data: SeminarData, seminar_id: int | None) -> None:
    check_code_and_venue(data.code, data.format, data.venue_id, seminar_id)


def check_code_and_venue(
    code: str, seminar_format: str, venue_id: int | None, seminar_id: int | None
) -> None:
    """The code is the seminar's own; a seminar in person or hybrid has a place."""
    clash = db.session.scalar(
        select(func.count())
        .select_from(Seminar)
        .where(func.lower(Seminar.code) == code.lower(), Seminar.id != (seminar_id or 0))
    )
    if clash:
        raise PlanningError(_l("Diese Kennung hat schon ein anderes Seminar."), field="code")
    if seminar_format != FORMAT_ONLINE and venue_id is None:
        raise PlanningError(_l("Präsenz- und Hybridseminare brauchen einen Ort."), field="venue_id")


def _instructors(names: list[str]) -> list[Instructor]:
    known = {
        i.name.casefold(): i
        for i in db.session.scalars(select(Instructor).where(Instructor.name.in_(names)))
    }
    result = []
    for name in names:
        instructor = known.get(name.casefold())
        if instructor is None:
            instructor = Instructor(name=name, bio="")
            db.session.add(instructor)
            known[name.casefold()] = instructor
        result.append(instructor)
    return result


def _set_sessions(seminar: Seminar, spans: list[Span]) -> None:
    """Keep session rows where possible: attendance hangs on them."""
    current = list(seminar.sessions)
    for index, (starts_at, ends_at) in enumerate(spans):
        if index < len(current):
            current[index].starts_at, current[index].ends_at = starts_at, ends_at
        else:
            seminar.sessions.append(SeminarSession(starts_at=starts_at, ends_at=ends_at))
    for extra in current[len(spans) :]:
        seminar.sessions.remove(extra)


def create_seminar(data: SeminarData, *, actor: Actor | None) -> Seminar:
    _check(data, None)
    seminar = Seminar(status=STATUS_DRAFT, capacity=data.capacity, sessions=[], instructors=[])
    for name in _FIELDS:
        setattr(seminar, name, getattr(data, name))
    seminar.instructors = _instructors(data.instructors)
    _set_sessions(seminar, data.sessions)
    db.session.add(seminar)
    db.session.flush()
    record(actor, "seminar.create", seminar=seminar, after=snapshot(seminar))
    return seminar


@dataclass
class Saved:
    """A saved change: the seminar, how many were told, and the sessions in the past it
    now has that it did not have before (allowed without registrations: warn about them)."""

    seminar: Seminar
    told: int = 0
    past: list[Span] = field(default_factory=list)


@dataclass
class ChangePreview:
    """What saving a change will send, shown before it is saved."""

    notice: ChangeNotice
    # The mail text by group ("confirmed", "waitlisted"), for a stand-in person.
    texts: dict[str, str]


def preview_update(
    seminar_id: int,
    data: SeminarData,
    *,
    version: int,
    notify: bool = True,
    quiet_reason: str = "",
    now: datetime,
) -> ChangePreview | None:
    """What saving ``data`` will send, for the page staff confirm before saving; None when
    it sends nothing (the view then saves at once). Refuses what ``update_seminar`` would
    refuse, so that mistakes show on the form before the preview. Writes nothing."""
    seminar = get_seminar(seminar_id)
    if seminar.version != version:
        raise ChangedMeanwhile()
    _check(data, seminar_id)
    before = snapshot(seminar)
    after = change_rules.planned(before, data)
    change_rules.check_past(seminar_id, before, data.sessions, now)
    notice = change_notice.notice_for(seminar_id, before, after)
    change_rules.check_quiet(notice, notify, quiet_reason)
    if not notify or not notice.told:
        return None
    return ChangePreview(
        notice, change_notice.mail_texts(change_rules.as_planned(seminar, data, _FIELDS), notice)
    )


def update_seminar(
    seminar_id: int,
    data: SeminarData,
    *,
    version: int,
    notify: bool = True,
    quiet_reason: str = "",
    actor: Actor | None,
    now: datetime,
) -> Saved:
    """Save the form. Capacity goes through the seat allocation (more seats are offered to the
    waitlist). New dates, place or link are told to everyone confirmed or on the waitlist
    (``change_notice``), unless staff say not to (``notify=False``), which needs a reason;
    either is written to the audit entry. New sessions in the past are refused while the
    seminar has registrations.

    The seminar row is locked first, before anything is read or written, so that the version
    compared here is the one this change builds on (a second save with the same version waits
    for the first and is then refused)."""
    if seat_state.lock_seminar(seminar_id).version != version:
        raise ChangedMeanwhile()
    seminar = get_seminar(seminar_id)
    before = snapshot(seminar)
    _check(data, seminar_id)
    past = change_rules.check_past(seminar_id, before, data.sessions, now)
    change_rules.check_quiet(
        change_notice.notice_for(seminar_id, before, change_rules.planned(before, data)),
        notify,
        quiet_reason,
    )
    if data.capacity != seminar.capacity:
        allocation.change_capacity(seminar_id, data.capacity, now=now)
        seminar = get_seminar(seminar_id)  # the allocation reloaded the row without its lists
    for name in _FIELDS:
        setattr(seminar, name, getattr(data, name))
    seminar.instructors = _instructors(data.instructors)
    _set_sessions(seminar, data.sessions)
    db.session.flush()
    after = snapshot(seminar)
    notice = change_notice.notice_for(seminar_id, before, after)
    told = change_notice.send(seminar_id, notice) if notify else 0
    old, new = changes(before, after)
    if notice.told:
        if notify:
            new["notified"] = {"confirmed": notice.confirmed, "waitlisted": notice.waiting}
        else:
            new["not_notified"] = {"reason": quiet_reason.strip()}
    if old or new:
        record(actor, "seminar.update", seminar=seminar, before=old, after=new)
    return Saved(seminar, told, past)


def set_status(
    seminar_id: int, status: str, *, actor: Actor | None, now: datetime | None = None
) -> Seminar:
    """Publish or withdraw. Publishing a new date of a full seminar (``new_dates``) for the
    first time gives the people waiting for it their places, in the same transaction."""
    if status not in (STATUS_DRAFT, STATUS_PUBLISHED):
        raise PlanningError()
    seminar = get_seminar(seminar_id)
    if status == STATUS_PUBLISHED and seminar.repeat_of_id and seminar.repeat_offers_at is None:
        # Publishing a new date gives out seats: the seminar's lock first, before anything
        # is written (registrations for it wait until it is published with its places).
        seat_state.lock_seminar(seminar_id)
        seminar = get_seminar(seminar_id)
    if seminar.status == STATUS_CANCELLED:
        raise PlanningError(_l("Ein abgesagtes Seminar kann nicht wieder veröffentlicht werden."))
    if status == STATUS_PUBLISHED and not seminar.sessions:
        raise PlanningError(_l("Ein Seminar ohne Termine kann nicht veröffentlicht werden."))
    before = seminar.status
    seminar.status = status
    db.session.flush()
    after: dict = {"status": status}
    if status == STATUS_PUBLISHED:
        alerts.seminar_published(seminar.id, now or utcnow())
        if seminar.repeat_of_id is not None:
            places = interest_new_dates.offer_new_date(seminar_id, now or utcnow())
            if places:
                after["new_date_places"] = len(places)
    elif before == STATUS_PUBLISHED:
        alerts.seminar_withdrawn(seminar.id)
    record(actor, "seminar.status", seminar=seminar, before={"status": before}, after=after)
    return seminar


def cancel_seminar(seminar_id: int, *, actor: Actor | None, now: datetime) -> int:
    """Cancel and tell everyone registered: the allocation locks the seminar first (and
    refuses one that does not exist), then the cancellation is written to the audit log."""
    told = allocation.cancel_seminar(seminar_id, now=now)
    seminar = db.session.get(Seminar, seminar_id)
    record(
        actor, "seminar.cancel", seminar=seminar, after={"status": STATUS_CANCELLED, "told": told}
    )
    return told


def duplicate_seminar(seminar_id: int, *, actor: Actor | None, shift_days: int = 364) -> Seminar:
    """A draft copy, by default 52 weeks later (same weekday), e.g. for next year's programme."""
    source = get_seminar(seminar_id)
    shift = timedelta(days=shift_days)
    if source.sessions:
        year = (source.sessions[0].starts_at + shift).astimezone(BERLIN).year
        code = free_code(f"{source.code}-{year}")
    else:
        code = free_code(f"{source.code}-kopie")
    copy = Seminar(status=STATUS_DRAFT, capacity=source.capacity, sessions=[], instructors=[])
    for name in _FIELDS:
        setattr(copy, name, getattr(source, name))
    copy.code = code
    for attribute in ("registration_opens_at", "registration_closes_at"):
        value = getattr(source, attribute)
        setattr(copy, attribute, value + shift if value else None)
    copy.instructors = list(source.instructors)
    copy.sessions = [
        SeminarSession(starts_at=s.starts_at + shift, ends_at=s.ends_at + shift)
        for s in source.sessions
    ]
    db.session.add(copy)
    db.session.flush()
    record(actor, "seminar.duplicate", seminar=copy, after={"from": source.code, "code": code})
    return copy


def free_code(wanted: str) -> str:
    wanted = wanted[:36]
    taken = set(db.session.scalars(select(Seminar.code).where(Seminar.code.like(f"{wanted}%"))))
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def delete_seminar(seminar_id: int, *, actor: Actor | None) -> None:
    seminar = get_seminar(seminar_id)
    registered = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.seminar_id == seminar_id)
    )
    if registered:
        raise PlanningError(
            _l("Dieses Seminar hat Anmeldungen und kann nicht gelöscht werden. Sagen Sie es ab.")
        )
    record(actor, "seminar.delete", before=snapshot(seminar), note=seminar.code)
    # Its interest list goes with it; ended first, so no waiting mail keeps an address.
    interest_services.end_for_seminar(seminar_id, now=utcnow())
    db.session.delete(seminar)
    db.session.flush()


VENUE_FIELDS = (
    "name",
    "street",
    "postcode",
    "town",
    "step_free_access",
    "accessible_toilet",
    "hearing_loop",
    "accessible_parking",
    "accessibility_notes",
    "directions",
    "county",
)


def get_venue(venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        raise NotFoundError()
    return venue


def save_venue(venue_id: int | None, values: dict) -> Venue:
    venue = Venue() if venue_id is None else get_venue(venue_id)
    county = values.get("county") or None
    if county is not None and county not in COUNTY_NAMES:
        raise PlanningError(_l("Bitte wählen Sie einen Eintrag aus der Liste."), field="county")
    for name in VENUE_FIELDS:
        setattr(venue, name, values[name])
    venue.county = county  # a key of ``registrations/counties.py``, or none
    db.session.add(venue)
    db.session.flush()
    return venue


def list_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.name_de)))


def save_topic(
    topic_id: int | None, *, key: str, name_de: str, name_en: str, position: int, actor
) -> Topic:
    """Topics keep their key (imports and links use it); names and order may change."""
    topic: Topic | None
    if topic_id is None:
        clash = db.session.scalar(select(func.count()).select_from(Topic).where(Topic.key == key))
        if clash:
            raise PlanningError(_l("Diesen Schlüssel hat schon ein Themenbereich."), field="key")
        topic = Topic(key=key)
        db.session.add(topic)
    else:
        topic = db.session.get(Topic, topic_id)
        if topic is None:
            raise NotFoundError()
    before = {"name_de": topic.name_de, "name_en": topic.name_en, "position": topic.position}
    topic.name_de, topic.name_en, topic.position = name_de, name_en, position
    db.session.flush()
    after = {"name_de": name_de, "name_en": name_en, "position": position}
    record(actor, "topic.save", before=before if topic_id else {}, after=after, note=topic.key)
    return topic
