"""Accessibility services as tracked work: one task per seminar and kind of service, the
providers staff book, the notes that settle a venue check and the materials for download.

No table here holds a person: a task counts the people who need it (the count stays when
retention removes their data), a material is a file for everyone with the matching need.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model

TASK_OPEN = "open"
TASK_REQUESTED = "requested"
TASK_BOOKED = "booked"
TASK_CONFIRMED = "confirmed"
TASK_NOT_NEEDED = "not_needed"
TASK_CANCELLED = "cancelled"
TASK_STATUSES = (
    TASK_OPEN,
    TASK_REQUESTED,
    TASK_BOOKED,
    TASK_CONFIRMED,
    TASK_NOT_NEEDED,
    TASK_CANCELLED,
)
# The service will be there: the person is told, the funder report counts it.
TASK_PROVIDED = (TASK_BOOKED, TASK_CONFIRMED)
# Still to be arranged: the start page lists these by urgency.
TASK_PENDING = (TASK_OPEN, TASK_REQUESTED)
# Work is under way with a provider: a need arriving now, or the last one going, is news.
TASK_ENGAGED = (TASK_REQUESTED, TASK_BOOKED, TASK_CONFIRMED)
# Closed without the service.
TASK_CLOSED = (TASK_NOT_NEEDED, TASK_CANCELLED)

_STATUS_LIST = ", ".join(f"'{status}'" for status in TASK_STATUSES)


class ServiceProvider(Model):
    """An interpreting service, a print shop, a caterer: whom staff book (kept by staff)."""

    __tablename__ = "service_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Which kinds of service it offers, comma-separated kind keys (empty: any).
    kinds: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceTask(Model):
    """One accessibility service for one seminar, e.g. sign-language interpreting.

    ``people`` and ``waiting`` are kept by ``tasks.reconcile`` from the seminar's
    registrations (those holding a seat, those on the waitlist) until the seminar has ended;
    ``sessions`` and ``minutes`` from its sessions. Staff set owner, status, provider, costs
    and note (their changes lock the row; the two never write the same columns). Costs are
    in cents.
    """

    __tablename__ = "service_task"
    __table_args__ = (
        UniqueConstraint("seminar_id", "kind", name="uq_service_task_kind"),
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        CheckConstraint("planned_cost_cents IS NULL OR planned_cost_cents >= 0", name="planned"),
        CheckConstraint("actual_cost_cents IS NULL OR actual_cost_cents >= 0", name="actual"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=TASK_OPEN, index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_provider.id", ondelete="SET NULL")
    )
    # A provider not on the list (or details such as the interpreters' names).
    provider_text: Mapped[str] = mapped_column(String(200), default="")
    planned_cost_cents: Mapped[int | None] = mapped_column(Integer)
    actual_cost_cents: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    people: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0)
    # The most people who needed it at once (the report's figure once the seminar is over).
    peak_people: Mapped[int] = mapped_column(Integer, default=0)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the last person needing it left; cleared when someone needs it again.
    unneeded_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[ServiceProvider | None] = relationship(lazy="raise_on_sql")

    @property
    def cost_cents(self) -> int | None:
        """What it cost: the actual cost once entered, else the planned one."""
        return (
            self.actual_cost_cents
            if self.actual_cost_cents is not None
            else self.planned_cost_cents
        )

    @property
    def provider_name(self) -> str:
        parts = [self.provider.name] if self.provider is not None else []
        if self.provider_text:
            parts.append(self.provider_text)
        return ", ".join(parts)


class VenueCheckNote(Model):
    """Staff settled a mismatch between a venue and a need of the seminar's registrations
    (arranged otherwise, or fine for a reason). Bound to the venue: another venue is
    checked afresh."""

    __tablename__ = "venue_check_note"
    __table_args__ = (
        UniqueConstraint("seminar_id", "need", "venue_id", name="uq_venue_check_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    need: Mapped[str] = mapped_column(String(40))
    # "arranged" (staff arranged it otherwise) or "fine" (the note says why it is fine).
    resolution: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceMaterial(Model):
    """A file for a seminar in one format (PDF, DOCX, Easy Read PDF), for the registrants
    whose needs match, from ``available_from`` on. The bytes live under the instance folder
    (``MATERIALS_FOLDER``), named by ``stored_name``."""

    __tablename__ = "service_material"
    __table_args__ = (UniqueConstraint("seminar_id", "format", name="uq_service_material"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    format: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    available_from: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
