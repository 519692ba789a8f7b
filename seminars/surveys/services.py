"""Inviting participants to the evaluation and storing their answers without them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update

from seminars.catalogue.models import FORMAT_IN_PERSON, STATUS_CANCELLED, Seminar, SeminarSession
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import begin_write, lock_row
from seminars.core.timezone import berlin_date
from seminars.core.urls import external_url
from seminars.extensions import db
from seminars.outbox.services import queue_mail
from seminars.registrations import tokens
from seminars.registrations.mails import text_to_html
from seminars.registrations.models import STATUS_CONFIRMED, Attendance, Registration
from seminars.surveys.models import (
    KIND_CHOICE,
    KIND_SCALE,
    KIND_TEXT,
    KIND_YES_NO,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)

DEFAULT_TEMPLATE = "standard"
MAX_TEXT = 2000


class SurveyLinkGone(DomainError):
    status_code = 410
    default_message = _l("Dieser Link zur Befragung ist nicht mehr gültig.")


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
        select(exists().where(
            Attendance.session_id == SeminarSession.id, SeminarSession.seminar_id == seminar_id
        ))
    )  # fmt: skip
    not_invited = ~exists().where(SurveyInvitation.registration_id == Registration.id)
    base = select(Registration.id).where(
        Registration.seminar_id == seminar_id,
        Registration.status == STATUS_CONFIRMED,
        not_invited,
    )
    if recorded:
        present = exists().where(
            Attendance.registration_id == Registration.id, Attendance.present.is_(True)
        )
        return list(db.session.scalars(base.where(present)))
    if now >= ended_at + _days("SURVEY_ATTENDANCE_GRACE_DAYS"):
        return list(db.session.scalars(base))
    return []


def survey_url(invitation: SurveyInvitation) -> str:
    return external_url(
        "surveys.answer", token=tokens.token_for(invitation.id, invitation.token_salt)
    )


def _mail_invitation(invitation: SurveyInvitation, registration: Registration, *, reminder: bool):
    from flask import render_template
    from flask_babel import force_locale
    from flask_babel import gettext as _

    seminar = db.session.get(Seminar, invitation.seminar_id)
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
                url=survey_url(invitation),
                closes=invitation.closes_at,
                reminder=reminder,
                academy=current_app.config["ACADEMY_NAME"],
            ).strip()
            + "\n"
        )
        html = render_template("mail/layout.html", subject=subject, body=text_to_html(body))
    queue_mail(
        kind="survey_reminder" if reminder else "survey_invitation",
        recipient=registration.email,
        subject=subject,
        body_text=body,
        body_html=html,
        registration_id=registration.id,
    )


def send_invitations(now: datetime) -> int:
    """Invite the participants of seminars that have ended; each person once."""
    template = active_template()
    sent = 0
    for seminar_id, ended_at, _format in _ended_seminars(now):
        db.session.commit()
        lock_row(Seminar, seminar_id)  # one runner per seminar at a time
        for registration_id in _invitees(seminar_id, ended_at, now):
            registration = db.session.get(Registration, registration_id)
            invitation = SurveyInvitation(
                registration_id=registration_id,
                seminar_id=seminar_id,
                template_id=template.id,
                token_salt=tokens.new_salt(),
                token_hash="-",
                created_at=now,
                closes_at=now + _days("SURVEY_OPEN_DAYS"),
            )
            db.session.add(invitation)
            db.session.flush()
            invitation.token_hash = tokens.token_hash(
                tokens.token_for(invitation.id, invitation.token_salt)
            )
            _mail_invitation(invitation, registration, reminder=False)
            sent += 1
        db.session.commit()
    return sent


def send_reminders(now: datetime) -> int:
    """One reminder, ``SURVEY_REMINDER_DAYS`` after the invitation, while the survey is open."""
    due = list(
        db.session.scalars(
            select(SurveyInvitation.id).where(
                SurveyInvitation.used.is_(False),
                SurveyInvitation.reminded_at.is_(None),
                SurveyInvitation.created_at <= now - _days("SURVEY_REMINDER_DAYS"),
                SurveyInvitation.closes_at > now,
            )
        )
    )
    db.session.commit()
    sent = 0
    for invitation_id in due:
        begin_write()
        claimed = db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation_id, SurveyInvitation.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            invitation = db.session.get(SurveyInvitation, invitation_id)
            registration = (
                db.session.get(Registration, invitation.registration_id)
                if invitation.registration_id
                else None
            )
            if registration is not None:
                _mail_invitation(invitation, registration, reminder=True)
                sent += 1
        db.session.commit()
    return sent


# -- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenSurvey:
    invitation: SurveyInvitation
    seminar: Seminar
    questions: list[SurveyQuestion]


def find_invitation(token: str) -> SurveyInvitation:
    if not tokens.looks_like_token(token):
        raise UnknownSurveyLink()
    invitation = db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.token_hash == tokens.token_hash(token))
    ).one_or_none()
    if invitation is None:
        raise UnknownSurveyLink()
    return invitation


def open_survey(token: str, *, now: datetime) -> OpenSurvey:
    invitation = find_invitation(token)
    if invitation.used:
        raise SurveyLinkGone(_l("Vielen Dank! Ihre Antworten sind schon bei uns angekommen."))
    if invitation.closes_at <= now:
        raise SurveyLinkGone(_l("Die Befragung zu diesem Seminar ist inzwischen beendet."))
    seminar = db.session.get(Seminar, invitation.seminar_id)
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


def submit(token: str, raw_answers: dict[str, str], *, now: datetime) -> SurveyResponse:
    """Store one response and use up the link, in one transaction under the link's lock:
    two submissions at once store one response."""
    invitation = find_invitation(token)
    db.session.rollback()
    invitation = lock_row(SurveyInvitation, invitation.id)
    survey = open_survey(token, now=now)
    answers = {}
    for question in survey.questions:
        value = clean_answer(question, raw_answers.get(f"q{question.id}"))
        if value is not None:
            answers[str(question.id)] = value
    response = SurveyResponse(
        seminar_id=invitation.seminar_id,
        template_id=invitation.template_id,
        answers=answers,
        submitted_on=berlin_date(now),
        hidden=[],
    )
    db.session.add(response)
    invitation.used = True
    db.session.flush()
    return response


def response_rate(seminar_ids: list[int]) -> tuple[int, int]:
    """(invitations, responses) for some seminars."""
    invited = db.session.scalar(
        select(func.count()).select_from(SurveyInvitation)
        .where(SurveyInvitation.seminar_id.in_(seminar_ids))
    )  # fmt: skip
    answered = db.session.scalar(
        select(func.count()).select_from(SurveyResponse)
        .where(SurveyResponse.seminar_id.in_(seminar_ids))
    )  # fmt: skip
    return invited, answered
