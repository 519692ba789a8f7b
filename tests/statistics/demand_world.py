"""A hand-counted world of demand: waitlists that ended in vain, moves to new dates, interest
lists and offers of new dates (the expected figures are in tests/statistics/test_demand.py).
Also used by the browser journeys, so it uses no pytest fixture."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from seminars.extensions import db
from seminars.programme.models import FORMAT_HYBRID, FORMAT_ONLINE
from tests import factories

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CONFIRMED_2026 = datetime(2026, 3, 1, 9, tzinfo=UTC)
FIRST_TITLE = "Alt Gruppenleitung"
OFFERED_2026 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def start(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 8, tzinfo=UTC)


def offer(new_seminar, county, *, status="confirmed", moved_from=None, subscription=None, **kw):
    fields = {"county": county, "first_offered_at": OFFERED_2026, **kw}
    if moved_from is not None:
        fields["moved_from_id"] = moved_from.id
        fields["person_key"] = moved_from.person_key
    if subscription is not None:
        fields["interest_subscription_id"] = subscription.id
    return factories.registration(new_seminar, status=status, **fields)


def subscribe(number: int, *, status="confirmed", **fields):
    item = factories.subscription(f"interesse{number}@example.org", status=status, **fields)
    if status != "pending":
        item.confirmed_at = CONFIRMED_2026
    return item


def build_world(copy: int = 0):
    """The hand-counted world (see the expected tables below). ``copy`` > 0 adds the same
    pattern again (for the query count)."""
    erfurt = factories.venue("Erfurt", county="th-erfurt")
    weimar = factories.venue("Weimar", county="th-weimar")
    waitlisted = "waitlisted"

    # 2025, group leadership, in person: 2 seated, 5 still waiting at the start, 3 moved.
    s1 = factories.seminar(FIRST_TITLE, starts_at=start(2025, 5, 10), place=erfurt)
    factories.fill(s1, 2)
    p1 = factories.registration(s1, status=waitlisted, county="th-erfurt")
    for county in ("th-erfurt", "th-erfurt", "sn-leipzig"):
        factories.registration(s1, status=waitlisted, county=county)
    moved = [factories.registration(s1, status="cancelled", county="th-gotha") for _ in range(3)]
    declined = factories.registration(s1, status=waitlisted, county="th-gotha")
    # Offered a seat on the old date and let it lapse, or cancelled: not waiting in vain.
    factories.registration(s1, status="expired", county="th-gotha", confirmed_at=NOW)
    factories.registration(s1, status="cancelled", county="th-gotha")
    # The same person waiting on a second seminar of the same cell counts once.
    s1b = factories.seminar("Alt Gruppenleitung 2", starts_at=start(2025, 6, 1), place=erfurt)
    factories.registration(s1b, status=waitlisted, county="th-erfurt", person_key=p1.person_key)

    # 2025, legal basics, online: 3 without county (one unconfirmed without seat), 1 from Jena.
    s2 = factories.seminar(
        "Alt Recht", starts_at=start(2025, 9, 1), topic_key="recht", seminar_format=FORMAT_ONLINE
    )
    factories.registration(s2, status=waitlisted)
    factories.registration(s2, status=waitlisted)
    factories.registration(s2, status="pending", holds_seat=False)
    factories.registration(s2, status=waitlisted, county="th-jena")
    # Not begun yet: its waitlist does not count.
    future = factories.seminar("Zukunft", place=erfurt)
    factories.fill(future, 0, waitlisted=2)

    # Interest lists, confirmed in 2026.
    group = factories.topic("gruppenleitung").id
    law = factories.topic("recht").id
    n = itertools.count(copy * 100)
    for _ in range(3):
        subscribe(next(n), topic_id=group, region="th-erfurt")
    subscribe(next(n), topic_id=group, region="th-erfurt", status="ended")
    subscribe(next(n), topic_id=group, region="th-erfurt", status="pending")  # not counted
    subscribe(next(n), topic_id=law, region="online")
    subscribe(next(n), topic_id=law, region="online")
    subscribe(next(n), topic_id=law)
    s1_subscriptions = [subscribe(next(n), seminar_id=s1.id) for _ in range(2)]
    s1_subscriptions.append(subscribe(next(n), seminar_id=s1.id, status="ended"))

    # New dates, offered in 2026.
    n1 = factories.seminar(
        "Neu Gruppenleitung", starts_at=start(2026, 9, 1), place=erfurt, repeat_of_id=s1.id
    )
    for registration in moved:
        offer(n1, "th-gotha", moved_from=registration)
    offer(n1, "th-gotha", status="cancelled", moved_from=declined)
    for subscription in s1_subscriptions:
        offer(n1, "th-erfurt", subscription=subscription)
    offer(n1, "th-erfurt", status="expired", subscription=s1_subscriptions[0])
    offer(n1, "th-erfurt", status="cancelled", subscription=s1_subscriptions[1])
    # Not offered (yet), and an ordinary registration: neither counts.
    offer(n1, "th-erfurt", status="cancelled", moved_from=p1, first_offered_at=None)
    factories.registration(n1, county="th-erfurt")

    n2 = factories.seminar(
        "Neu Recht",
        starts_at=start(2026, 10, 1),
        topic_key="recht",
        seminar_format=FORMAT_ONLINE,
        repeat_of_id=s2.id,
    )
    offer(n2, None, subscription=s1_subscriptions[0])
    offer(n2, None, status="expired", subscription=s1_subscriptions[1])

    old_media = factories.seminar(
        "Alt Medien", starts_at=start(2025, 3, 1), topic_key="methoden-medien", place=weimar
    )
    n3 = factories.seminar(
        "Neu Medien",
        starts_at=start(2026, 11, 1),
        topic_key="methoden-medien",
        seminar_format=FORMAT_HYBRID,
        place=weimar,
        repeat_of_id=old_media.id,
    )
    for status in ("confirmed", "confirmed", "confirmed", "cancelled", "expired", "cancelled"):
        offer(n3, "th-weimar", status=status, subscription=s1_subscriptions[2])
    db.session.commit()
    return s1
