"""Every message to a registrant goes through here, to the channel the person chose.

E-mail goes to the outbox for the mail senders; for someone who takes part by post the same
message becomes a letter in the print queue, for someone reached by phone an entry on the
call list (both are outbox rows too: same transaction, same retention and erasure). What
needs paper (a certificate, a questionnaire) goes by post to a phone registrant who gave an
address. A message nobody can receive (no address of the kind it needs) is not written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox import done as outbox_done
from seminars.outbox.models import (
    CHANNEL_CALL,
    CHANNEL_EMAIL,
    CHANNEL_LETTER,
    STATUS_PENDING,
    OutboxMessage,
)
from seminars.outbox.services import Attachment, queue_mail
from seminars.registrations.channels import (
    CHANNEL_PHONE,
    CHANNEL_POST,
    address_lines,
)
from seminars.registrations.models import Registration

# Answers to something the person just did online: they go where the person asked from.
EMAIL_ONLY = frozenset({"confirm_request", "already_registered", "pending_limit"})
# Messages that are paper by nature: a phone registrant with an address gets them by post.
PAPER = frozenset({"certificate", "survey_invitation"})
# Never read out on the phone (a survey reminder without the questionnaire says nothing).
NOT_BY_PHONE = frozenset({"survey_reminder", "survey_invitation"})


def channel_for(registration: Registration, kind: str) -> str | None:
    """The outbox channel of a message of ``kind`` to ``registration`` (None: none fits)."""
    if kind in EMAIL_ONLY or registration.channel not in (CHANNEL_POST, CHANNEL_PHONE):
        return CHANNEL_EMAIL if registration.email else None
    if registration.channel == CHANNEL_POST:
        return CHANNEL_LETTER if address_lines(registration) else None
    if kind in PAPER and address_lines(registration):
        return CHANNEL_LETTER
    if kind in NOT_BY_PHONE or not registration.phone:
        return None
    return CHANNEL_CALL


def recipient_for(registration: Registration, channel: str) -> str:
    if channel == CHANNEL_LETTER:
        return "\n".join(address_lines(registration))
    if channel == CHANNEL_CALL:
        return registration.phone
    return registration.email


def send(
    registration: Registration,
    *,
    kind: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Attachment] = (),
    send_after_commit: bool = True,
    channel: str | None = None,
) -> OutboxMessage | None:
    """Write the message for ``registration`` to the outbox on its channel (``channel_for``,
    unless the caller decided already). Returns the row, or None when no channel fits."""
    channel = channel or channel_for(registration, kind)
    if channel is None:
        return None
    return queue_mail(
        kind=kind,
        channel=channel,
        recipient=recipient_for(registration, channel),
        subject=subject,
        body_text=body_text,
        body_html=body_html if channel == CHANNEL_EMAIL else "",
        attachments=attachments if channel == CHANNEL_EMAIL else (),
        registration_id=registration.id,
        send_after_commit=send_after_commit,
    )


def follow_contact_change(registration: Registration, *, now: datetime) -> None:
    """The person's address, phone number or channel changed: letters and calls still
    waiting go to the new address or number; those the person no longer gets that way (a
    letter after a switch to e-mail, a call without a number) are void."""
    waiting = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.channel != CHANNEL_EMAIL,
            OutboxMessage.status == STATUS_PENDING,
        )
    ).all()
    for message in waiting:
        if channel_for(registration, message.kind) == message.channel:
            message.recipient = recipient_for(registration, message.channel)
    db.session.flush()
    for message in waiting:
        if channel_for(registration, message.kind) != message.channel:
            outbox_done.mark_done(
                message.id,
                channel=message.channel,
                done_by_id=None,
                now=now,
                outcome=outbox_done.OBSOLETE,
            )
    _certificate_once_it_can_go(registration, waiting)


def _certificate_once_it_can_go(registration: Registration, waiting) -> None:
    """A certificate nobody could send (a phone registrant without address: the call asked
    where to) goes by post once the address is there; the question is answered."""
    from seminars.registrations import certificate_lookup, mails

    asked = [m for m in waiting if m.kind == mails.CERTIFICATE and m.channel == CHANNEL_CALL]
    if not asked or channel_for(registration, mails.CERTIFICATE) != CHANNEL_LETTER:
        return
    if certificate_lookup.has_active_certificate(registration.id):
        mails.queue(registration, mails.CERTIFICATE)
