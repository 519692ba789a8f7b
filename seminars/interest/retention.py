"""How long subscribers' addresses are kept (housekeeping calls these).

- An unconfirmed subscription is deleted ``INTEREST_CONFIRMATION_HOURS`` after it was made
  (it never counted as demand); its mail keeps no address and no text.
- A confirmed one ends ``INTEREST_RETENTION_MONTHS`` after its confirmation or last renewal
  (the row stays without the address, for the demand figures);
  ``INTEREST_RENEWAL_NOTICE_DAYS`` before that, one mail asks the subscriber to renew it.

Each step is idempotent and safe when several housekeeping runs overlap: deletion and ending
are conditional on the state they change, and the renewal mail is claimed by a conditional
update before it is queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from seminars.core.changed_rows import changed_rows
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.interest import mails
from seminars.interest.models import (
    SUBSCRIPTION_CONFIRMED,
    SUBSCRIPTION_PENDING,
    InterestSubscription,
)
from seminars.interest.services import (
    RENEWAL_REQUEST,
    SUBJECTS,
    confirmation_period,
    end,
    retention_period,
)
from seminars.interest.words import describe
from seminars.outbox.services import blank_subscriptions


def _renewed():
    """When retention counts from: the last renewal (or the confirmation)."""
    return func.coalesce(
        InterestSubscription.renewed_at,
        InterestSubscription.confirmed_at,
        InterestSubscription.created_at,
    )


def delete_unconfirmed(now: datetime) -> int:
    """Unconfirmed subscriptions past their time to confirm go, with their mails' address
    and text. One unit of work."""
    overdue = (
        InterestSubscription.status == SUBSCRIPTION_PENDING,
        InterestSubscription.created_at <= now - confirmation_period(),
    )
    with unit():
        ids = list(db.session.scalars(select(InterestSubscription.id).where(*overdue)))
        if not ids:
            return 0
        blank_subscriptions(ids)
        return changed_rows(
            delete(InterestSubscription)
            .where(InterestSubscription.id.in_(ids), *overdue)
            .execution_options(synchronize_session=False)
        )


def request_renewals(now: datetime) -> int:
    """One mail to each confirmed subscriber whose subscription ends within
    ``INTEREST_RENEWAL_NOTICE_DAYS``, asking to renew it. Each mail is one unit, claimed on
    the subscription (``renewal_requested_at``) together with the mail."""
    notice = timedelta(days=current_app.config["INTEREST_RENEWAL_NOTICE_DAYS"])
    due = list(
        db.session.scalars(
            select(InterestSubscription.id)
            .where(
                InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
                InterestSubscription.renewal_requested_at.is_(None),
                _renewed() <= now - retention_period() + notice,
                _renewed() > now - retention_period(),
            )
            .order_by(InterestSubscription.id)
        )
    )
    sent = 0
    for subscription_id in due:
        with unit():
            claimed = changed_rows(
                update(InterestSubscription)
                .where(
                    InterestSubscription.id == subscription_id,
                    InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
                    InterestSubscription.renewal_requested_at.is_(None),
                )
                .values(renewal_requested_at=now)
                .execution_options(synchronize_session=False)
            )
            if not claimed:
                continue
            subscription = db.session.get(InterestSubscription, subscription_id)
            assert subscription is not None
            renewed = subscription.renewed_at or subscription.confirmed_at
            ends_at = (renewed or subscription.created_at) + retention_period()
            mails.queue(
                subscription,
                RENEWAL_REQUEST,
                SUBJECTS[RENEWAL_REQUEST],
                describe=describe,
                ends_at=ends_at,
            )
            sent += 1
    return sent


def end_unrenewed(now: datetime) -> int:
    """Confirmed subscriptions not renewed within ``INTEREST_RETENTION_MONTHS`` end: the
    address goes (the row stays for the demand figures). One unit of work."""
    with unit():
        due = list(
            db.session.scalars(
                select(InterestSubscription)
                .where(
                    InterestSubscription.status == SUBSCRIPTION_CONFIRMED,
                    _renewed() <= now - retention_period(),
                )
                .order_by(InterestSubscription.id)
                .with_for_update()
            )
        )
        return end(due, now=now)
