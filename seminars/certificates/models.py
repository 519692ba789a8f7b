"""Issued certificates: a snapshot of what they say, a code anyone can check, and the PDF
rendered once when the certificate was issued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from seminars.core.db_types import UTCDateTime
from seminars.core.timezone import utcnow
from seminars.extensions import Model


class Certificate(Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    seminar_id: Mapped[int | None] = mapped_column(
        ForeignKey("seminar.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="de")
    # What the certificate says, frozen when it was issued: later edits change nothing.
    snapshot: Mapped[dict] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")
    # Set when retention or erasure removed the name: the code still says it was issued.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class CertificatePdf(Model):
    """The PDF of a valid certificate, rendered once when it was issued and served from here.

    The one place a certificate's document is stored: revoking or replacing the certificate
    deletes its row, and so does anything that erases the person (the row goes with its
    certificate, too).
    """

    __tablename__ = "certificate_pdf"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
