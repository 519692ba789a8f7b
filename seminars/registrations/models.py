"""A registration: one person for one seminar.

The flow that creates and changes registrations (double opt-in, waitlist, offers) lives in
this package's services; the catalogue only reads seat use from here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    false,
    func,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model
from seminars.programme.models import Seminar
from seminars.registrations.channels import CHANNEL_EMAIL, CHANNEL_POST, CHANNELS

STATUS_PENDING = "pending"
STATUS_CONFIRMED = "confirmed"
STATUS_WAITLISTED = "waitlisted"
STATUS_OFFERED = "offered"
STATUS_CANCELLED = "cancelled"
STATUS_EXPIRED = "expired"
REGISTRATION_STATUSES = (
    STATUS_PENDING,
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    STATUS_OFFERED,
    STATUS_CANCELLED,
    STATUS_EXPIRED,
)
# Registrations that still take part in the seminar: they hold a seat or a waitlist place.
ACTIVE_STATUSES = (STATUS_PENDING, STATUS_CONFIRMED, STATUS_WAITLISTED, STATUS_OFFERED)
# The only statuses in which a registration may hold a seat (``holds_seat``).
SEAT_STATUSES = (STATUS_PENDING, STATUS_CONFIRMED, STATUS_OFFERED)

_STATUS_LIST = ", ".join(f"'{s}'" for s in REGISTRATION_STATUSES)
_ACTIVE_LIST = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
_SEAT_LIST = ", ".join(f"'{s}'" for s in SEAT_STATUSES)
_IS_PENDING = f"status = '{STATUS_PENDING}'"
_CHANNEL_LIST = ", ".join(f"'{c}'" for c in CHANNELS)


class Registration(Model):
    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        # A seat is held only by a pending, confirmed or offered registration.
        CheckConstraint(
            f"NOT holds_seat OR status IN ({_SEAT_LIST})",
            name="holds_seat_status",
        ),
        # Backstop against double registrations: one active registration per address and seminar.
        Index(
            "uq_registration_active_email",
            "seminar_id",
            "email_normalized",
            unique=True,
            postgresql_where=text(f"status IN ({_ACTIVE_LIST})"),
            sqlite_where=text(f"status IN ({_ACTIVE_LIST})"),
        ),
        CheckConstraint(f"channel IN ({_CHANNEL_LIST})", name="channel"),
        # Someone who wants letters has an address; someone called has a phone number.
        CheckConstraint(
            f"channel != '{CHANNEL_POST}' OR anonymised_at IS NOT NULL "
            "OR (street != '' AND postcode != '' AND city != '')",
            name="post_has_address",
        ),
        Index("ix_registration_seminar_status", "seminar_id", "status"),
        # The caps on unconfirmed registrations count per address and per client.
        Index(
            "ix_registration_pending_email",
            "email_normalized",
            postgresql_where=text(_IS_PENDING),
            sqlite_where=text(_IS_PENDING),
        ),
        Index(
            "ix_registration_pending_client",
            "client_key",
            postgresql_where=text(_IS_PENDING),
            sqlite_where=text(_IS_PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("seminar.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=STATUS_PENDING)
    # True while this registration occupies seats (its own, and its assistant's).
    holds_seat: Mapped[bool] = mapped_column(Boolean, default=False)

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Empty (and ``email_normalized`` NULL) for someone who takes part without e-mail: the
    # uniqueness rules on addresses then never apply to them.
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str | None] = mapped_column(String(254))
    # How the academy reaches the person (``channels.py``); a postal address for letters.
    channel: Mapped[str] = mapped_column(
        String(10), default=CHANNEL_EMAIL, server_default=CHANNEL_EMAIL
    )
    address_extra: Mapped[str] = mapped_column(String(100), default="", server_default="")
    street: Mapped[str] = mapped_column(String(200), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # Keyed hash of the address (see person_key.py); outlives retention and erasure.
    person_key: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    county: Mapped[str | None] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(5), default="de")

    need_sign_language: Mapped[bool] = mapped_column(Boolean, default=False)
    need_speech_to_text: Mapped[bool] = mapped_column(Boolean, default=False)
    need_step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    need_hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    # A personal assistant needs a seat of their own under the same registration.
    need_personal_assistant: Mapped[bool] = mapped_column(Boolean, default=False)
    need_seat_near_screen: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    need_large_print: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    need_braille: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    need_easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    need_handouts_in_advance: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    need_dietary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    needs_other: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")

    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Links carry an HMAC of id and salt; only the token's SHA-256 is stored (see tokens.py).
    token_salt: Mapped[str] = mapped_column(String(32), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by staff to move someone ahead on the waitlist (lower goes first; None: in order).
    queue_priority: Mapped[int | None] = mapped_column(Integer)
    # True when staff registered the person (by phone) and recorded their consent.
    registered_by_staff: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a seat was first offered to this registration (kept after the offer ends).
    first_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A place on a new date (``Seminar.repeat_of_id``): the waitlist registration of the old
    # date it came from, or the interest subscription for the old date.
    moved_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    interest_subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("interest_subscription.id", ondelete="SET NULL"), index=True
    )
    # Set when retention removed the personal data (names, addresses, needs).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # While unconfirmed only: a keyed hash of the client address it came from (see
    # core/clients.py), to cap a client's unconfirmed registrations. Cleared when the
    # registration is confirmed or ends.
    client_key: Mapped[str | None] = mapped_column(String(64))

    seminar: Mapped[Seminar] = relationship(lazy="raise_on_sql")

    @property
    def seats(self) -> int:
        return 2 if self.need_personal_assistant else 1

    @hybrid_property
    def on_waitlist(self) -> bool:
        """Holds a waitlist place, confirmed or not: waitlisted, or unconfirmed without a seat.
        Who of them comes first: ``queue_key`` (in Python) and ``queue_order`` (in SQL)."""
        return self.status == STATUS_WAITLISTED or (
            self.status == STATUS_PENDING and not self.holds_seat
        )

    @on_waitlist.inplace.expression
    @classmethod
    def _on_waitlist_expression(cls):
        return or_(
            cls.status == STATUS_WAITLISTED,
            and_(cls.status == STATUS_PENDING, cls.holds_seat.is_(False)),
        )


# Seats a registration takes, as an SQL expression for sums over many rows.
seats_expression = case((Registration.need_personal_assistant, 2), else_=1)


def queue_key(registration: Registration) -> tuple:
    """Waitlist order: those staff moved ahead first (lower priority first), then in order
    of registration (by id, see ``allocation``)."""
    priority = registration.queue_priority
    return (priority is None, priority or 0, registration.id)


# ``queue_key`` as SQL, term by term, for ORDER BY and window functions.
queue_order = (
    case((Registration.queue_priority.is_(None), 1), else_=0),
    func.coalesce(Registration.queue_priority, 0),
    Registration.id,
)


class Attendance(Model):
    """Whether a registered person was there at one session; recorded apart from the status."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("registration_id", "session_id", name="uq_attendance_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("seminar_session.id", ondelete="CASCADE"), index=True
    )
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class SessionReminder(Model):
    """The reminder before one session of a series has gone to one registration: the row is
    the claim (the unique pair), so two housekeeping runners never send it twice. Holds no
    personal data beyond the registration id. The reminder before the first session is
    claimed on ``Registration.reminder_sent_at`` (as before series had reminders)."""

    __tablename__ = "session_reminder"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id", name="uq_session_reminder_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("seminar_session.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
