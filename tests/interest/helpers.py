"""What the interest tests share: the links mailed to an address, the subscriber's mails."""

from __future__ import annotations

import re

from sqlalchemy import select

from seminars.extensions import db
from seminars.interest import links
from seminars.interest.models import InterestSubscription
from seminars.outbox.models import OutboxMessage
from tests import factories

ADDRESS = "Ilse.Interesse@Example.org"


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


def manage_path(message: OutboxMessage) -> str:
    """The path of the subscriber's page, from the mail's text."""
    found = re.search(r"https?://[^/\s]+(/interesse/[A-Za-z0-9_-]{40,60})(?=\s)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def subscriptions() -> list[InterestSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(InterestSubscription).order_by(InterestSubscription.id)))


def token_of(subscription: InterestSubscription) -> str:
    return links.token_for(subscription)


def topic_id(key: str = "gruppenleitung") -> int:
    return factories.topic(key).id
