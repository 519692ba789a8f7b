"""Programme alerts: subscribers hear of new seminars of their topic, in one mail a day.

Publishing a seminar writes its ``ProgrammeAlert`` row, once per seminar ever (a seminar
published, withdrawn and published again does not alert twice); housekeeping writes the rows
that another way of publishing left out (``catch_up``). Withdrawing a seminar before any day's
alerts reached its row drops the row (``seminar_withdrawn``): published again, it gets a new
one, above what the alerts considered meanwhile, and is alerted then. From
``INTEREST_ALERT_HOUR`` (Berlin) on, ``send_alerts`` gives every address with confirmed topic
subscriptions at most one mail a day: the seminars alerted since its last mail that match any
of its subscriptions and are still open, each once.

Several housekeeping runners may work at once: each subscription is claimed by a conditional
update of ``last_alert_on`` and ``last_alert_id`` (on PostgreSQL its row is also locked with
``FOR UPDATE SKIP LOCKED``, so a second runner passes over it) in the same transaction as its
mail, so nobody gets two mails a day, and nothing is lost when a runner fails. A runner mails
an address only if it holds all of the address's waiting subscriptions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, literal, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, joinedload, selectinload

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
    batch of addresses is one unit of work (claims and mails together)."""
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
    after = ""
    while True:
        with unit():
            addresses, batch = _due(today, newest, after)
            if addresses:
                after = addresses[-1]
                sent += _send_batch(batch, today, newest, now)
        if len(addresses) < BATCH_SIZE:
            return sent


def _waiting(today: date, newest: int) -> tuple:
    """Confirmed topic subscriptions with alerts not yet considered, of an address that had
    no alert mail today (by any of its subscriptions)."""
    mailed = aliased(InterestSubscription)
    return (
        InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
        InterestSubscription.seminar_id.is_(None),
        InterestSubscription.topic_id.is_not(None),
        InterestSubscription.email_normalized.is_not(None),
        InterestSubscription.last_alert_id < newest,
        _not_today(today),
        ~select(mailed.id)
        .where(
            mailed.email_normalized == InterestSubscription.email_normalized,
            mailed.last_alert_on >= today,
        )
        .exists(),
    )


def _due(today: date, newest: int, after: str) -> tuple[list[str], list[InterestSubscription]]:
    """The next batch of addresses (by address, after ``after``) with subscriptions waiting,
    and those of their subscriptions this runner holds, by address: all of an address's
    waiting subscriptions, or none of them. On PostgreSQL they are locked, those another
    runner holds are passed over, and so is every address of which this runner could not
    lock all (the other runner mails it), so that an address gets one mail a day."""
    waiting = _waiting(today, newest)
    addresses = list(
        db.session.scalars(
            select(InterestSubscription.email_normalized)
            .where(*waiting, InterestSubscription.email_normalized > after)
            .distinct()
            .order_by(InterestSubscription.email_normalized)
            .limit(BATCH_SIZE)
        )
    )
    if not addresses:
        return [], []
    held = list(
        db.session.scalars(
            select(InterestSubscription)
            .where(*waiting, InterestSubscription.email_normalized.in_(addresses))
            .order_by(InterestSubscription.email_normalized, InterestSubscription.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )
    # Read after locking: what another runner holds still counts here (or, committed, takes
    # the whole address out of waiting).
    counts = dict(
        db.session.execute(
            select(InterestSubscription.email_normalized, func.count())
            .where(*waiting, InterestSubscription.email_normalized.in_(addresses))
            .group_by(InterestSubscription.email_normalized)
        ).all()
    )
    mine = Counter(item.email_normalized for item in held)
    return [str(address) for address in addresses], [
        item for item in held if mine[item.email_normalized] == counts.get(item.email_normalized)
    ]


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


@dataclass(frozen=True)
class Entry:
    """A seminar in one address's mail, with the subscriptions of the address it matches."""

    seminar: Seminar
    url: str
    subscriptions: list[InterestSubscription]


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
    """One mail per address (``batch`` comes by address): each matching seminar once, in
    the language of the address's first subscription."""
    claimed = _claim(batch, today, newest) if batch else set()
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
    for _address, group in groupby(mine, key=lambda item: item.email_normalized):
        subscriptions = list(group)
        found = []
        for entry in listed:
            matching = [
                item
                for item in subscriptions
                if entry.alert_id > item.last_alert_id and matches(item, entry.seminar)
            ]
            if matching:
                found.append(Entry(entry.seminar, entry.url, matching))
        if found:
            first, *others = subscriptions
            mails.queue(
                first,
                KIND,
                _subject(len(found)),
                also=others,
                entries=found,
                topics=topics,
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
