"""A new date of a full seminar, for the people waiting on it ("Neuer Termin aus
Warteliste"): staff set dates, place, seats and registration window; everything else is
copied from the old seminar. The new seminar is a draft; when it is published, the people
still waiting on the old date and then its interest list get places on it
(``interest.new_dates``, called by ``services.set_status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.interest import new_dates as interest_new_dates
from seminars.planning import services
from seminars.planning.errors import PlanningError
from seminars.programme.models import STATUS_DRAFT, Seminar, SeminarSession
from seminars.programme.session_text import Span
from seminars.registrations import new_dates as registration_new_dates


@dataclass(frozen=True)
class Demand:
    """Who would get a place on a new date of a seminar."""

    # Confirmed people on the waitlist without a place on another new date.
    waiting: int
    # Confirmed interest subscriptions for a new date of this seminar.
    interested: int

    @property
    def any(self) -> bool:
        return bool(self.waiting or self.interested)


@dataclass
class NewDateData:
    """What staff set for the new date, as plain values."""

    code: str
    sessions: list[Span]
    capacity: int
    venue_id: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None


def demand_for(seminar_id: int) -> Demand:
    return Demand(
        waiting=len(registration_new_dates.waiting_for_new_date(seminar_id)),
        interested=interest_new_dates.interest_count(seminar_id),
    )


def suggested_code(seminar: Seminar) -> str:
    return services.free_code(f"{seminar.code}-neu")


def create_new_date(
    seminar_id: int, data: NewDateData, *, actor: Actor | None, now: datetime | None = None
) -> Seminar:
    """A draft copy of the seminar with the dates, place, seats and registration window of
    ``data`` (``repeat_of_id`` points to the old one). Refused when nobody waits for it, and
    for dates that have begun already (``now``): the waiting would be taken over to a seminar
    nobody can attend."""
    now = now or utcnow()
    if any(start <= now for start, _end in data.sessions):
        raise PlanningError(
            _l("Ein neuer Termin muss in der Zukunft liegen. Bitte prüfen Sie die Termine."),
            field="sessions",
        )
    old = services.get_seminar(seminar_id)
    demand = demand_for(seminar_id)
    if not demand.any:
        raise PlanningError(_l("Für dieses Seminar wartet niemand auf einen neuen Termin."))
    copy = Seminar(status=STATUS_DRAFT, capacity=data.capacity, sessions=[], instructors=[])
    for name in services.COPIED_FIELDS:
        setattr(copy, name, getattr(old, name))
    copy.code = data.code
    copy.venue_id = data.venue_id
    copy.registration_opens_at = data.registration_opens_at
    copy.registration_closes_at = data.registration_closes_at
    copy.repeat_of_id = old.id
    services.check_code_and_venue(copy.code, copy.format, copy.venue_id, None)
    copy.instructors = list(old.instructors)
    copy.sessions = [SeminarSession(starts_at=start, ends_at=end) for start, end in data.sessions]
    db.session.add(copy)
    db.session.flush()
    record(
        actor,
        "seminar.new_date",
        seminar=copy,
        after={
            "from": old.code,
            "code": copy.code,
            "waiting": demand.waiting,
            "interested": demand.interested,
        },
    )
    return copy
