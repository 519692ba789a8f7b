"""A small but complete state of the service, so that every form has something to act on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from seminars.accessibility import materials, providers, venue_check
from seminars.accessibility.models import ServiceTask
from seminars.accounts import links
from seminars.certificates import services as certificates
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.interest import links as interest_links
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import send_committed
from seminars.programme.models import STATUS_DRAFT
from seminars.registrations import allocation, mails, staff
from seminars.registrations.tokens import token_for
from seminars.surveys import links as survey_links
from seminars.surveys import services as surveys
from seminars.surveys.models import SurveyQuestion
from tests import factories
from tests.surveys.test_surveys import finished_seminar, invitation_tokens


@dataclass
class World:
    upcoming: int
    finished: int
    draft: int
    venue: int
    topic: int
    other_user: int
    other_email: str
    confirmed: int
    confirmed_token: str
    pending_token: str
    offered_token: str
    # The registration offered a seat (its offer can be answered on the staff page).
    offered: int
    attended: int
    certified: int
    certified_token: str
    certificate: int
    survey_token: str
    # The code on the questionnaire of someone invited by post (as printed).
    paper_code: str
    text_question: int
    response: int
    person_email: str
    reset_token: str
    task: int
    provider: int
    material: int
    # A seminar whose venue check was settled by a note (the upcoming one's is open).
    supported: int
    # An open call on the call list: a seat offered to someone who takes part by phone.
    call: int
    # The forms as first shown, by endpoint (filled by the tests).
    forms: dict = field(default_factory=dict)
    # A letter in the print queue (to a person who takes part by post).
    letter: int = 0
    # A full seminar with people waiting and an interest list: it can get a new date.
    full: int = 0
    # A seminar still to come whose registration has closed: its page offers the list for
    # a new date.
    closed: int = 0
    # Interest subscriptions: one waiting for its confirmation, one confirmed.
    pending_subscription_token: str = ""
    subscription_token: str = ""


def _token(registration) -> str:
    return token_for(registration.id, registration.token_salt)


def build_world(app) -> World:
    now = utcnow()
    app.config["SURVEY_MIN_RESPONSES"] = 1
    upcoming = factories.seminar(capacity=2, waitlist_capacity=5)
    people = []
    for number in range(4):
        registration = allocation.register(
            # The first asks for large print: the seminar's PDF is offered to them.
            upcoming.id,
            factories.applicant(
                100 + number, need_large_print=number == 0, need_hearing_loop=number == 0
            ),
            now=now,
        ).registration
        db.session.commit()
        if number < 3:
            allocation.confirm(registration.id, now=now)
            db.session.commit()
        people.append(registration)
    # Two seated, one waitlisted, one unconfirmed; the second withdraws and the third is offered.
    allocation.cancel(people[1].id, now=now)
    db.session.commit()
    draft = factories.seminar(status=STATUS_DRAFT)
    finished, attendees = finished_seminar(3, attended=[0, 1, 2])
    certificate = certificates.issue(attendees[0].id, actor=None, now=now, send_mail=False)
    db.session.commit()
    # Someone without e-mail at a seminar that has ended: invited on paper, with a code.
    paper_seminar = factories.seminar(starts_in=timedelta(hours=-8), hours=6, capacity=1)
    paper_person = factories.registration(paper_seminar, channel="post")
    mails.queue(paper_person, mails.CONFIRMED)  # its letter, as booking by phone writes it
    staff.record_attendance(
        paper_seminar.id,
        staff.attendance_of(paper_seminar.id).sessions[0].id,
        {paper_person.id},
        actor=None,
        now=now,
    )
    db.session.commit()
    surveys.send_invitations(now)
    db.session.commit()
    tokens = iter(invitation_tokens().values())
    text_question = db.session.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.kind == "text")
    ).first()
    response = surveys.submit(
        next(tokens).rsplit("/", 1)[-1], {f"q{text_question.id}": "Sehr hilfreich"}, now=now
    )
    db.session.commit()
    other = factories.user("staff")
    # An accessibility task (a need in a seminar of its own) and a provider to book.
    supported = factories.seminar(starts_in=timedelta(days=60))
    allocation.register(
        supported.id,
        factories.applicant(200, need_sign_language=True, need_hearing_loop=True),
        now=now,
    )
    db.session.commit()
    venue_check.resolve(
        supported.id, "hearing_loop", "arranged", "Mobile Höranlage gemietet", actor=None, now=now
    )
    provider = providers.save_provider(
        None, name="Dolmetschdienst", kinds=[], contact="", active=True, actor=other
    )
    db.session.commit()
    task = db.session.scalars(
        sa.select(ServiceTask.id).where(ServiceTask.seminar_id == supported.id)
    ).one()
    material = materials.upload(
        upcoming.id,
        "pdf",
        filename="Unterlagen.pdf",
        data=b"%PDF-1.7\n%%EOF\n",
        available_from=now - timedelta(days=1),
        actor=other,
        now=now,
    )
    db.session.commit()
    # A seat offered to someone reached by phone: a call on the call list.
    by_phone = factories.seminar(capacity=1)
    holder = factories.registration(by_phone)
    phone = factories.registration(by_phone, status="waitlisted", channel="phone")
    allocation.cancel(holder.id, now=now)
    db.session.commit()
    call = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.registration_id == phone.id)
    ).one()
    # Someone without e-mail, booked for letters: their confirmation waits in the print queue.
    by_post = factories.registration(supported, channel="post")
    mails.queue(by_post, mails.CONFIRMED)
    letter = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.registration_id == by_post.id)
    ).one()
    db.session.commit()
    # A full seminar with two people waiting and one address on its interest list.
    full = factories.seminar(capacity=1, waitlist_capacity=5)
    for number in range(3):
        entry = allocation.register(full.id, factories.applicant(700 + number), now=now)
        db.session.commit()
        allocation.confirm(entry.registration.id, now=now)
        db.session.commit()
    factories.subscription("neuer-termin@example.org", seminar_id=full.id)
    # A closed seminar still to come, and two interest subscriptions (links to their pages).
    closed = factories.seminar(registration_closes_at=now - timedelta(days=1))
    pending_subscription = factories.subscription(
        "unbestaetigt@example.org", topic_id=upcoming.topic_id, status="pending"
    )
    subscription = factories.subscription("bestaetigt@example.org", seminar_id=closed.id)
    db.session.commit()
    # Delivery of the mails queued above is tried now, not after the first request of a test.
    send_committed()
    return World(
        upcoming=upcoming.id,
        finished=finished.id,
        draft=draft.id,
        venue=upcoming.venue_id,
        topic=upcoming.topic_id,
        other_user=other.id,
        other_email=other.email,
        confirmed=people[0].id,
        confirmed_token=_token(people[0]),
        pending_token=_token(people[3]),
        offered_token=_token(people[2]),
        offered=people[2].id,
        attended=attendees[1].id,
        certified=attendees[0].id,
        certified_token=_token(attendees[0]),
        certificate=certificate.id,
        survey_token=next(tokens).rsplit("/", 1)[-1],
        paper_code=survey_links.show_code(
            survey_links.paper_code(paper_seminar.id, paper_person.id)
        ),
        text_question=text_question.id,
        response=response.id,
        person_email=people[0].email,
        reset_token=links.token_for(other, links.RESET, now=now),
        task=task,
        provider=provider.id,
        material=material.id,
        supported=supported.id,
        call=call,
        letter=letter,
        full=full.id,
        closed=closed.id,
        pending_subscription_token=interest_links.token_for(pending_subscription),
        subscription_token=interest_links.token_for(subscription),
    )


def fingerprint() -> dict[str, str]:
    """A digest of every table's rows, to tell whether a request changed anything."""
    db.session.expire_all()
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))
