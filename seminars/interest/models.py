"""Interest subscriptions and the programme alerts they receive.

A subscription is an e-mail address that wants to hear of new seminars of a topic (anywhere,
in one county, or online), or of a new date of one full seminar. It holds no name. The
address is blanked when the subscription ends (unsubscribed, erased, or retention); the row
stays, without anything personal, so that demand figures keep counting it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model

SUBSCRIPTION_PENDING = "pending"
SUBSCRIPTION_CONFIRMED = "confirmed"
SUBSCRIPTION_ENDED = "ended"
SUBSCRIPTION_STATUSES = (SUBSCRIPTION_PENDING, SUBSCRIPTION_CONFIRMED, SUBSCRIPTION_ENDED)

# ``region`` of a topic subscription: a county key (``registrations/counties.py``), this value
# for online seminars, or NULL for anywhere.
REGION_ONLINE = "online"

_STATUS_LIST = ", ".join(f"'{s}'" for s in SUBSCRIPTION_STATUSES)


class InterestSubscription(Model):
    __tablename__ = "interest_subscription"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        # About a topic, or about one seminar (whose new date is wanted): exactly one.
        CheckConstraint("(topic_id IS NULL) != (seminar_id IS NULL)", name="topic_or_seminar"),
        # An ended subscription keeps no address.
        CheckConstraint(
            f"status != '{SUBSCRIPTION_ENDED}' OR (email = '' AND email_normalized IS NULL)",
            name="ended_has_no_address",
        ),
        Index("ix_interest_subscription_email", "email_normalized"),
        Index(
            "ix_interest_subscription_pending_client",
            "client_key",
            postgresql_where=text(f"status = '{SUBSCRIPTION_PENDING}'"),
            sqlite_where=text(f"status = '{SUBSCRIPTION_PENDING}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=SUBSCRIPTION_PENDING)
    email: Mapped[str] = mapped_column(String(254), default="")
    email_normalized: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="de")
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), index=True
    )
    region: Mapped[str | None] = mapped_column(String(60))
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), index=True
    )
    # Links carry an HMAC of id and salt; only the token's SHA-256 is stored (as registrations).
    token_salt: Mapped[str] = mapped_column(String(32), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last confirmation or renewal; retention counts from here.
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renewal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # While unconfirmed only: keyed hash of the client, to cap unconfirmed subscriptions.
    client_key: Mapped[str | None] = mapped_column(String(64))
    # Programme alerts: the highest ``ProgrammeAlert.id`` already considered, and the Berlin
    # day of the last alert mail (at most one a day).
    last_alert_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_alert_on: Mapped[date | None] = mapped_column(Date)


class ProgrammeAlert(Model):
    """A published seminar that subscribers hear of: one row per seminar, ever, so a seminar
    published twice does not alert twice. Holds nothing personal."""

    __tablename__ = "programme_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(
        ForeignKey("seminar.id", ondelete="CASCADE"), unique=True
    )
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
