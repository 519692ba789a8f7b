"""Reading seminars with what their pages, mails and documents show, in one place.

``seminar_with_details`` is the one query for "a seminar with its topic, venue, sessions and
instructors" (two joined, two ``selectin`` loads); planning, registrations, certificates and
feeds all ask here. Mails and calendar files show no instructors: ``seminar_for_mails``
reads the rest in one statement (a registration reads it on every booking). The public
lists with free places are the catalogue's (``catalogue/services.py``): they need the
registrations' seat counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from seminars.core.errors import NotFoundError
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession


def seminar_with_details(seminar_id: int, *, refresh: bool = False) -> Seminar:
    """The seminar with topic, venue, sessions and instructors loaded; ``NotFoundError`` if
    there is none. ``refresh`` reads every loaded attribute again from the database."""
    stmt = (
        select(Seminar)
        .where(Seminar.id == seminar_id)
        .options(
            joinedload(Seminar.topic),
            joinedload(Seminar.venue),
            selectinload(Seminar.sessions),
            selectinload(Seminar.instructors),
        )
    )
    if refresh:
        stmt = stmt.execution_options(populate_existing=True)
    seminar = db.session.scalars(stmt).one_or_none()
    if seminar is None:
        raise NotFoundError()
    return seminar


MAIL_DETAILS = frozenset({"topic", "venue", "sessions"})


def seminar_for_mails(seminar_id: int) -> Seminar:
    """The seminar with what mails and calendar files show (topic, venue, sessions), read in
    one statement; ``NotFoundError`` if there is none. Attributes already loaded in the
    session are not read again."""
    seminar = (
        db.session.scalars(
            select(Seminar)
            .where(Seminar.id == seminar_id)
            .options(
                joinedload(Seminar.topic),
                joinedload(Seminar.venue),
                joinedload(Seminar.sessions),
            )
        )
        .unique()
        .one_or_none()
    )
    if seminar is None:
        raise NotFoundError()
    return seminar


def loaded_seminar_for_mails(seminar_id: int) -> Seminar:
    """The seminar as this transaction already holds it with what mails show, without asking
    the database again; otherwise ``seminar_for_mails``. As fresh as that: a seminar already
    in the session is not read again there either."""
    seminar = db.session.identity_map.get(identity_key(Seminar, seminar_id))
    if isinstance(seminar, Seminar) and not (inspect(seminar).unloaded & MAIL_DETAILS):
        return seminar
    return seminar_for_mails(seminar_id)


def seminars_with_first_session() -> list[tuple[Seminar, datetime | None]]:
    """All seminars with their topic and first session, newest first: two queries."""
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Seminar, first.c.starts_at)
        .outerjoin(first, first.c.seminar_id == Seminar.id)
        .options(joinedload(Seminar.topic))
        .order_by(first.c.starts_at.desc().nulls_first(), Seminar.id.desc())
    ).all()
    return [(seminar, starts_at) for seminar, starts_at in rows]


def seminars_ended_before(cutoff: datetime) -> Select:
    """The ids of seminars whose last session ended before ``cutoff`` (a subquery)."""
    return (
        select(SeminarSession.seminar_id)
        .group_by(SeminarSession.seminar_id)
        .having(func.max(SeminarSession.ends_at) < cutoff)
    )
