"""Building the demo programme: a year of seminars across all topics, some nearly full.

The demo registrations are what the service would have made: confirmed people and people on
the waitlist, each with a working personal link and the mails their path through the service
wrote (confirmation request, then confirmation or waitlist place), already sent. So a freshly
seeded database passes ``check-consistency``. The most recent past seminar has gone through
its later stages too (``completed.py``): attendance, certificates, survey answers. A few
people without e-mail, booked by phone, wait for their confirmation letter or call
(``without_email.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from seminars.accessibility import tasks as accessibility_tasks
from seminars.core.locking import begin_write
from seminars.core.timezone import berlin_date, berlin_to_utc
from seminars.demo import accessibility as demo_services
from seminars.demo import data
from seminars.demo.completed import CompletedSeminar, complete_latest_past_seminar
from seminars.demo.demand import seed_demand
from seminars.demo.without_email import book_people_without_email
from seminars.extensions import db
from seminars.outbox.models import STATUS_SENT, OutboxMessage
from seminars.programme.models import (
    FORMAT_HYBRID,
    FORMAT_IN_PERSON,
    FORMAT_ONLINE,
    STATUS_PUBLISHED,
    Instructor,
    Seminar,
    SeminarSession,
    Topic,
    Venue,
)
from seminars.registrations import mails, tokens
from seminars.registrations.models import (
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    Registration,
)
from seminars.registrations.person_key import person_key

# Seminar ideas offered a second time in the year, online.
REPEATED_ONLINE = 5
PAST_SEMINARS = 6
# People in the most recent past seminar (each attendee's certificate is rendered on seeding).
COMPLETED_PARTICIPANTS = 8


@dataclass
class DemoSummary:
    seminars: int
    registrations: int
    # The most recent past seminar, with attendance, certificates and survey answers.
    completed: CompletedSeminar | None = None


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Seminar)) == 0


def _venues() -> list[Venue]:
    venues = []
    for name, street, postcode, town, step, toilet, loop, parking, notes, way in data.VENUES:
        venue = Venue(
            name=name,
            street=street,
            postcode=postcode,
            town=town,
            step_free_access=step,
            accessible_toilet=toilet,
            hearing_loop=loop,
            accessible_parking=parking,
            accessibility_notes=notes,
            directions=way,
            county=data.VENUE_COUNTIES.get(town),
        )
        db.session.add(venue)
        venues.append(venue)
    return venues


def _instructors() -> list[Instructor]:
    people = [Instructor(name=name, bio=bio) for name, bio in data.INSTRUCTORS]
    db.session.add_all(people)
    return people


def _sessions(rng: random.Random, day, seminar_format: str) -> list[SeminarSession]:
    if seminar_format == FORMAT_ONLINE:
        # An evening series: three weekly sessions of two hours.
        return [
            SeminarSession(
                starts_at=berlin_to_utc(day + timedelta(weeks=week), time(18, 0)),
                ends_at=berlin_to_utc(day + timedelta(weeks=week), time(20, 0)),
            )
            for week in range(rng.choice((1, 2, 3)))
        ]
    days = rng.choice((1, 1, 2))
    return [
        SeminarSession(
            starts_at=berlin_to_utc(day + timedelta(days=offset), time(9, 30)),
            ends_at=berlin_to_utc(day + timedelta(days=offset), time(16, 0)),
        )
        for offset in range(days)
    ]


def _saturday_after(day):
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _fill(rng: random.Random, index: int, capacity: int) -> tuple[int, int]:
    """(confirmed seats, waitlisted people) with a mix of empty, busy, nearly full and full."""
    pattern = index % 6
    if pattern == 0:
        return capacity - rng.choice((1, 2)), 0  # nearly full
    if pattern == 1:
        return capacity, rng.randint(1, 4)  # full, waitlist open
    if pattern == 2:
        return rng.randint(0, capacity // 3), 0
    return rng.randint(capacity // 3, capacity - 3), 0


def _registrations(rng: random.Random, seminar: Seminar, seats: int, waiting: int, now) -> int:
    made = 0
    for number in range(seats + waiting):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        email = f"{first}.{last}.{seminar.code}.{number}@example.org".lower().replace("ü", "ue")
        on_waitlist = number >= seats
        db.session.add(
            Registration(
                seminar=seminar,
                status=STATUS_WAITLISTED if on_waitlist else STATUS_CONFIRMED,
                holds_seat=not on_waitlist,
                first_name=first,
                last_name=last,
                email=email,
                email_normalized=email,
                person_key=person_key(email),
                organisation=rng.choice(data.GROUPS),
                county=rng.choice(data.COUNTIES),
                need_sign_language=rng.random() < 0.05,
                need_step_free=rng.random() < 0.1,
                consent_at=now,
                created_at=now - timedelta(days=rng.randint(1, 60), minutes=number),
            )
        )
        made += 1
    return made


def seed_demo(now: datetime, *, seed: int = 2027) -> DemoSummary:
    """Create the demo programme around ``now``. The caller commits."""
    # A write transaction from the start: completing the past seminar locks it later on.
    begin_write()
    rng = random.Random(seed)
    topics = {t.key: t for t in db.session.scalars(select(Topic))}
    venues = _venues()
    instructors = _instructors()
    ideas = [(key, idea) for key, items in data.SEMINARS.items() for idea in items]
    plan = [(key, idea, False) for key, idea in ideas]
    plan += [(key, idea, True) for key, idea in ideas[:: len(ideas) // REPEATED_ONLINE]][
        :REPEATED_ONLINE
    ]
    rng.shuffle(plan)
    today = berlin_date(now)
    seminars = 0
    registrations = 0
    for index, (topic_key, (title, summary, units, people), force_online) in enumerate(
        [(k, i, False) for k, i, _ in plan[:PAST_SEMINARS]] + plan
    ):
        past = index < PAST_SEMINARS
        if past:
            day = today - timedelta(days=30 * (index + 1))
        else:
            day = today + timedelta(days=10 + (index - PAST_SEMINARS) * 10)
        if force_online or index % 4 == 3:
            seminar_format = FORMAT_ONLINE
        elif index % 7 == 5:
            seminar_format = FORMAT_HYBRID
        else:
            seminar_format = FORMAT_IN_PERSON
            day = _saturday_after(day)
        capacity = 12 if seminar_format == FORMAT_ONLINE else rng.choice((14, 16, 18, 20))
        seminar = Seminar(
            code=f"SID-{day.year}-{index + 1:02d}",
            title=title,
            topic=topics[topic_key],
            summary=summary,
            description=data.DESCRIPTION.format(summary=summary),
            format=seminar_format,
            venue=None if seminar_format == FORMAT_ONLINE else venues[index % len(venues)],
            meeting_url=(
                f"https://meet.example.org/sid-{index + 1:02d}"
                if seminar_format != FORMAT_IN_PERSON
                else ""
            ),
            capacity=capacity,
            waitlist_capacity=5,
            teaching_units=units,
            status=STATUS_PUBLISHED,
            sessions=_sessions(rng, day, seminar_format),
            instructors=[instructors[i] for i in people],
        )
        # Seminars far ahead open for registration three months before they start.
        if day - today > timedelta(days=270):
            seminar.registration_opens_at = berlin_to_utc(day - timedelta(days=90), time(8, 0))
            confirmed, waiting = 0, 0
        else:
            confirmed, waiting = _fill(rng, index, capacity)
        if index == 0:  # the most recent past seminar: completed below, certificates and all
            confirmed, waiting = min(confirmed, COMPLETED_PARTICIPANTS), 0
        db.session.add(seminar)
        seminars += 1
        registrations += _registrations(rng, seminar, confirmed, waiting, now)
    db.session.flush()
    # Give every demo registration a working personal link, as real ones have.
    for registration in db.session.scalars(
        select(Registration).where(Registration.token_hash.is_(None))
    ):
        registration.token_salt = tokens.new_salt()
        registration.token_hash = tokens.token_hash(
            tokens.token_for(registration.id, registration.token_salt)
        )
    db.session.flush()
    providers = demo_services.seed_providers()
    upcoming = demo_services.give_needs(now)
    # The accessibility tasks the demo volunteers' needs create (quietly: no alert mails, as
    # the needs arrived long before the demo starts).
    for seminar_id in db.session.scalars(select(Seminar.id)):
        accessibility_tasks.reconcile(seminar_id, now=now)
    demo_services.book_services(now, providers, upcoming)
    _mails_already_sent()
    completed = complete_latest_past_seminar(rng, now)
    # Last, after every mail above was marked sent: their letters and calls are still to do.
    registrations += len(book_people_without_email(now))
    # Demand: interest lists and a new date prepared from the fullest waitlist.
    seed_demand(now)
    return DemoSummary(seminars, registrations, completed)


# How long after registering the demo volunteers clicked the link in their mail.
CONFIRMED_AFTER = timedelta(minutes=20)


def _mails_already_sent() -> None:
    """Every demo registration confirmed its address and got the mails the service writes
    on the way (into the outbox, as always), which left when they were written: marked as
    sent, without address and text unless ``OUTBOX_KEEP_SENT_BODIES``."""
    registrations = {}
    positions: dict[int, int] = {}
    for registration in db.session.scalars(
        select(Registration)
        .where(Registration.status.in_((STATUS_CONFIRMED, STATUS_WAITLISTED)))
        .order_by(Registration.id)
    ):
        registrations[registration.id] = registration
        registration.confirmed_at = registration.created_at + CONFIRMED_AFTER
        mails.queue(registration, mails.CONFIRM_REQUEST)
        if registration.status == STATUS_CONFIRMED:
            mails.queue(registration, mails.CONFIRMED)
        else:
            position = positions.get(registration.seminar_id, 0) + 1
            positions[registration.seminar_id] = position
            mails.queue(registration, mails.WAITLISTED, position=position)
    keep_bodies = current_app.config["OUTBOX_KEEP_SENT_BODIES"]
    for message in db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id.in_(list(registrations)),
            OutboxMessage.status != STATUS_SENT,
        )
    ):
        assert message.registration_id is not None  # selected by it
        registration = registrations[message.registration_id]
        if message.kind == mails.CONFIRM_REQUEST:
            written = registration.created_at
        else:
            assert registration.confirmed_at is not None  # set in the loop above
            written = registration.confirmed_at
        message.status = STATUS_SENT
        message.attempts = 1
        message.created_at = message.next_attempt_at = message.sent_at = written
        if not keep_bodies:
            message.recipient = message.body_text = message.body_html = ""
            message.attachments = []
    db.session.flush()
