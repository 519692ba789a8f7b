"""Inviting participants to the evaluation and storing their answers without them."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from seminars.core.changed_rows import claim_once
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_row
from seminars.core.unit_of_work import unit
from seminars.core.urls import external_url
from seminars.extensions import db
from seminars.outbox.models import CHANNEL_EMAIL, CHANNEL_LETTER
from seminars.programme.models import FORMAT_IN_PERSON, STATUS_CANCELLED, Seminar, SeminarSession
from seminars.registrations import delivery
from seminars.registrations.channels import CHANNEL_PHONE
from seminars.registrations.mails import text_to_html
from seminars.registrations.models import STATUS_CONFIRMED, Attendance, Registration
from seminars.surveys import links
from seminars.surveys.models import (
    KIND_CHOICE,
    KIND_SCALE,
    KIND_TEXT,
    KIND_YES_NO,
    SurveyInvitation,
    SurveyInvitee,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)

DEFAULT_TEMPLATE = "standard"
MAX_TEXT = 2000
_shuffle = random.SystemRandom().shuffle
ALREADY_ANSWERED = _l("Vielen Dank! Ihre Antworten sind schon bei uns angekommen.")


class SurveyLinkGone(DomainError):
    status_code = 410
    default_message = _l("Dieser Link zur Befragung ist nicht mehr gültig.")


class SurveyAnswered(SurveyLinkGone):
    """The link (or code) was used: its ballot is there."""


class SurveyClosed(SurveyLinkGone):
    """The survey of the link's seminar has ended."""


class UnknownSurveyLink(NotFoundError):
    default_message = _l("Diesen Link zur Befragung kennen wir nicht.")


def _days(name: str) -> timedelta:
    return timedelta(days=current_app.config[name])


def active_template() -> SurveyTemplate:
    template = db.session.scalars(
        select(SurveyTemplate).where(SurveyTemplate.key == DEFAULT_TEMPLATE)
    ).one_or_none()
    if template is None:
        raise NotFoundError()
    return template


def current_questions(template_id: int, *, online: bool) -> list[SurveyQuestion]:
    questions = db.session.scalars(
        select(SurveyQuestion)
        .where(SurveyQuestion.template_id == template_id, SurveyQuestion.retired.is_(False))
        .order_by(SurveyQuestion.position, SurveyQuestion.id)
    ).all()
    return [q for q in questions if online or not q.online_only]


# -- invitations ----------------------------------------------------------------------------


def _ended_seminars(now: datetime) -> list[tuple[int, datetime, str]]:
    """Seminars whose last session ended within the survey period: (id, end, format)."""
    ends = (
        select(SeminarSession.seminar_id, func.max(SeminarSession.ends_at).label("ends_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Seminar.id, ends.c.ends_at, Seminar.format)
        .join(ends, ends.c.seminar_id == Seminar.id)
        .where(
            Seminar.status != STATUS_CANCELLED,
            ends.c.ends_at <= now,
            ends.c.ends_at > now - _days("SURVEY_OPEN_DAYS"),
        )
    ).all()
    return [tuple(row) for row in rows]


def _invitees(seminar_id: int, ended_at: datetime, now: datetime) -> list[int]:
    """Attendees; where attendance was not recorded within the grace days, every confirmed
    participant. People already invited are left out."""
    recorded = db.session.scalar(
        select(
            exists().where(
                Attendance.session_id == SeminarSession.id, SeminarSession.seminar_id == seminar_id
            )
        )
    )
    not_invited = ~exists().where(SurveyInvitee.registration_id == Registration.id)
    # Someone reached only by phone, without an address, cannot get a questionnaire (a survey
    # is not read out): not invited, so the response rate does not count them.
    unreachable = and_(
        Registration.channel == CHANNEL_PHONE,
        or_(Registration.street == "", Registration.postcode == "", Registration.city == ""),
    )
    base = (
        select(Registration.id)
        .where(
            Registration.seminar_id == seminar_id,
            Registration.status == STATUS_CONFIRMED,
            not_invited,
            ~unreachable,
        )
        .order_by(Registration.id)
    )
    if recorded:
        present = exists().where(
            Attendance.registration_id == Registration.id, Attendance.present.is_(True)
        )
        return list(db.session.scalars(base.where(present)))
    if now >= ended_at + _days("SURVEY_ATTENDANCE_GRACE_DAYS"):
        return list(db.session.scalars(base))
    return []


def survey_url(seminar_id: int, registration_id: int) -> str:
    return external_url("surveys.answer", token=links.survey_token(seminar_id, registration_id))


def by_letter(registration: Registration) -> bool:
    """Whether an invitation now would go on paper: a letter with the questionnaire and a
    code to send it back, instead of a link."""
    return delivery.channel_for(registration, "survey_invitation") == CHANNEL_LETTER


def credential(seminar_id: int, registration_id: int, *, paper: bool) -> str:
    """What the person answers with: the paper code or the link's token."""
    if paper:
        return links.paper_code(seminar_id, registration_id)
    return links.survey_token(seminar_id, registration_id)


def invited_on_paper(seminar_id: int, registration_id: int) -> bool:
    """Whether this person's invitation was a paper code (the reminder repeats what was
    sent). Found by the code's hash, like an answer: nothing stored points to it."""
    code_hash = links.token_hash(links.paper_code(seminar_id, registration_id))
    return db.session.execute(
        select(exists().where(SurveyInvitation.token_hash == code_hash))
    ).scalar_one()


def _mail_invitation(
    registration: Registration,
    seminar: Seminar,
    closes_at: datetime,
    *,
    reminder: bool,
    paper: bool,
) -> bool:
    """Write the invitation (or reminder): a mail with the link or, for ``paper``, a letter
    with the code and the return date (the letters add the printed questionnaire).
    Returns whether a message was written."""
    from flask import render_template
    from flask_babel import force_locale
    from flask_babel import gettext as _

    kind = "survey_reminder" if reminder else "survey_invitation"
    channel = CHANNEL_LETTER if paper else CHANNEL_EMAIL
    if paper and delivery.channel_for(registration, "survey_invitation") != CHANNEL_LETTER:
        return False  # no address any more to send the reminder letter to
    if not paper and not registration.email:
        return False  # the link went by mail; no address for a reminder now
    with force_locale(registration.locale or "de"):
        subject = (
            _("Erinnerung: Wie war das Seminar „%(title)s“?", title=seminar.title)
            if reminder
            else _("Wie war das Seminar „%(title)s“?", title=seminar.title)
        )
        body = (
            render_template(
                "mail/survey_invitation.txt",
                registration=registration,
                seminar=seminar,
                letter=paper,
                url="" if paper else survey_url(seminar.id, registration.id),
                code=links.show_code(links.paper_code(seminar.id, registration.id))
                if paper
                else "",
                closes=closes_at,
                reminder=reminder,
                academy=current_app.config["ACADEMY_NAME"],
            ).strip()
            + "\n"
        )
        html = (
            ""
            if paper
            else render_template("mail/layout.html", subject=subject, body=text_to_html(body))
        )
    written = delivery.send(
        registration,
        kind=kind,
        channel=channel,
        subject=subject,
        body_text=body,
        body_html=html,
    )
    return written is not None


def _invite(seminar: Seminar, registration_ids: list[int], template_id: int, now: datetime) -> None:
    """One batch: the links in shuffled order, then who was invited, then the mails in
    registration order, so that neither ids nor row order pair a link with a person."""
    seminar_id = seminar.id
    closes_at = now + _days("SURVEY_OPEN_DAYS")
    registrations = {}
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        assert registration is not None  # listed under the seminar's lock a moment ago
        registrations[registration_id] = registration
    # Decided per person before anything is written; a paper code takes the place of the link
    # in the same shuffled batch, so nothing tells which row went on paper to whom.
    paper = {rid: by_letter(registration) for rid, registration in registrations.items()}
    shuffled = list(registration_ids)
    _shuffle(shuffled)
    db.session.execute(
        insert(SurveyInvitation),
        [
            {
                "seminar_id": seminar_id,
                "template_id": template_id,
                "token_hash": links.token_hash(
                    credential(seminar_id, registration_id, paper=paper[registration_id])
                ),
                "closes_at": closes_at,
            }
            for registration_id in shuffled
        ],
    )
    db.session.execute(
        insert(SurveyInvitee),
        [
            {"registration_id": registration_id, "seminar_id": seminar_id, "invited_at": now}
            for registration_id in registration_ids
        ],
    )
    for registration_id in registration_ids:
        _mail_invitation(
            registrations[registration_id],
            seminar,
            closes_at,
            reminder=False,
            paper=paper[registration_id],
        )


def invite_participants(seminar_id: int, *, ended_at: datetime, now: datetime) -> int:
    """Invite the participants of one seminar that ended at ``ended_at`` who are not invited
    yet, under the seminar's lock (one runner per seminar at a time). Returns how many."""
    seminar = lock_row(Seminar, seminar_id)
    if seminar is None:
        return 0  # deleted since it was listed
    invitees = _invitees(seminar_id, ended_at, now)
    if invitees:
        _invite(seminar, invitees, active_template().id, now)
    return len(invitees)


def send_invitations(now: datetime) -> int:
    """Invite the participants of seminars that have ended; each person once."""
    sent = 0
    for seminar_id, ended_at, _format in _ended_seminars(now):
        # One unit: one seminar's invitations, links and mails. A failing seminar keeps the
        # ones before it.
        with unit():
            sent += invite_participants(seminar_id, ended_at=ended_at, now=now)
    return sent


def send_reminders(now: datetime) -> int:
    """One reminder, ``SURVEY_REMINDER_DAYS`` after the invitation, while the survey is open.

    Everyone invited is reminded, whether they answered or not: which links were used is
    something this application does not know, so that nobody can learn it from its data.
    Whoever was invited on paper gets a reminder letter with the same code and return date
    (and the questionnaire again); the others a mail with the same link, if they have an
    address for it."""
    open_for = _days("SURVEY_OPEN_DAYS")
    due = list(
        db.session.execute(
            select(SurveyInvitee.id, SurveyInvitee.invited_at).where(
                SurveyInvitee.reminded_at.is_(None),
                SurveyInvitee.invited_at <= now - _days("SURVEY_REMINDER_DAYS"),
            )
        )
    )
    sent = 0
    for invitee_id, invited_at in due:
        if invited_at + open_for <= now:
            continue  # closed: nothing to remind of
        # One unit: one person's reminder, claimed by a conditional update (a second runner
        # finds nothing left to claim) together with its mail.
        with unit():
            if claim_once(SurveyInvitee.reminded_at, invitee_id, now):
                invitee = db.session.get(SurveyInvitee, invitee_id)
                assert invitee is not None  # the update above has just changed (and locked) it
                registration = db.session.get(Registration, invitee.registration_id)
                seminar = db.session.get(Seminar, invitee.seminar_id)
                if registration is not None and seminar is not None:
                    paper = invited_on_paper(seminar.id, registration.id)
                    closes_at = invited_at + open_for
                    if _mail_invitation(
                        registration, seminar, closes_at, reminder=True, paper=paper
                    ):
                        sent += 1
    return sent


# -- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenSurvey:
    invitation: SurveyInvitation
    seminar: Seminar
    questions: list[SurveyQuestion]


def find_invitation(token: str) -> SurveyInvitation:
    """The invitation of a link's token or of a paper code (in its stored form)."""
    if links.canonical(token) != token:
        raise UnknownSurveyLink()
    invitation = db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.token_hash == links.token_hash(token))
    ).one_or_none()
    if invitation is None:
        raise UnknownSurveyLink()
    return invitation


def _answered(token: str) -> bool:
    return db.session.execute(
        select(exists().where(SurveyResponse.ballot == links.ballot(token)))
    ).scalar_one()


def open_survey(token: str, *, now: datetime, grace: timedelta = timedelta(0)) -> OpenSurvey:
    """The questionnaire behind a link (or a code typed online, or on paper: then with
    ``grace`` after the closing time for letters still in the post)."""
    token = links.canonical(token) or token
    invitation = find_invitation(token)
    if _answered(token):
        raise SurveyAnswered(ALREADY_ANSWERED)
    if invitation.closes_at + grace <= now:
        raise SurveyClosed(_l("Die Befragung zu diesem Seminar ist inzwischen beendet."))
    seminar = db.session.get(Seminar, invitation.seminar_id)
    if seminar is None:  # deleted a moment ago, and the invitation with it
        raise UnknownSurveyLink()
    questions = current_questions(invitation.template_id, online=seminar.format != FORMAT_IN_PERSON)
    return OpenSurvey(invitation, seminar, questions)


def clean_answer(question: SurveyQuestion, raw: str | None):
    """The stored form of one answer, or None when it was skipped or is not valid."""
    if raw is None or raw == "":
        return None
    if question.kind == KIND_SCALE:
        return int(raw) if raw in {"1", "2", "3", "4", "5"} else None
    if question.kind == KIND_YES_NO:
        return {"yes": True, "no": False}.get(raw)
    if question.kind == KIND_CHOICE:
        return raw if raw in {o["value"] for o in question.options} else None
    if question.kind == KIND_TEXT:
        text = "".join(ch for ch in raw if ch == "\n" or ch >= " ").strip()
        return text[:MAX_TEXT] or None
    return None


def submit(
    token: str, raw_answers: dict[str, str], *, now: datetime, grace: timedelta = timedelta(0)
) -> SurveyResponse:
    """Store one response; its ballot uses the link up.

    The transaction writes this one row and nothing else: no invitation is updated or locked
    (a row lock would leave this transaction's id on the invitation). Two submissions at once
    meet at the unique ballot, and the second is told the answers arrived. The request has
    opened the write transaction already."""
    token = links.canonical(token) or token
    survey = open_survey(token, now=now, grace=grace)
    answers = {}
    for question in survey.questions:
        value = clean_answer(question, raw_answers.get(f"q{question.id}"))
        if value is not None:
            answers[str(question.id)] = value
    response = SurveyResponse(
        seminar_id=survey.invitation.seminar_id,
        template_id=survey.invitation.template_id,
        ballot=links.ballot(token),
        answers=answers,
        hidden=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        raise SurveyAnswered(ALREADY_ANSWERED) from None
    return response


def response_rate(seminar_ids: list[int]) -> tuple[int, int]:
    """(invitations, responses) for some seminars."""
    invited = db.session.execute(
        select(func.count())
        .select_from(SurveyInvitation)
        .where(SurveyInvitation.seminar_id.in_(seminar_ids))
    ).scalar_one()
    answered = db.session.execute(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.seminar_id.in_(seminar_ids))
    ).scalar_one()
    return invited, answered


def void_links(registrations: list[tuple[int, int]]) -> None:
    """Erasure: the survey links (or paper codes) of these (seminar id, registration id)
    pairs stop working. The invitation rows stay (they count for the response rate) under a
    random hash."""
    hashes = [
        links.token_hash(credential(seminar_id, registration_id, paper=paper))
        for seminar_id, registration_id in registrations
        for paper in (False, True)
    ]
    for token_hash in hashes:
        db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.token_hash == token_hash)
            .values(token_hash=secrets.token_hex(32))
            .execution_options(synchronize_session=False)
        )
