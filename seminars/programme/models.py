"""The programme: topics, venues, instructors, seminars and their sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model, db

FORMAT_IN_PERSON = "in_person"
FORMAT_ONLINE = "online"
FORMAT_HYBRID = "hybrid"
FORMATS = (FORMAT_IN_PERSON, FORMAT_ONLINE, FORMAT_HYBRID)

STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"
STATUS_CANCELLED = "cancelled"
SEMINAR_STATUSES = (STATUS_DRAFT, STATUS_PUBLISHED, STATUS_CANCELLED)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Topic(Model):
    """A Themenbereich such as group leadership or legal basics."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_de


class Venue(Model):
    """A place where seminars happen, with what a disabled visitor needs to know."""

    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(100), index=True)
    step_free_access: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_toilet: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_parking: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    # County key (``registrations/counties.py``) for programme alerts and demand figures.
    county: Mapped[str | None] = mapped_column(String(60))
    directions: Mapped[str] = mapped_column(Text, default="")

    @property
    def address_line(self) -> str:
        place = " ".join(part for part in (self.postcode, self.town) if part)
        return ", ".join(part for part in (self.street, place) if part)


seminar_instructor = Table(
    "seminar_instructor",
    db.metadata,
    Column("seminar_id", ForeignKey("seminar.id", ondelete="CASCADE"), primary_key=True),
    Column("instructor_id", ForeignKey("instructor.id", ondelete="CASCADE"), primary_key=True),
)


class Instructor(Model):
    __tablename__ = "instructor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")


class Seminar(Model):
    __tablename__ = "seminar"
    __table_args__ = (
        CheckConstraint(_in_list("format", FORMATS), name="format"),
        CheckConstraint(_in_list("status", SEMINAR_STATUSES), name="status"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("waitlist_capacity >= 0", name="waitlist_capacity"),
        CheckConstraint("teaching_units >= 0", name="teaching_units"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key used by the programme import to update instead of duplicating.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(20), default=FORMAT_IN_PERSON)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), index=True)
    # Only confirmed participants ever see this link; it is never part of a public page or feed.
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    # How many people may wait for a freed seat; 0 means no waitlist.
    waitlist_capacity: Mapped[int] = mapped_column(Integer, default=10)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    teaching_units: Mapped[int] = mapped_column(Integer, default=0)
    # Sessions needed for a certificate; None: CERTIFICATE_MIN_ATTENDANCE (0 there: all).
    certificate_min_sessions: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A new date of a full seminar: the people still waiting there are offered seats here
    # when it is published (``repeat_offers_at`` records that it happened, once).
    repeat_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("seminar.id", ondelete="SET NULL"), index=True
    )
    repeat_offers_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised by every update: two people saving the same seminar cannot overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    topic: Mapped[Topic] = relationship(lazy="raise_on_sql")
    venue: Mapped[Venue | None] = relationship(lazy="raise_on_sql")
    sessions: Mapped[list[SeminarSession]] = relationship(
        back_populates="seminar",
        order_by="SeminarSession.starts_at",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )
    instructors: Mapped[list[Instructor]] = relationship(
        secondary=seminar_instructor, order_by=Instructor.name, lazy="raise_on_sql"
    )

    def has_taken_place(self, now: datetime) -> bool:
        """Its last session is over (never for a seminar without sessions); needs the
        sessions loaded."""
        return bool(self.sessions) and max(s.ends_at for s in self.sessions) <= now


class SeminarSession(Model):
    """One meeting of a seminar (a seminar day, or an evening of an online series)."""

    __tablename__ = "seminar_session"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    seminar: Mapped[Seminar] = relationship(back_populates="sessions", lazy="raise_on_sql")
