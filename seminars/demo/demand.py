"""Demo demand: people who asked to hear of new seminars, and a new date of the fullest
seminar prepared from its waitlist (a draft: staff publish it to see the offers go out).

Subscriptions are confirmed and alerted up to now, so the first housekeeping run mails
nobody about the demo's own programme; the draft goes through the planning service as
staff would create it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from seminars.core.email_address import normalise_email
from seminars.core.timezone import berlin_date, berlin_to_utc
from seminars.extensions import db
from seminars.interest import alerts
from seminars.interest.links import issue_token
from seminars.interest.models import (
    REGION_ONLINE,
    SUBSCRIPTION_CONFIRMED,
    InterestSubscription,
    ProgrammeAlert,
)
from seminars.planning import new_dates
from seminars.programme.models import STATUS_PUBLISHED, Seminar, SeminarSession, Topic
from seminars.programme.queries import seminar_with_details
from seminars.registrations.models import STATUS_WAITLISTED, Registration

# (address, topic key, region): region None is anywhere.
TOPIC_SUBSCRIBERS = [
    ("kontakt@shg-tinnitus-erfurt.example", "gruppenleitung", "th-erfurt"),
    ("info@angehoerige-demenz.example", "recht", None),
    ("mail@shg-long-covid.example", "methoden-medien", REGION_ONLINE),
]
# Addresses on the interest list of the fullest seminar.
SEMINAR_SUBSCRIBERS = ["anfrage@shg-borderline.example", "post@kreuzbund-gera.example"]


def seed_demand(now: datetime) -> Seminar | None:
    """Subscriptions, and the draft new date of the upcoming seminar with the most people
    waiting (None when nobody waits)."""
    alerts.catch_up(now)
    known = db.session.scalar(select(func.max(ProgrammeAlert.id))) or 0
    topics = {t.key: t.id for t in db.session.scalars(select(Topic))}
    full = _fullest_upcoming(now)
    wanted: list[tuple[str, int | None, str | None, int | None]] = [
        (email, topics[key], region, None) for email, key, region in TOPIC_SUBSCRIBERS
    ]
    if full is not None:
        wanted += [(email, None, None, full.id) for email in SEMINAR_SUBSCRIBERS]
    for number, (email, topic_id, region, seminar_id) in enumerate(wanted):
        since = now - timedelta(days=40 + 25 * number)
        _subscribe(email, topic_id, region, seminar_id, since, known)
    db.session.flush()
    if full is None:
        return None
    first = min(s.starts_at for s in full.sessions)
    day = berlin_date(first) + timedelta(weeks=6)
    spans = [(berlin_to_utc(day, time(10, 0)), berlin_to_utc(day, time(16, 0)))]
    return new_dates.create_new_date(
        full.id,
        new_dates.NewDateData(
            code=new_dates.suggested_code(full),
            sessions=spans,
            capacity=full.capacity,
            venue_id=full.venue_id,
        ),
        actor=None,
    )


def _subscribe(email, topic_id, region, seminar_id, since: datetime, known: int) -> None:
    subscription = InterestSubscription(
        status=SUBSCRIPTION_CONFIRMED,
        email=email,
        email_normalized=normalise_email(email),
        topic_id=topic_id,
        region=region,
        seminar_id=seminar_id,
        created_at=since,
        confirmed_at=since,
        renewed_at=since,
        last_alert_id=known,
    )
    db.session.add(subscription)
    db.session.flush()
    issue_token(subscription)


def _fullest_upcoming(now: datetime) -> Seminar | None:
    first = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    waiting = func.count(Registration.id)
    seminar_id = db.session.scalar(
        select(Seminar.id)
        .join(first, first.c.seminar_id == Seminar.id)
        .join(Registration, Registration.seminar_id == Seminar.id)
        .where(
            Seminar.status == STATUS_PUBLISHED,
            first.c.starts_at > now,
            Registration.status == STATUS_WAITLISTED,
        )
        .group_by(Seminar.id)
        .order_by(waiting.desc(), Seminar.id)
        .limit(1)
    )
    return None if seminar_id is None else seminar_with_details(seminar_id)
