"""The demo's most recent past seminar, taken through its later stages as staff and
participants would have: attendance at every session, certificates for those who attended,
survey invitations, and answers.

Everything goes through the real services. The answers in particular are submitted with each
participant's survey link (``surveys.links``), in an order nobody records, so the demo keeps
the survey's design: no response points to a person. Enough people answer for the figures to
pass the minimum group rule (``SURVEY_MIN_RESPONSES``), so the statistics show something.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from seminars.certificates import services as certificates
from seminars.demo import data
from seminars.extensions import db
from seminars.outbox.models import STATUS_SENT, OutboxMessage
from seminars.programme.models import SeminarSession
from seminars.registrations import staff
from seminars.surveys import links
from seminars.surveys import services as surveys
from seminars.surveys.models import (
    KIND_CHOICE,
    KIND_SCALE,
    KIND_TEXT,
    KIND_YES_NO,
    SurveyInvitee,
)

# Share of the invited who answer (at least the minimum group, if that many were invited).
ANSWERING = 0.7
# Answers to the scale questions lean to the good side, as real ones do.
SCALE_WEIGHTS = {"5": 5, "4": 6, "3": 2, "2": 1}


@dataclass
class CompletedSeminar:
    seminar_id: int
    present: int
    certificates: int
    invited: int
    answers: int


def latest_past_seminar(now: datetime) -> tuple[int, datetime] | None:
    """(id, end of its last session) of the seminar that ended last before ``now``."""
    ends = (
        select(SeminarSession.seminar_id, func.max(SeminarSession.ends_at).label("ends_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    row = db.session.execute(
        select(ends.c.seminar_id, ends.c.ends_at)
        .where(ends.c.ends_at <= now)
        .order_by(ends.c.ends_at.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def complete_latest_past_seminar(rng: random.Random, now: datetime) -> CompletedSeminar | None:
    found = latest_past_seminar(now)
    if found is None:
        return None
    seminar_id, ended_at = found
    present = _record_attendance(rng, seminar_id)
    issued_at = min(ended_at + timedelta(days=2), now)
    issued = certificates.issue_all(seminar_id, actor=None, now=issued_at).issued
    _mark_mail_sent(issued_at)
    invited_at = min(ended_at + timedelta(hours=20), now)
    invited = surveys.invite_participants(seminar_id, ended_at=ended_at, now=invited_at)
    _mark_mail_sent(invited_at)
    answers = _answer(rng, seminar_id, invited_at, now)
    return CompletedSeminar(seminar_id, present, issued, invited, answers)


def _record_attendance(rng: random.Random, seminar_id: int) -> int:
    """Everyone confirmed came to every session, but one."""
    sheet = staff.attendance_of(seminar_id)
    people = sorted(r.id for r in sheet.people)
    absent = {rng.choice(people)} if len(people) > 3 else set()
    for session in sheet.sessions:
        staff.record_attendance(
            seminar_id, session.id, set(people) - absent, actor=None, now=session.ends_at
        )
    return len(people) - len(absent)


def _answer(rng: random.Random, seminar_id: int, invited_at: datetime, now: datetime) -> int:
    """Some of the invited answer, through their links, in an order that is not kept."""
    invited = list(
        db.session.scalars(
            select(SurveyInvitee.registration_id)
            .where(SurveyInvitee.seminar_id == seminar_id)
            .order_by(SurveyInvitee.registration_id)
        )
    )
    tokens = [links.survey_token(seminar_id, registration_id) for registration_id in invited]
    # Which person answered, and in which order, is left to chance (as in real life), not to
    # the demo's seeded generator: nobody can replay it.
    random.SystemRandom().shuffle(tokens)
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    answering = max(minimum, round(len(tokens) * ANSWERING))
    answered = 0
    moment = invited_at
    for token in tokens[:answering]:
        moment = min(moment + timedelta(hours=rng.randint(1, 30)), now)
        survey = surveys.open_survey(token, now=moment)
        # The first few write something, so that the free-text questions reach the minimum
        # and staff have answers to review and release.
        writes = answered < minimum
        raw = {
            f"q{q.id}": _raw_answer(rng, q.kind, q.options, writes=writes) for q in survey.questions
        }
        surveys.submit(token, {k: v for k, v in raw.items() if v}, now=moment)
        answered += 1
    return answered


def _raw_answer(rng: random.Random, kind: str, options: list, *, writes: bool = False) -> str:
    """An answer as the form would send it; ``writes``: this person answers the free-text
    questions (else about a third do)."""
    if kind == KIND_SCALE:
        return rng.choices(list(SCALE_WEIGHTS), weights=list(SCALE_WEIGHTS.values()))[0]
    if kind == KIND_YES_NO:
        return "yes" if rng.random() < 0.85 else "no"
    if kind == KIND_CHOICE and options:
        return rng.choice(options)["value"]
    if kind == KIND_TEXT and (writes or rng.random() < 0.3):
        return rng.choice(data.SURVEY_TEXTS)
    return ""


def _mark_mail_sent(written: datetime) -> None:
    """The mails of the step just done left when they were written (see ``services``)."""
    keep_bodies = current_app.config["OUTBOX_KEEP_SENT_BODIES"]
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status != STATUS_SENT)
    ):
        message.status = STATUS_SENT
        message.attempts = 1
        message.created_at = message.next_attempt_at = message.sent_at = written
        if not keep_bodies:
            message.recipient = message.body_text = message.body_html = ""
            message.attachments = []
    db.session.flush()
