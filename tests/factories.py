"""Small builders for test data. Each returns committed objects unless told otherwise."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import (
    FORMAT_IN_PERSON,
    FORMAT_ONLINE,
    STATUS_PUBLISHED,
    Instructor,
    Seminar,
    SeminarSession,
    Topic,
    Venue,
)
from seminars.registrations.models import STATUS_CONFIRMED, Registration
from seminars.registrations.person_key import person_key

_numbers = itertools.count(1)


def topic(key: str = "gruppenleitung") -> Topic:
    return db.session.scalars(select(Topic).where(Topic.key == key)).one()


def venue(town: str = "Erfurt", **fields) -> Venue:
    values = {
        "name": f"Tagungshaus {town}",
        "street": "Marktstraße 1",
        "postcode": "99084",
        "town": town,
        "step_free_access": True,
        "accessible_toilet": True,
        "hearing_loop": False,
        "accessible_parking": False,
        "accessibility_notes": "Aufzug vorhanden.",
        "directions": "",
    }
    values.update(fields)
    place = Venue(**values)
    db.session.add(place)
    db.session.commit()
    return place


def seminar(
    title: str | None = None,
    *,
    starts_in: timedelta = timedelta(days=30),
    starts_at: datetime | None = None,
    hours: int = 6,
    sessions: int = 1,
    topic_key: str = "gruppenleitung",
    seminar_format: str = FORMAT_IN_PERSON,
    town: str | None = "Erfurt",
    place: Venue | None = None,
    instructors: list[str] = (),
    commit: bool = True,
    **fields,
) -> Seminar:
    number = next(_numbers)
    start = starts_at or (utcnow().replace(microsecond=0) + starts_in)
    if place is None and seminar_format != FORMAT_ONLINE and town is not None:
        place = venue(town)
    values = {
        "code": f"T-{number:04d}",
        "title": title or f"Testseminar {number}",
        "summary": "Kurzbeschreibung",
        "description": "Beschreibung",
        "capacity": 10,
        "waitlist_capacity": 5,
        "teaching_units": 6,
        "status": STATUS_PUBLISHED,
    }
    values.update(fields)
    item = Seminar(
        topic=topic(topic_key),
        format=seminar_format,
        venue=place,
        sessions=[
            SeminarSession(
                starts_at=start + timedelta(days=day),
                ends_at=start + timedelta(days=day, hours=hours),
            )
            for day in range(sessions)
        ],
        instructors=[_instructor(name) for name in instructors],
        **values,
    )
    db.session.add(item)
    if commit:
        db.session.commit()
    return item


def _instructor(name: str) -> Instructor:
    found = db.session.scalars(select(Instructor).where(Instructor.name == name)).first()
    return found or Instructor(name=name, bio="")


def registration(
    item: Seminar,
    *,
    status: str = STATUS_CONFIRMED,
    holds_seat: bool | None = None,
    assistant: bool = False,
    commit: bool = True,
    channel: str = "email",
    **fields,
) -> Registration:
    """A registration; ``channel`` "post" or "phone" makes one without e-mail (with an
    address and a phone number), as staff book people who have none."""
    number = next(_numbers)
    email = f"person{number}@example.org"
    if channel != "email":
        fields = {
            "email": "",
            "email_normalized": None,
            "street": "Anger 1",
            "postcode": "99084",
            "city": "Erfurt",
            "phone": f"0361 {number:06d}",
            "registered_by_staff": True,
            **fields,
        }
    entry = Registration(
        seminar=item,
        status=status,
        holds_seat=status in ("pending", "confirmed", "offered")
        if holds_seat is None
        else holds_seat,
        first_name="Vorname",
        last_name=f"Nachname{number}",
        email=email,
        email_normalized=email,
        person_key=person_key(email),
        need_personal_assistant=assistant,
        consent_at=utcnow(),
        channel=channel,
    )
    for name, value in fields.items():
        setattr(entry, name, value)
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def fill(item: Seminar, seats: int, *, waitlisted: int = 0) -> None:
    for _ in range(seats):
        registration(item, commit=False)
    for _ in range(waitlisted):
        registration(item, status="waitlisted", commit=False)
    db.session.commit()


def applicant(number: int | None = None, **fields):
    from seminars.registrations.applicant import Applicant

    number = number if number is not None else next(_numbers)
    values = {
        "first_name": "Erika",
        "last_name": f"Muster{number}",
        "email": f"erika{number}@example.org",
        "organisation": "SHG Test",
    }
    values.update(fields)
    return Applicant(**values)


def outbox_kinds(registration_id: int | None = None) -> list[str]:
    from seminars.outbox.models import OutboxMessage

    stmt = select(OutboxMessage.kind).order_by(OutboxMessage.id)
    if registration_id is not None:
        stmt = stmt.where(OutboxMessage.registration_id == registration_id)
    return list(db.session.scalars(stmt))


STRONG_PASSWORD = "Blaue Gießkanne tanzt im Novemberregen"


def failed_mail(item: Registration, reason: str = "550 5.1.1 Mailbox unavailable"):
    """A mail to ``item`` that the mail server refused for good."""
    from seminars.outbox.models import STATUS_FAILED, OutboxMessage

    message = OutboxMessage(
        kind="confirm_request",
        registration_id=item.id,
        recipient=item.email,
        subject="Bitte bestätigen Sie Ihre Anmeldung",
        body_text="Text",
        body_html="",
        attachments=[],
        status=STATUS_FAILED,
        attempts=1,
        last_error=reason,
    )
    db.session.add(message)
    db.session.commit()
    return message


def user(role: str = "staff", email: str | None = None, password: str = STRONG_PASSWORD):
    from seminars.accounts.models import User
    from seminars.accounts.passwords import hash_password

    account = User(
        email=email or f"{role}{next(_numbers)}@akademie.example",
        name=f"{role.title()} Person",
        role=role,
        password_hash=hash_password(password),
    )
    db.session.add(account)
    db.session.commit()
    return account


def ballot() -> str:
    """A stand-in for the keyed ballot a response gets when a link is used."""
    return secrets.token_hex(32)


def confirmed_people(item: Seminar, count: int) -> list[Registration]:
    """``count`` people registered online and confirmed, in order, through the allocation."""
    from seminars.registrations import allocation

    people = []
    for number in range(count):
        registration = allocation.register(item.id, applicant(number), now=utcnow()).registration
        db.session.commit()
        allocation.confirm(registration.id, now=utcnow())
        db.session.commit()
        people.append(registration)
    return people


def subscription(
    email: str = "interesse@example.org",
    *,
    topic_id: int | None = None,
    region: str | None = None,
    seminar_id: int | None = None,
    status: str = "confirmed",
    **fields,
):
    """An interest subscription, confirmed by default (for a topic, or for one seminar's new
    date); returns it flushed, with a token issued (``interest.links.token_for``)."""
    from seminars.core.email_address import normalise_email
    from seminars.interest import links
    from seminars.interest.models import InterestSubscription

    now = utcnow()
    confirmed = status == "confirmed"
    item = InterestSubscription(
        status=status,
        email=email if status != "ended" else "",
        email_normalized=normalise_email(email) if status != "ended" else None,
        topic_id=topic_id,
        region=region,
        seminar_id=seminar_id,
        confirmed_at=now if confirmed else None,
        renewed_at=now if confirmed else None,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    links.issue_token(item)
    db.session.flush()
    return item
