"""Programme alerts: subscribers hear of new seminars of their topic, in one mail a day.

Publishing a seminar writes its ``ProgrammeAlert`` row, once per seminar ever (a seminar
published, withdrawn and published again does not alert twice); housekeeping writes the rows
that another way of publishing left out (``catch_up``). Withdrawing a seminar before any day's
alerts reached its row drops the row (``seminar_withdrawn``): published again, it gets a new
one, above what the alerts considered meanwhile, and is alerted then. From
``INTEREST_ALERT_HOUR`` (Berlin) on, ``send_alerts`` gives every confirmed topic subscriber at
most one mail a day: the seminars alerted since their last mail that match their choice and
are still open.

Several housekeeping runners may work at once: each subscription is claimed by a conditional
update of ``last_alert_on`` and ``last_alert_id`` (on PostgreSQL its row is also locked with
``FOR UPDATE SKIP LOCKED``, so a second runner passes over it) in the same transaction as its
mail, so nobody gets two mails a day, and nothing is lost when a runner fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, literal, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import BERLIN
from seminars.core.unit_of_work import unit
from seminars.core.urls import external_url
from seminars.extensions import db
from seminars.interest import mails
from seminars.interest.models import (
    REGION_ONLINE,
    SUBSCRIPTION_CONFIRMED,
    InterestSubscription,
    ProgrammeAlert,
)
from seminars.programme.models import (
    FORMAT_HYBRID,
    FORMAT_IN_PERSON,
    FORMAT_ONLINE,
    STATUS_PUBLISHED,
    Seminar,
    SeminarSession,
    Topic,
)
from seminars.registrations.counties import COUNTY_NAMES

KIND = "programme_alert"
# An alert row counts once it is this old: a publication whose transaction is still open when
# the day's alerts are sent may hold a lower id than one committed already, and would be
# passed over for good if the highest id were taken as it is.
SETTLE = timedelta(minutes=10)
# Subscriptions per transaction.
BATCH_SIZE = 200


def _insert():
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return (postgresql.insert if postgres else sqlite.insert)(ProgrammeAlert)


def seminar_published(seminar_id: int, now: datetime) -> None:
    """Note that subscribers are to hear of this seminar, unless they were told already. Two
    publications at once insert one row (the second finds the seminar taken and does nothing)."""
    db.session.execute(
        _insert()
        .values(seminar_id=seminar_id, queued_at=now)
        .on_conflict_do_nothing(index_elements=["seminar_id"])
    )


def seminar_withdrawn(seminar_id: int) -> None:
    """Drop the seminar's alert row while no day's alerts have reached it (no subscription
    was claimed past it), so that publishing it again alerts it. A row the alerts reached
    stays: its subscribers may have been told. On PostgreSQL the row is locked first, so a
    run listing it right now (``_open_seminars`` shares its lock) has committed its claims
    before they are looked at."""
    alert_id = db.session.scalar(
        select(ProgrammeAlert.id).where(ProgrammeAlert.seminar_id == seminar_id).with_for_update()
    )
    if alert_id is None:
        return
    reached = (
        select(InterestSubscription.id)
        .where(
            InterestSubscription.last_alert_on.is_not(None),
            InterestSubscription.last_alert_id >= alert_id,
        )
        .exists()
    )
    db.session.execute(
        delete(ProgrammeAlert)
        .where(ProgrammeAlert.id == alert_id, ~reached)
        .execution_options(synchronize_session=False)
    )


def _first_starts():
    return (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )


def catch_up(now: datetime) -> int:
    """Alert rows for published seminars not started yet that have none (the programme
    import, a seminar published before a failure); how many were written."""
    first = _first_starts()
    missing = (
        select(Seminar.id, literal(now, UTCDateTime))
        .join(first, first.c.seminar_id == Seminar.id)
        .where(
            Seminar.status == STATUS_PUBLISHED,
            first.c.starts_at > now,
            ~select(ProgrammeAlert.id).where(ProgrammeAlert.seminar_id == Seminar.id).exists(),
        )
    )
    statement = (
        _insert()
        .from_select(["seminar_id", "queued_at"], missing)
        .on_conflict_do_nothing(index_elements=["seminar_id"])
        .returning(ProgrammeAlert.id)
    )
    return len(db.session.execute(statement).all())


def send_alerts(now: datetime) -> int:
    """The day's alert mails, from ``INTEREST_ALERT_HOUR`` on; how many were queued. Each
    batch of subscriptions is one unit of work (claims and mails together)."""
    local = now.astimezone(BERLIN)
    if local.hour < current_app.config["INTEREST_ALERT_HOUR"]:
        return 0
    today = local.date()
    newest = db.session.scalar(
        select(func.max(ProgrammeAlert.id)).where(ProgrammeAlert.queued_at <= now - SETTLE)
    )
    if newest is None:
        return 0
    sent = 0
    after = 0
    while True:
        with unit():
            batch = _due(today, newest, after)
            if batch:
                after = batch[-1].id
                sent += _send_batch(batch, today, newest, now)
        if len(batch) < BATCH_SIZE:
            return sent


def _due(today: date, newest: int, after: int) -> list[InterestSubscription]:
    """The next batch of confirmed topic subscriptions with alerts not yet considered and no
    alert mail today (on PostgreSQL locked; those another runner holds are passed over)."""
    return list(
        db.session.scalars(
            select(InterestSubscription)
            .where(
                InterestSubscription.id > after,
                InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
                InterestSubscription.seminar_id.is_(None),
                InterestSubscription.topic_id.is_not(None),
                InterestSubscription.last_alert_id < newest,
                _not_today(today),
            )
            .order_by(InterestSubscription.id)
            .limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )


def _not_today(today: date):
    return or_(
        InterestSubscription.last_alert_on.is_(None), InterestSubscription.last_alert_on < today
    )


def _claim(batch: Sequence[InterestSubscription], today: date, newest: int) -> set[int]:
    """Mark the batch as alerted today, up to ``newest``: the ids whose row was still as read
    (a runner that got there first has changed it, and keeps it)."""
    statement = (
        update(InterestSubscription)
        .where(
            tuple_(InterestSubscription.id, InterestSubscription.last_alert_id).in_(
                [(item.id, item.last_alert_id) for item in batch]
            ),
            InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
            _not_today(today),
        )
        .values(last_alert_on=today, last_alert_id=newest)
        .returning(InterestSubscription.id)
        .execution_options(synchronize_session=False)
    )
    return set(db.session.scalars(statement))


@dataclass(frozen=True)
class Listed:
    """A seminar as the alert mail lists it."""

    alert_id: int
    seminar: Seminar
    url: str


def _open_seminars(after: int, newest: int, now: datetime) -> list[Listed]:
    """The seminars alerted after ``after`` up to ``newest`` that are still published and
    not started, with sessions and venue, by start."""
    first = _first_starts()
    rows = db.session.execute(
        select(ProgrammeAlert.id, Seminar)
        .join(Seminar, Seminar.id == ProgrammeAlert.seminar_id)
        .join(first, first.c.seminar_id == Seminar.id)
        .where(
            ProgrammeAlert.id > after,
            ProgrammeAlert.id <= newest,
            Seminar.status == STATUS_PUBLISHED,
            first.c.starts_at > now,
        )
        .options(joinedload(Seminar.venue), selectinload(Seminar.sessions))
        .order_by(first.c.starts_at, Seminar.id)
        # Shared: a withdrawal waits until the claims made with this list are committed.
        .with_for_update(read=True, of=ProgrammeAlert)
    ).all()
    return [
        Listed(alert_id, seminar, external_url("catalogue.detail", seminar_id=seminar.id))
        for alert_id, seminar in rows
    ]


def matches(subscription: InterestSubscription, seminar: Seminar) -> bool:
    """Whether the seminar is one the subscriber asked for: the topic, and the place (any;
    online or hybrid for "online"; in the county, in person or hybrid, for a county)."""
    if seminar.topic_id != subscription.topic_id:
        return False
    region = subscription.region
    if region is None:
        return True
    if region == REGION_ONLINE:
        return seminar.format in (FORMAT_ONLINE, FORMAT_HYBRID)
    return (
        seminar.format in (FORMAT_IN_PERSON, FORMAT_HYBRID)
        and seminar.venue is not None
        and seminar.venue.county == region
    )


def _send_batch(
    batch: Sequence[InterestSubscription], today: date, newest: int, now: datetime
) -> int:
    claimed = _claim(batch, today, newest)
    if not claimed:
        return 0
    mine = [item for item in batch if item.id in claimed]
    listed = _open_seminars(min(item.last_alert_id for item in mine), newest, now)
    topic_ids = {item.topic_id for item in mine}
    topics = {
        topic.id: topic
        for topic in db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))
    }
    sent = 0
    for subscription in mine:
        found = [
            entry
            for entry in listed
            if entry.alert_id > subscription.last_alert_id and matches(subscription, entry.seminar)
        ]
        if found:
            topic = topics[subscription.topic_id] if subscription.topic_id else None
            mails.queue(
                subscription,
                KIND,
                _subject(len(found)),
                entries=found,
                topic=topic,
                region_label=_region_label,
                links=[entry.url for entry in found],
            )
            sent += 1
    return sent


def _subject(count: int):
    """The subject, said in the subscriber's language when the mail is written."""
    return lambda **_extra: ngettext(
        "%(num)d neues Seminar im Programm", "%(num)d neue Seminare im Programm", count
    )


def _region_label(region: str | None) -> str:
    """The place a subscriber chose, in words (in the current language)."""
    if region is None:
        return _("alle Orte und online")
    if region == REGION_ONLINE:
        return _("online")
    return COUNTY_NAMES.get(region, region)
