"""Questionnaires, invitations and responses.

Anonymity by construction: a response row holds the seminar, the questionnaire version, the
answers and the day it was sent, and nothing that leads back to a person: no invitation, no
registration, no time of day. The invitation only remembers that it was used.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import db

KIND_SCALE = "scale5"
KIND_CHOICE = "choice"
KIND_YES_NO = "yes_no"
KIND_TEXT = "text"
KINDS = (KIND_SCALE, KIND_CHOICE, KIND_YES_NO, KIND_TEXT)


class SurveyTemplate(db.Model):
    __tablename__ = "survey_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="template", order_by="SurveyQuestion.position", lazy="raise_on_sql"
    )


class SurveyQuestion(db.Model):
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


class SurveyInvitation(db.Model):
    """A single-use link for one participant. Knows whether it was used, not what was said."""

    __tablename__ = "survey_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), unique=True
    )
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_template.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_salt: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResponse(db.Model):
    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("seminar.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[int] = mapped_column(ForeignKey("survey_template.id"))
    # {question id: answer}; the question ids say which version was asked.
    answers: Mapped[dict] = mapped_column(JSON)
    # The day only: a time would let someone match a response to a person's visit.
    submitted_on: Mapped[date] = mapped_column(Date)
    # Free-text answers staff read and hid, e.g. because they name a person (question ids).
    hidden: Mapped[list] = mapped_column(JSON, default=list)
    # Free-text answers staff read and released for the steering committee (question ids).
    # Which text waits for review follows from these two lists; nothing else is kept.
    released: Mapped[list] = mapped_column(JSON, default=list)
