"""What interest subscriptions hold about a person, for privacy (``privacy/services.py``).

A subscription holds an e-mail address and nothing else personal, so it is found by the
address (not by a registration): ``export`` lists the active subscriptions of some
addresses, ``erase`` ends them as unsubscribing does (the row stays without the address,
for the demand figures; their mails lose address and text). Ended subscriptions keep no
address and cannot be found, nor do they need to be.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from seminars.core.email_address import normalise_email
from seminars.extensions import db
from seminars.interest import services
from seminars.interest.models import SUBSCRIPTION_ENDED, InterestSubscription
from seminars.interest.words import describe
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import Seminar, Topic


def _of(addresses: Iterable[str]) -> list[InterestSubscription]:
    normalized = sorted({normalise_email(a) for a in addresses if a and a.strip()})
    if not normalized:
        return []
    return list(
        db.session.scalars(
            select(InterestSubscription)
            .where(
                InterestSubscription.email_normalized.in_(normalized),
                InterestSubscription.status != SUBSCRIPTION_ENDED,
            )
            .order_by(InterestSubscription.id)
        )
    )


def export(addresses: Iterable[str]) -> list[dict]:
    """Each active subscription of these addresses as plain data: what it asks for, its
    state and times, and the mails it was sent."""
    found = _of(addresses)
    mails: dict[int, list[dict]] = {s.id: [] for s in found}
    if found:
        for message in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.subscription_id.in_(list(mails)))
            .order_by(OutboxMessage.id)
        ):
            assert message.subscription_id is not None
            mails[message.subscription_id].append(
                {
                    "kind": message.kind,
                    "recipient": message.recipient,
                    "subject": message.subject,
                    "text_stored": bool(message.body_text or message.body_html),
                    "created_at": _iso(message.created_at),
                    "sent_at": _iso(message.sent_at),
                    "status": message.status,
                }
            )
    result = []
    for subscription in found:
        topic = db.session.get(Topic, subscription.topic_id) if subscription.topic_id else None
        seminar = (
            db.session.get(Seminar, subscription.seminar_id) if subscription.seminar_id else None
        )
        result.append(
            {
                "about": describe(subscription),
                "topic": topic.name_de if topic else None,
                "region": subscription.region,
                "seminar": {"code": seminar.code, "title": seminar.title} if seminar else None,
                "status": subscription.status,
                "email": subscription.email,
                "locale": subscription.locale,
                "created_at": _iso(subscription.created_at),
                "confirmed_at": _iso(subscription.confirmed_at),
                "renewed_at": _iso(subscription.renewed_at),
                "renewal_requested_at": _iso(subscription.renewal_requested_at),
                # While unconfirmed: the keyed hash of the client address it came from.
                "client_address_pseudonym": subscription.client_key,
                "mails": mails[subscription.id],
            }
        )
    return result


def erase(addresses: Iterable[str], *, now: datetime) -> int:
    """End every active subscription of these addresses; returns how many."""
    return services.end(_of(addresses), now=now)


def _iso(value):
    return value.isoformat() if value else None
