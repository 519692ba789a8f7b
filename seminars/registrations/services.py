"""What the registrant's link can do: look up, confirm, cancel, accept or decline an offer.

The seat decisions themselves are made in ``allocation``; this module turns a token from a
link into a registration and gathers what the management page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db
from seminars.programme.models import FORMAT_IN_PERSON, Seminar
from seminars.programme.queries import seminar_with_details
from seminars.registrations import allocation, certificate_lookup, service_notes, tokens
from seminars.registrations.models import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_EXPIRED,
    Registration,
    queue_order,
)


class LinkGone(DomainError):
    """The link belonged to a registration that has ended."""

    status_code = 410
    default_message = _l("Diese Anmeldung ist nicht mehr aktiv.")


class UnknownLink(NotFoundError):
    default_message = _l(
        "Diesen Link kennen wir nicht. Bitte prüfen Sie, ob er vollständig aus der E-Mail "
        "übernommen wurde."
    )


def find_by_token(token: str) -> Registration:
    if not tokens.looks_like_token(token):
        raise UnknownLink()
    registration = db.session.scalars(
        select(Registration).where(Registration.token_hash == tokens.token_hash(token))
    ).one_or_none()
    if registration is None:
        raise UnknownLink()
    return registration


@dataclass(frozen=True)
class Overview:
    registration: Registration
    seminar: Seminar
    waitlist_position: int | None
    meeting_url: str | None
    meeting_link_from: datetime | None
    has_certificate: bool = False
    # The last session is over: the page can only show the registration.
    taken_place: bool = False
    # "Gebärdensprachdolmetschung ist gebucht.": one sentence per booked service.
    booked_services: Sequence[str] = ()
    # The materials for the person's needs they may download now.
    materials: Sequence = ()

    @property
    def gone(self) -> bool:
        return self.registration.status in (STATUS_CANCELLED, STATUS_EXPIRED)


def _waitlist_position(registration: Registration) -> int | None:
    """The place on the seminar's waitlist (1: next), or None off the waitlist; one query."""
    if not registration.on_waitlist:
        return None
    queue = (
        select(
            Registration.id,
            func.row_number().over(order_by=queue_order).label("position"),
        )
        .where(Registration.seminar_id == registration.seminar_id, Registration.on_waitlist)
        .subquery()
    )
    return db.session.scalar(select(queue.c.position).where(queue.c.id == registration.id))


def overview(token: str, *, now: datetime) -> Overview:
    registration = find_by_token(token)
    seminar = seminar_with_details(registration.seminar_id)
    meeting_url = None
    link_from = None
    if seminar.format != FORMAT_IN_PERSON and seminar.meeting_url and seminar.sessions:
        link_from = seminar.sessions[0].starts_at - timedelta(
            hours=current_app.config["MEETING_LINK_HOURS"]
        )
        still_running = now <= max(s.ends_at for s in seminar.sessions)
        if registration.status == STATUS_CONFIRMED and link_from <= now and still_running:
            meeting_url = seminar.meeting_url
    return Overview(
        registration,
        seminar,
        _waitlist_position(registration),
        meeting_url,
        link_from,
        has_certificate=certificate_lookup.has_active_certificate(registration.id),
        taken_place=seminar.has_taken_place(now),
        booked_services=service_notes.booked_services_of(registration),
        materials=service_notes.materials_of(registration, now),
    )


def _active(token: str) -> Registration:
    registration = find_by_token(token)
    if registration.status in (STATUS_CANCELLED, STATUS_EXPIRED):
        raise LinkGone()
    return registration


def confirm_by_token(token: str, *, now: datetime) -> Registration:
    return allocation.confirm(_active(token).id, now=now)


class TakenPlace(DomainError):
    """The seminar is over: there is nothing left to cancel."""

    status_code = 409
    default_message = _l(
        "Das Seminar hat bereits stattgefunden. Eine Absage ist nicht mehr möglich."
    )


def cancel_by_token(token: str, *, now: datetime) -> Registration:
    registration = _active(token)
    if seminar_with_details(registration.seminar_id).has_taken_place(now):
        raise TakenPlace()
    return allocation.cancel(registration.id, now=now)


def accept_by_token(token: str, *, now: datetime) -> Registration:
    return allocation.accept_offer(_active(token).id, now=now)


def decline_by_token(token: str, *, now: datetime) -> Registration:
    return allocation.decline_offer(_active(token).id, now=now)
