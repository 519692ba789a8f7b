"""Admins keep the questionnaire; a question with answers is never reworded in place, and no
question ever changes its kind in place."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db
from seminars.surveys.models import KINDS, SurveyQuestion, SurveyResponse
from seminars.surveys.services import active_template


@dataclass(frozen=True)
class QuestionData:
    key: str
    kind: str
    text_de: str
    text_en: str
    position: int = 100
    online_only: bool = False
    retired: bool = False


def questions() -> list[SurveyQuestion]:
    template = active_template()
    return list(
        db.session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.template_id == template.id)
            .order_by(
                SurveyQuestion.retired,
                SurveyQuestion.position,
                SurveyQuestion.key,
                SurveyQuestion.version,
            )
        )
    )


def has_answers(question_id: int) -> bool:
    pattern = f'%"{question_id}":%'
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(cast(SurveyResponse.answers, Text).like(pattern))
        )
    )


def save_question(
    question_id: int | None, data: QuestionData, *, actor: Actor | None
) -> SurveyQuestion:
    """New questions are added; changed wording of an answered question makes a new version
    under the same key (the old one is retired, its answers keep counting for the key).

    A change of kind always makes a new version, answered or not: an answer being stored
    while the change is saved (it read the question just before) commits after it. Under
    the old question's id it keeps the kind it was given for; changed in place, a free text
    would be read as a choice, skip the review and reach the figures as a value. A question
    being retired keeps its kind (nobody is asked it any more). Only the newest version of a
    key can be changed."""
    if data.kind not in KINDS:
        raise DomainError(_l("Unbekannte Art von Frage."), field="kind")
    template = active_template()
    question: SurveyQuestion | None
    if question_id is None:
        taken = db.session.scalar(
            select(func.count())
            .select_from(SurveyQuestion)
            .where(SurveyQuestion.template_id == template.id, SurveyQuestion.key == data.key)
        )
        if taken:
            raise DomainError(_l("Diesen Schlüssel hat schon eine Frage."), field="key")
        question = SurveyQuestion(template_id=template.id, key=data.key, version=1, options=[])
        db.session.add(question)
    else:
        question = db.session.get(SurveyQuestion, question_id)
        if question is None:
            raise NotFoundError()
        latest = db.session.scalar(
            select(func.max(SurveyQuestion.version)).where(
                SurveyQuestion.template_id == question.template_id,
                SurveyQuestion.key == question.key,
            )
        )
        if question.version != latest:  # else two versions of one key could both be asked
            raise DomainError(_l("Diese Frage hat eine neuere Fassung: Bitte ändern Sie diese."))
        if data.retired:  # a question being retired keeps its kind
            data = replace(data, kind=question.kind)
        reworded = (question.text_de, question.text_en, question.kind) != (
            data.text_de,
            data.text_en,
            data.kind,
        )
        if question.kind != data.kind or (reworded and has_answers(question.id)):
            question.retired = True
            question = SurveyQuestion(
                template_id=template.id,
                key=question.key,
                version=question.version + 1,
                options=question.options,
            )
            db.session.add(question)
    question.kind = data.kind
    question.text_de = data.text_de
    question.text_en = data.text_en
    question.position = data.position
    question.online_only = data.online_only
    question.retired = data.retired
    db.session.flush()
    after = {"key": question.key, "version": question.version, "retired": question.retired}
    record(actor, "survey.question", after=after)
    return question
