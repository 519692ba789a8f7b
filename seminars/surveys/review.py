"""Staff read every free-text answer before the steering committee may see it.

A text waits for review until staff release it or hide it (it may name a person or reveal a
condition). The decision is kept on the response as question ids in ``released`` or
``hidden``; nothing else is stored, so the review adds no link to a person, an invitation or
a time. Texts from a seminar where fewer than the minimum of people answered that question
are never shown to the steering committee, released or not; staff still read them here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import NotFoundError
from seminars.core.locking import lock_row
from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.surveys import answer_counts
from seminars.surveys.models import KIND_TEXT, SurveyQuestion, SurveyResponse
from seminars.surveys.queries import HIDDEN, RELEASED, STATES, WAITING, answers

__all__ = ["HIDDEN", "RELEASED", "STATES", "WAITING", "hide", "queue", "release"]

# Texts listed at once, oldest first: the queue is worked through from the top.
QUEUE_SHOWN = 50


@dataclass(frozen=True)
class ReviewText:
    response_id: int
    question_id: int
    question_de: str
    question_en: str
    seminar_title: str | None
    seminar_code: str | None
    text: str
    # Fewer than the minimum answered this question in this seminar: never shown to steering.
    too_few: bool

    def question(self, locale: str) -> str:
        return self.question_en if locale == "en" and self.question_en else self.question_de


@dataclass(frozen=True)
class ReviewQueue:
    state: str
    counts: dict[str, int]  # texts per state
    texts: list[ReviewText]  # the first QUEUE_SHOWN of the chosen state

    @property
    def waiting(self) -> int:
        return self.counts.get(WAITING, 0)


def queue(state: str, *, minimum: int) -> ReviewQueue:
    """The free-text answers in one review state (waiting, released, hidden)."""
    if state not in STATES:
        state = WAITING
    rows = answers(minimum, text_only=True)
    by_state = db.session.execute(select(rows.c.state, func.count()).group_by(rows.c.state))
    counts = {state: count for state, count in by_state}
    listed = db.session.execute(
        select(
            rows.c.response_id,
            rows.c.question_id,
            SurveyQuestion.text_de,
            SurveyQuestion.text_en,
            Seminar.title,
            Seminar.code,
            rows.c.value,
            rows.c.safe,
        )
        .join(SurveyQuestion, SurveyQuestion.id == rows.c.question_id)
        .outerjoin(Seminar, Seminar.id == rows.c.seminar_id)
        .where(rows.c.state == state)
        .order_by(rows.c.response_id, SurveyQuestion.position, rows.c.question_id)
        .limit(QUEUE_SHOWN)
    ).all()
    texts = [
        ReviewText(response_id, question_id, text_de, text_en, title, code, text, not safe)
        for response_id, question_id, text_de, text_en, title, code, text, safe in listed
    ]
    return ReviewQueue(state, {s: counts.get(s, 0) for s in STATES}, texts)


def _decide(
    response_id: int, question_id: int, state: str, *, actor: Actor | None
) -> SurveyResponse:
    # Locked before its lists are read: two decisions about one response at once (a double
    # click, two staff members in the queue) would otherwise both start from the same lists,
    # the second overwrite the first, and both move the answer in the counts.
    response = lock_row(SurveyResponse, response_id)
    question = db.session.get(SurveyQuestion, question_id)
    if (
        response is None
        or question is None
        or question.kind != KIND_TEXT
        or str(question_id) not in (response.answers or {})
    ):
        raise NotFoundError()
    before = answer_counts.text_state(response.hidden, response.released, question_id)
    released = [q for q in (response.released or []) if q != question_id]
    hidden = [q for q in (response.hidden or []) if q != question_id]
    if state == RELEASED:
        released.append(question_id)
    else:
        hidden.append(question_id)
    response.released, response.hidden = released, hidden
    db.session.flush()
    answer_counts.move_text(response, question, before, RELEASED if state == RELEASED else HIDDEN)
    # The ids only: never the text, the seminar or anything else about the respondent.
    action = "survey.release_text" if state == RELEASED else "survey.hide_text"
    record(actor, action, after={"response": response_id, "question": question_id})
    return response


def release(response_id: int, question_id: int, *, actor: Actor | None) -> SurveyResponse:
    """Release a text for the steering committee (it may have been hidden before)."""
    return _decide(response_id, question_id, RELEASED, actor=actor)


def hide(response_id: int, question_id: int, *, actor: Actor | None) -> SurveyResponse:
    """Hide a text from the steering committee for good (it may have been released before)."""
    return _decide(response_id, question_id, HIDDEN, actor=actor)
