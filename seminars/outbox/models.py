"""Outbox messages: mail waiting to be sent, being sent, sent, or given up on; and letters
and calls for people who take part without e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model

STATUS_PENDING = "pending"
STATUS_SENDING = "sending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
OUTBOX_STATUSES = (STATUS_PENDING, STATUS_SENDING, STATUS_SENT, STATUS_FAILED)

# How a message reaches the person. The mail senders take e-mail only; a letter waits in the
# print queue and a call on the call list until staff mark it done (then it is ``sent``).
CHANNEL_EMAIL = "email"
CHANNEL_LETTER = "letter"
CHANNEL_CALL = "call"
OUTBOX_CHANNELS = (CHANNEL_EMAIL, CHANNEL_LETTER, CHANNEL_CALL)


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("channel IN ('email', 'letter', 'call')", name="channel"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the mail is about (e.g. "confirm_request"); lets staff and tests find it.
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(
        String(10), default=CHANNEL_EMAIL, server_default=CHANNEL_EMAIL
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"filename": ..., "content_type": ..., "data": <text>}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # Extra mail headers, e.g. List-Unsubscribe for interest subscriptions.
    headers: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # Mail to an interest subscriber (no registration): found by erasure through this.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("interest_subscription.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=STATUS_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While a sender holds the message; a lease that ran out may be taken over.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A random value per claim: only the sender holding it may mark the message sent or failed.
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # Letters and calls: who printed or made it, and (calls) what came of it.
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(20), default="", server_default="")
