"""Interest subscriptions as a subscriber sees them: subscribe (double opt-in), confirm,
renew and unsubscribe through the link in every mail.

Subscribing answers the same whatever the address already holds: a new subscription is
mailed the link to confirm it; an address that already holds the same subscription is mailed
its link instead (``already_subscribed``), so that nobody learns from the page whether an
address is subscribed. A client (``core/clients.py``) holds only
``INTEREST_PENDING_MAX_PER_CLIENT`` unconfirmed subscriptions at a time.

Ending a subscription (unsubscribe, erasure, retention) keeps the row without anything
personal, so demand figures keep counting it; its mails lose address and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.core.email_address import normalise_email
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_name
from seminars.extensions import db
from seminars.interest import links, mails
from seminars.interest.models import (
    REGION_ONLINE,
    SUBSCRIPTION_CONFIRMED,
    SUBSCRIPTION_ENDED,
    SUBSCRIPTION_PENDING,
    InterestSubscription,
    ProgrammeAlert,
)
from seminars.interest.words import describe, region_name
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import blank_subscriptions
from seminars.programme import availability as av
from seminars.programme.models import STATUS_PUBLISHED, Seminar, SeminarSession, Topic
from seminars.registrations import new_dates as registration_new_dates
from seminars.registrations.counties import COUNTY_NAMES
from seminars.registrations.models import Registration, seats_expression

CONFIRM_REQUEST = "confirm_request"
ALREADY_SUBSCRIBED = "already_subscribed"
RENEWAL_REQUEST = "renewal_request"

SUBJECTS = {
    CONFIRM_REQUEST: _l("Bitte bestätigen Sie Ihre Benachrichtigung"),
    ALREADY_SUBSCRIBED: _l("Sie haben diese Benachrichtigung bereits bestellt"),
    RENEWAL_REQUEST: _l("Möchten Sie weiter von neuen Seminaren hören?"),
}

# Regions a topic subscription may name: the counties of Thuringia and Saxony, or online.
REGION_KEYS = frozenset(COUNTY_NAMES) | {REGION_ONLINE}

_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,60}")


class UnknownLink(NotFoundError):
    default_message = _l(
        "Diesen Link kennen wir nicht (mehr). Vielleicht haben Sie die Benachrichtigung schon "
        "abbestellt, oder der Link wurde nicht vollständig aus der E-Mail übernommen."
    )


class LinkGone(DomainError):
    """An unconfirmed subscription whose time to confirm has run out."""

    status_code = 410
    default_message = _l(
        "Die Frist für die Bestätigung ist abgelaufen. Bitte tragen Sie sich auf der "
        "Seminarseite noch einmal ein."
    )


class NotPossible(DomainError):
    status_code = 409
    default_message = _l("Das ist bei dieser Benachrichtigung nicht (mehr) möglich.")


class TooManyUnconfirmed(DomainError):
    """The client holds as many unconfirmed subscriptions as it may (counted per client, not
    per address: that would tell whether the address is subscribed). Raised while a request
    is answered, so the message is translated at once."""

    status_code = 429

    def __init__(self, hours: int):
        super().__init__(
            ngettext(
                "Von Ihrem Internetanschluss aus warten schon mehrere Benachrichtigungen auf die "
                "Bestätigung. Bitte bestätigen Sie diese zuerst mit dem Link aus unserer E-Mail. "
                "Unbestätigte Benachrichtigungen verfallen nach %(num)d Stunde.",
                "Von Ihrem Internetanschluss aus warten schon mehrere Benachrichtigungen auf die "
                "Bestätigung. Bitte bestätigen Sie diese zuerst mit dem Link aus unserer E-Mail. "
                "Unbestätigte Benachrichtigungen verfallen nach %(num)d Stunden.",
                hours,
            )
        )


def retention_period() -> timedelta:
    return timedelta(days=round(current_app.config["INTEREST_RETENTION_MONTHS"] * 30.44))


def confirmation_period() -> timedelta:
    return timedelta(hours=current_app.config["INTEREST_CONFIRMATION_HOURS"])


# -- subscribing ---------------------------------------------------------------------------


def topics() -> list[Topic]:
    """The topics to choose from, in the programme's order."""
    return list(db.session.scalars(select(Topic).order_by(Topic.position, Topic.name_de)))


def seminar_for_new_date(seminar_id: int) -> Seminar:
    """A published seminar (whose page may offer the list for a new date), or not found."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None or seminar.status != STATUS_PUBLISHED:
        raise NotFoundError()
    return seminar


def offers_new_date_list(availability: av.Availability, *, upcoming: bool) -> bool:
    """Whether a seminar's page offers the list for a new date: it is full (no seat and no
    waitlist place left), or registration has closed while it is still to come."""
    if availability.state == av.FULLY_BOOKED:
        return True
    return availability.state == av.REGISTRATION_CLOSED and upcoming


def _availability_of(seminar: Seminar, now: datetime) -> tuple[av.Availability, bool]:
    taken, waiting = db.session.execute(
        select(
            func.coalesce(func.sum(seats_expression).filter(Registration.holds_seat.is_(True)), 0),
            func.count().filter(Registration.on_waitlist),
        ).where(Registration.seminar_id == seminar.id)
    ).one()
    starts_at = db.session.scalar(
        select(func.min(SeminarSession.starts_at)).where(SeminarSession.seminar_id == seminar.id)
    )
    availability = av.availability_of(
        cancelled=False,
        capacity=seminar.capacity,
        seats_taken=int(taken),
        waiting=int(waiting),
        waitlist_capacity=seminar.waitlist_capacity,
        opens_at=seminar.registration_opens_at,
        closes_at=seminar.registration_closes_at,
        starts_at=starts_at,
        now=now,
    )
    return availability, starts_at is not None and starts_at > now


def subscribe_to_topic(
    email: str,
    *,
    topic_id: int,
    region: str | None,
    locale: str,
    now: datetime,
    client_key: str | None = None,
) -> None:
    """Subscribe an address to new seminars of a topic (anywhere: ``region`` None, online,
    or in one county). The caller answers the same whatever happened."""
    if db.session.get(Topic, topic_id) is None:
        raise NotPossible(_l("Bitte wählen Sie einen Themenbereich aus der Liste."), field="topic")
    if region is not None and region not in REGION_KEYS:
        raise NotPossible(_l("Bitte wählen Sie einen Eintrag aus der Liste."), field="region")
    _subscribe(
        email,
        locale=locale,
        now=now,
        client_key=client_key,
        topic_id=topic_id,
        region=region,
        same=(InterestSubscription.topic_id == topic_id)
        & (
            InterestSubscription.region.is_(None)
            if region is None
            else InterestSubscription.region == region
        ),
    )


def subscribe_to_seminar(
    email: str, *, seminar_id: int, locale: str, now: datetime, client_key: str | None = None
) -> None:
    """Subscribe an address to a new date of a full seminar (its page offers this only while
    it is full and still to come)."""
    seminar = seminar_for_new_date(seminar_id)
    availability, upcoming = _availability_of(seminar, now)
    if not offers_new_date_list(availability, upcoming=upcoming):
        raise NotPossible(_l("Für dieses Seminar können Sie sich direkt anmelden."), field="email")
    _subscribe(
        email,
        locale=locale,
        now=now,
        client_key=client_key,
        seminar_id=seminar_id,
        same=InterestSubscription.seminar_id == seminar_id,
    )


def _subscribe(
    email: str,
    *,
    locale: str,
    now: datetime,
    client_key: str | None,
    same,
    topic_id: int | None = None,
    region: str | None = None,
    seminar_id: int | None = None,
) -> None:
    normalized = normalise_email(email)
    if not normalized:
        raise NotPossible(_l("Bitte geben Sie Ihre E-Mail-Adresse an."), field="email")
    # The cap counts across addresses, which no row covers: lock its name (as registrations
    # do), and decide it before looking at the address, so that a capped client learns
    # nothing about any address.
    cap = current_app.config["INTEREST_PENDING_MAX_PER_CLIENT"]
    if client_key and cap > 0:
        lock_name("interest-pending-client", client_key)
        held = db.session.scalar(
            select(func.count())
            .select_from(InterestSubscription)
            .where(
                InterestSubscription.client_key == client_key,
                InterestSubscription.status == SUBSCRIPTION_PENDING,
                InterestSubscription.created_at > now - confirmation_period(),
            )
        )
        if (held or 0) >= cap:
            raise TooManyUnconfirmed(current_app.config["INTEREST_CONFIRMATION_HOURS"])
    lock_name("interest-address", normalized)
    existing = db.session.scalars(
        select(InterestSubscription)
        .where(
            InterestSubscription.email_normalized == normalized,
            InterestSubscription.status.in_((SUBSCRIPTION_PENDING, SUBSCRIPTION_CONFIRMED)),
            same,
        )
        .order_by(InterestSubscription.id)
    ).first()
    if existing is not None and not _overdue(existing, now):
        # The owner is told once per confirmation period: asking again from other clients
        # must not fill their mailbox.
        if not _told_lately(existing, now):
            mails.queue(
                existing, ALREADY_SUBSCRIBED, SUBJECTS[ALREADY_SUBSCRIBED], describe=describe
            )
        return
    subscription = InterestSubscription(
        status=SUBSCRIPTION_PENDING,
        email=email.strip(),
        email_normalized=normalized,
        locale=locale,
        topic_id=topic_id,
        region=region,
        seminar_id=seminar_id,
        created_at=now,
        client_key=client_key,
    )
    db.session.add(subscription)
    db.session.flush()
    links.issue_token(subscription)
    db.session.flush()
    mails.queue(
        subscription,
        CONFIRM_REQUEST,
        SUBJECTS[CONFIRM_REQUEST],
        describe=describe,
        confirm_by=now + confirmation_period(),
    )


def _told_lately(subscription: InterestSubscription, now: datetime) -> bool:
    """An "already subscribed" mail went to this subscription within the confirmation
    period (the outbox row keeps kind, subscription and time after it was sent)."""
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.subscription_id == subscription.id,
                OutboxMessage.kind == f"interest_{ALREADY_SUBSCRIBED}",
                OutboxMessage.created_at > now - confirmation_period(),
            )
            .limit(1)
        )
        is not None
    )


def _overdue(subscription: InterestSubscription, now: datetime) -> bool:
    """Unconfirmed past its time to confirm (housekeeping deletes it soon)."""
    return (
        subscription.status == SUBSCRIPTION_PENDING
        and subscription.created_at <= now - confirmation_period()
    )


# -- the subscriber's link -----------------------------------------------------------------


def find_by_token(token: str) -> InterestSubscription:
    """The active subscription behind a link; ended ones keep no token and are not found."""
    if not _TOKEN.fullmatch(token or ""):
        raise UnknownLink()
    subscription = db.session.scalars(
        select(InterestSubscription).where(
            InterestSubscription.token_hash == links.token_hash(token)
        )
    ).one_or_none()
    if subscription is None or subscription.status == SUBSCRIPTION_ENDED:
        raise UnknownLink()
    return subscription


def _active(token: str, now: datetime) -> InterestSubscription:
    subscription = find_by_token(token)
    if _overdue(subscription, now):
        raise LinkGone()
    return subscription


@dataclass(frozen=True)
class Overview:
    subscription: InterestSubscription
    # In the current language: "neue Seminare im Themenbereich …" or "ein neuer Termin …".
    what: str
    topic_name: str | None
    region_name: str | None
    seminar: Seminar | None
    # Unconfirmed: confirm before this moment. Confirmed: it ends then unless renewed.
    confirm_by: datetime | None
    ends_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.subscription.status == SUBSCRIPTION_PENDING


def overview(token: str, *, now: datetime) -> Overview:
    subscription = _active(token, now)
    seminar = topic_name = place = None
    if subscription.seminar_id is not None:
        seminar = db.session.get(Seminar, subscription.seminar_id)
    else:
        topic = db.session.get(Topic, subscription.topic_id)
        locale = str(get_locale() or "de").split("_")[0]
        topic_name = topic.name(locale) if topic else "–"
        place = region_name(subscription.region)
    pending = subscription.status == SUBSCRIPTION_PENDING
    renewed = subscription.renewed_at or subscription.confirmed_at
    return Overview(
        subscription=subscription,
        what=describe(subscription),
        topic_name=topic_name,
        region_name=place,
        seminar=seminar,
        confirm_by=subscription.created_at + confirmation_period() if pending else None,
        ends_at=renewed + retention_period() if renewed and not pending else None,
    )


def latest_alert_id() -> int:
    return db.session.scalar(select(func.max(ProgrammeAlert.id))) or 0


def confirm(token: str, *, now: datetime) -> InterestSubscription:
    """Confirm (the button on the page, never the link itself: mail scanners open links).
    Seminars published before the confirmation are not alerted. Confirming twice is fine."""
    subscription = _active(token, now)
    if subscription.status == SUBSCRIPTION_PENDING:
        subscription.status = SUBSCRIPTION_CONFIRMED
        subscription.confirmed_at = now
        subscription.renewed_at = now
        subscription.client_key = None  # kept only while unconfirmed
        subscription.last_alert_id = latest_alert_id()
        db.session.flush()
    return subscription


def renew(token: str, *, now: datetime) -> InterestSubscription:
    """Keep a confirmed subscription for another ``INTEREST_RETENTION_MONTHS``."""
    subscription = _active(token, now)
    if subscription.status != SUBSCRIPTION_CONFIRMED:
        raise NotPossible(_l("Bitte bestätigen Sie die Benachrichtigung zuerst."))
    subscription.renewed_at = now
    subscription.renewal_requested_at = None
    db.session.flush()
    return subscription


def unsubscribe(token: str, *, now: datetime) -> bool:
    """End the subscription behind the link; False when there is none (ended already, or
    never): unsubscribing twice is no error. A malformed link is unknown."""
    if not _TOKEN.fullmatch(token or ""):
        raise UnknownLink()
    try:
        subscription = find_by_token(token)
    except UnknownLink:
        return False
    end([subscription], now=now)
    return True


def end(subscriptions: list[InterestSubscription], *, now: datetime) -> int:
    """End subscriptions: the row stays (demand figures count it) without address, link or
    client; their mails lose address and text (``outbox.blank_subscriptions``). Places on a
    new date they got and that are not confirmed are withdrawn and lose the address too
    (``registrations.new_dates``; first, as it takes the seminars' locks)."""
    ended = [s for s in subscriptions if s.status != SUBSCRIPTION_ENDED]
    registration_new_dates.withdraw_places_of_subscription([s.id for s in ended], now=now)
    for subscription in ended:
        subscription.status = SUBSCRIPTION_ENDED
        subscription.ended_at = now
        subscription.email = ""
        subscription.email_normalized = None
        subscription.token_hash = None
        subscription.token_salt = ""
        subscription.client_key = None
    db.session.flush()
    blank_subscriptions([s.id for s in ended])
    return len(ended)


def end_for_seminar(seminar_id: int, *, now: datetime) -> int:
    """End every subscription for a new date of this seminar (before the seminar is deleted:
    the rows would go with it, but their mails must not keep the addresses)."""
    subscriptions = db.session.scalars(
        select(InterestSubscription).where(InterestSubscription.seminar_id == seminar_id)
    ).all()
    return end(list(subscriptions), now=now)
