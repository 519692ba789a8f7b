"""The demo's accessibility services: a few providers, needs in some past and upcoming
seminars, and the tasks staff would have booked for them, with planned and actual costs, so
that the statistics and the annual report show what the services cost.

Upcoming seminars get their tasks from ``reconcile`` as always. A seminar that has ended keeps
its tasks as they were (``reconcile`` leaves it alone), so the demo runs ``reconcile`` for each
past seminar as of the day before it began, when its tasks were last kept in step, and then
books them through ``update_task`` as staff would have.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from seminars.accessibility import tasks as accessibility_tasks
from seminars.accessibility.kinds import kind
from seminars.accessibility.models import (
    TASK_BOOKED,
    TASK_CONFIRMED,
    TASK_REQUESTED,
    ServiceProvider,
    ServiceTask,
)
from seminars.extensions import db
from seminars.programme.models import SeminarSession
from seminars.registrations.models import Registration

# name, kinds (comma-separated keys), contact
PROVIDERS = (
    (
        "Dolmetschzentrale Thüringen",
        "sign_language",
        "Vermittlung Mo–Fr 8–16 Uhr, auftrag@dolmetschzentrale-thueringen.example.org",
    ),
    (
        "Schriftdolmetschen Mitte",
        "speech_to_text",
        "Auch online (Live-Untertitel), buero@schriftdolmetschen-mitte.example.org",
    ),
    (
        "Druckerei Blindendruck Erfurt",
        "large_print,braille,easy_read",
        "Vorlagen als Word-Datei, drei Wochen vorher, post@blindendruck-erfurt.example.org",
    ),
)
PROVIDER_OF_KIND = {
    "sign_language": "Dolmetschzentrale Thüringen",
    "speech_to_text": "Schriftdolmetschen Mitte",
    "large_print": "Druckerei Blindendruck Erfurt",
    "braille": "Druckerei Blindendruck Erfurt",
    "easy_read": "Druckerei Blindendruck Erfurt",
}

# Needs given to confirmed people of the past seminars, the one that ended last first. Three
# people needing sign language in the completed seminar make its row big enough to publish.
PAST_NEEDS = (
    {"need_sign_language": 3, "need_large_print": 1},
    {"need_speech_to_text": 2},
    {"need_speech_to_text": 2, "need_sign_language": 1},
    {"need_braille": 1},
)
# Needs in the first upcoming seminars (those open for registration).
UPCOMING_NEEDS = (
    {"need_sign_language": 2},
    {"need_speech_to_text": 1, "need_large_print": 1},
    {"need_sign_language": 1},
)

# Rates in cents: two interpreters per hour and a travel flat rate; printing per participant.
HOURLY = {"sign_language": 2 * 8_500, "speech_to_text": 2 * 7_000}
TRAVEL = {"sign_language": 12_000, "speech_to_text": 0}
PRINTING = {"large_print": 3_500, "braille": 9_000, "easy_read": 15_000}


def seed_providers() -> dict[str, int]:
    providers = [
        ServiceProvider(name=name, kinds=kinds, contact=contact)
        for name, kinds, contact in PROVIDERS
    ]
    db.session.add_all(providers)
    db.session.flush()
    return {provider.name: provider.id for provider in providers}


def _bounds(now: datetime, *, past: bool) -> list[tuple[int, datetime, datetime]]:
    """(seminar id, first start, last end) of the past seminars (last ended first) or of the
    upcoming ones with people (soonest first)."""
    bounds = (
        select(
            SeminarSession.seminar_id,
            func.min(SeminarSession.starts_at).label("starts_at"),
            func.max(SeminarSession.ends_at).label("ends_at"),
        )
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    stmt = select(bounds.c.seminar_id, bounds.c.starts_at, bounds.c.ends_at)
    if past:
        stmt = stmt.where(bounds.c.ends_at <= now).order_by(bounds.c.ends_at.desc())
    else:
        stmt = stmt.where(bounds.c.starts_at > now).order_by(bounds.c.starts_at)
    return [(row[0], row[1], row[2]) for row in db.session.execute(stmt)]


def _give_needs(seminar_id: int, needs: dict[str, int]) -> None:
    """Tick the needs on the first confirmed people of the seminar who lack them."""
    people = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.holds_seat.is_(True))
            .order_by(Registration.id)
        )
    )
    for need, count in needs.items():
        for person in [p for p in people if not getattr(p, need)][:count]:
            setattr(person, need, True)
    db.session.flush()


def give_needs(now: datetime) -> list[int]:
    """Needs in some past and upcoming seminars (before their tasks are reconciled); returns
    the upcoming seminars given needs."""
    for (seminar_id, _starts, _ends), needs in zip(
        _bounds(now, past=True), PAST_NEEDS, strict=False
    ):
        _give_needs(seminar_id, needs)
    upcoming = [
        seminar_id
        for seminar_id, _starts, _ends in _bounds(now, past=False)
        if db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.holds_seat.is_(True))
        )
    ]
    for seminar_id, needs in zip(upcoming, UPCOMING_NEEDS, strict=False):
        _give_needs(seminar_id, needs)
    return upcoming[: len(UPCOMING_NEEDS)]


def _planned(task: ServiceTask) -> int:
    if task.kind in HOURLY:
        return HOURLY[task.kind] * task.minutes // 60 + TRAVEL[task.kind]
    return PRINTING.get(task.kind, 5_000) * max(task.people, 1)


def _book(
    task: ServiceTask,
    providers: dict[str, int],
    *,
    status: str,
    actual: int | None,
    when: datetime,
) -> None:
    provider = PROVIDER_OF_KIND.get(task.kind)
    accessibility_tasks.update_task(
        task.id,
        actor=None,
        status=status,
        owner_id=None,
        provider_id=providers[provider] if provider else None,
        provider_text="",
        planned_cost_cents=_planned(task) if provider else None,
        actual_cost_cents=actual,
        note="",
        now=when,
    )


def book_services(now: datetime, providers: dict[str, int], upcoming: list[int]) -> None:
    """The tasks of the past seminars as they were then, booked and costed; the tasks of the
    upcoming ones in the various states of their booking."""
    for index, (seminar_id, starts_at, _ends) in enumerate(_bounds(now, past=True)):
        day_before = starts_at - timedelta(days=1)
        accessibility_tasks.reconcile(seminar_id, now=day_before)
        for task in _tasks_of(seminar_id):
            planned = _planned(task)
            # The invoice of the seminar that ended last has not come yet: only planned.
            actual = None if index == 0 else planned + (index % 3 - 1) * 2_500
            interpreting = (found := kind(task.kind)) is not None and found.interpreting
            _book(
                task,
                providers,
                status=TASK_CONFIRMED if interpreting else TASK_BOOKED,
                actual=actual,
                when=starts_at - timedelta(days=30),
            )
    starts = {seminar_id: starts_at for seminar_id, starts_at, _ends in _bounds(now, past=False)}
    for seminar_id in upcoming:
        starts_at = starts[seminar_id]
        for task in _tasks_of(seminar_id):
            interpreting = (found := kind(task.kind)) is not None and found.interpreting
            _book(
                task,
                providers,
                status=TASK_BOOKED if interpreting else TASK_REQUESTED,
                actual=None,
                when=min(now, starts_at - timedelta(days=30)),
            )


def _tasks_of(seminar_id: int) -> list[ServiceTask]:
    return list(
        db.session.scalars(
            select(ServiceTask)
            .where(ServiceTask.seminar_id == seminar_id)
            .order_by(ServiceTask.kind)
        )
    )
