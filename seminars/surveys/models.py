"""Questionnaires, invitations and responses.

Anonymity by construction (the README's privacy section has the whole design). Three tables
take part, and none of them can be joined to another without the application's secret:

- ``SurveyInvitee`` remembers that a registration was invited and reminded (so that nobody is
  invited twice). It names the person but no invitation.
- ``SurveyInvitation`` is a link: the seminar, the questionnaire, the SHA-256 of the token and
  when it closes. It names no person, is written once, in shuffled order, and never changed.
- ``SurveyResponse`` holds the seminar, the questionnaire version and the answers. Its
  ``ballot`` is a keyed hash of the token (HMAC under the secret): unique, so a link answers
  once, but useless to anyone without the secret. Writing a response touches no other row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminars.core.db_types import UTCDateTime
from seminars.extensions import Model

KIND_SCALE = "scale5"
KIND_CHOICE = "choice"
KIND_YES_NO = "yes_no"
KIND_TEXT = "text"
KINDS = (KIND_SCALE, KIND_CHOICE, KIND_YES_NO, KIND_TEXT)


class SurveyTemplate(Model):
    __tablename__ = "survey_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="template", order_by="SurveyQuestion.position", lazy="raise_on_sql"
    )


class SurveyQuestion(Model):
    """One version of a question. Its key stays the same across versions, so years compare."""

    __tablename__ = "survey_question"
    __table_args__ = (
        CheckConstraint("kind IN ('scale5', 'choice', 'yes_no', 'text')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("survey_template.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(20))
    text_de: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    # For single choice: [{"value": ..., "de": ..., "en": ...}]
    options: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    online_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Replaced by a newer version (or removed): no longer asked, still counted.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    template: Mapped[SurveyTemplate] = relationship(back_populates="questions", lazy="raise_on_sql")

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" and self.text_en else self.text_de


class SurveyInvitee(Model):
    """That a registration was invited (and reminded): keeps invitations to one per person.

    Deliberately without any reference to the invitation (the link) it was sent."""

    __tablename__ = "survey_invitee"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyInvitation(Model):
    """A single-use link. Names no person and is never updated after it was written."""

    __tablename__ = "survey_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_template.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyResponse(Model):
    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("seminar.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_template.id"))
    # HMAC of the link's token under the secret: one response per link, no way back to it.
    ballot: Mapped[str] = mapped_column(String(64), unique=True)
    # {question id: answer}; the question ids say which version was asked.
    answers: Mapped[dict] = mapped_column(JSON)
    # Free-text answers staff read and hid, e.g. because they name a person (question ids).
    hidden: Mapped[list] = mapped_column(JSON, default=list)
    # Free-text answers staff read and released for the steering committee (question ids).
    # Which text waits for review follows from these two lists; nothing else is kept.
    released: Mapped[list] = mapped_column(JSON, default=list)


class SurveyAnswerCount(Model):
    """How many answers of the responses already counted (see ``SurveyAnswerFold``) gave one
    value to one question (by key) in one seminar, by review state for free text.

    Figures read these counts instead of expanding every stored response again; responses
    not yet counted are expanded as before (``seminars.surveys.answer_counts``). No row names a
    response, and no answering transaction writes here: responses are counted later, in
    batches, by housekeeping."""

    __tablename__ = "survey_answer_count"

    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The answer as text ("5", "true", a choice's value); "" for free text.
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    # Review state of free text ("waiting", "released", "hidden"); "" for other kinds.
    state: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class SurveyAnswerFold(Model):
    """One row: the id of the last response counted into ``SurveyAnswerCount``."""

    __tablename__ = "survey_answer_fold"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_response_id: Mapped[int] = mapped_column(Integer, default=0)
