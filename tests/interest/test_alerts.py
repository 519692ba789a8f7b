"""Programme alerts: a subscriber to a topic (and a county, or online) hears of each matching
new seminar once, in one mail a day from the alert hour on."""

from __future__ import annotations

import re
import threading
import time as clock
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from seminars.core.timezone import berlin_date, berlin_to_utc, utcnow
from seminars.extensions import db
from seminars.housekeeping.services import run
from seminars.interest import alerts
from seminars.interest.links import unsubscribe_url
from seminars.interest.models import InterestSubscription, ProgrammeAlert
from seminars.outbox.models import OutboxMessage
from seminars.planning import services as planning
from seminars.programme.models import Seminar
from tests import factories

KIND = "interest_programme_alert"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` Berlin time, ``day`` days after today."""
    return berlin_to_utc(berlin_date(utcnow()) + timedelta(days=day), time(hour, minute))


def topic_id(key: str = "gruppenleitung") -> int:
    return factories.topic(key).id


def subscriber(email: str = "interesse@example.org", **fields) -> InterestSubscription:
    fields.setdefault("topic_id", topic_id())
    item = factories.subscription(email, **fields)
    db.session.commit()
    return item


def in_county(county: str | None, town: str = "Erfurt"):
    return factories.venue(town, county=county)


def new_seminar(title: str, *, county: str | None = "th-erfurt", **fields) -> Seminar:
    """A draft, by default in person in Erfurt, in 30 days."""
    if fields.get("seminar_format", "in_person") != "online" and "place" not in fields:
        fields["place"] = in_county(county)
    return factories.seminar(title, status="draft", **fields)


def publish(item: Seminar) -> None:
    planning.set_status(item.id, "published", actor=None)
    db.session.commit()


def alert_mails(recipient: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == KIND).order_by(OutboxMessage.id)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def titles_in(message: OutboxMessage, *candidates: str) -> list[str]:
    return [title for title in candidates if title in message.body_text]


def test_a_subscriber_to_a_topic_and_county_gets_one_alert_for_a_matching_seminar(app):
    subscriber("erfurt@example.org", region="th-erfurt")
    item = new_seminar("Gruppen leiten in Erfurt")
    publish(item)
    report = run(at(1, 9))
    assert report.programme_alerts == 1
    [mail] = alert_mails()
    assert mail.recipient == "erfurt@example.org"
    assert mail.subject == "1 neues Seminar im Programm"
    assert "Gruppen leiten in Erfurt" in mail.body_text
    assert mail.headers["List-Unsubscribe"].startswith("<http")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert run(at(1, 15)).programme_alerts == 0  # the same day: nothing more
    assert run(at(2, 9)).programme_alerts == 0  # nothing new: nothing at all
    assert len(alert_mails()) == 1


REGIONS = {"anywhere": None, "online": "online", "erfurt": "th-erfurt"}


@pytest.mark.parametrize(
    ("region", "seminar", "expected"),
    [
        ("erfurt", {"topic_key": "recht"}, False),
        ("anywhere", {"topic_key": "recht"}, False),
        ("erfurt", {"county": "th-gotha"}, False),
        ("erfurt", {"county": None}, False),
        ("erfurt", {"seminar_format": "online"}, False),
        ("erfurt", {"seminar_format": "hybrid"}, True),
        ("erfurt", {"seminar_format": "hybrid", "county": "th-jena"}, False),
        ("erfurt", {}, True),
        ("online", {}, False),
        ("online", {"seminar_format": "online"}, True),
        ("online", {"seminar_format": "hybrid", "county": "th-jena"}, True),
        ("anywhere", {"county": "sn-leipzig"}, True),
        ("anywhere", {"seminar_format": "online"}, True),
    ],
)
def test_only_seminars_of_the_chosen_topic_and_place_alert(app, region, seminar, expected):
    subscriber(region=REGIONS[region])
    publish(new_seminar("Das neue Seminar", **seminar))
    assert alerts.send_alerts(at(1, 9)) == int(expected)
    assert len(alert_mails()) == int(expected)


def test_a_seminar_published_withdrawn_and_published_again_alerts_once(app):
    subscriber()
    item = new_seminar("Einmal und noch einmal")
    publish(item)
    publish(item)  # saved as published twice: still one row
    assert db.session.scalar(select(func.count()).select_from(ProgrammeAlert)) == 1
    assert alerts.send_alerts(at(1, 9)) == 1
    planning.set_status(item.id, "draft", actor=None)
    db.session.commit()
    publish(item)
    assert alerts.send_alerts(at(2, 9)) == 0
    assert run(at(3, 9)).programme_alerts == 0
    assert len(alert_mails()) == 1


def test_a_seminar_withdrawn_before_the_days_alerts_is_alerted_when_published_again(app):
    subscriber()
    item = new_seminar("Zurück und wieder da")
    planning.set_status(item.id, "published", actor=None, now=at(0, 8))
    db.session.commit()
    planning.set_status(item.id, "draft", actor=None, now=at(0, 8, 30))
    db.session.commit()
    publish(new_seminar("Anderes Thema", topic_key="recht"))  # the day's run passes it
    assert alerts.send_alerts(at(0, 20)) == 0  # a draft: nothing to tell
    planning.set_status(item.id, "published", actor=None, now=at(1, 8))
    db.session.commit()
    assert alerts.send_alerts(at(1, 20)) == 1
    assert alerts.send_alerts(at(2, 20)) == 0
    [mail] = alert_mails()
    assert titles_in(mail, "Zurück und wieder da", "Anderes Thema") == ["Zurück und wieder da"]


def test_a_seminar_withdrawn_after_its_alert_went_out_does_not_alert_again(app):
    subscriber()
    item = new_seminar("Schon gemeldet")
    publish(item)
    assert alerts.send_alerts(at(1, 9)) == 1
    publish(new_seminar("Anderes Thema", topic_key="recht"))  # a row above it
    planning.set_status(item.id, "draft", actor=None)
    db.session.commit()
    publish(item)
    assert alerts.send_alerts(at(2, 9)) == 0
    assert alerts.send_alerts(at(3, 9)) == 0
    assert len(alert_mails()) == 1


def test_a_seminar_withdrawn_for_good_holds_nothing_up(app):
    subscriber()
    withdrawn = new_seminar("Zurückgezogen")
    publish(withdrawn)
    planning.set_status(withdrawn.id, "draft", actor=None)
    db.session.commit()
    assert alerts.send_alerts(at(1, 9)) == 0
    publish(new_seminar("Danach"))
    assert alerts.send_alerts(at(2, 9)) == 1
    assert alerts.send_alerts(at(3, 9)) == 0
    [mail] = alert_mails()
    assert titles_in(mail, "Zurückgezogen", "Danach") == ["Danach"]


def test_two_seminars_published_the_same_day_come_in_one_mail(app):
    subscriber()
    other = subscriber("andere@example.org", topic_id=topic_id("recht"))
    publish(new_seminar("Moderation I"))
    publish(new_seminar("Moderation II", seminar_format="online"))
    publish(new_seminar("Vereinsrecht", topic_key="recht"))
    assert alerts.send_alerts(at(1, 9)) == 2
    [mail] = alert_mails("interesse@example.org")
    assert mail.subject == "2 neue Seminare im Programm"
    assert titles_in(mail, "Moderation I", "Moderation II", "Vereinsrecht") == [
        "Moderation I",
        "Moderation II",
    ]
    assert "Online-Seminar" in mail.body_text and "Ort: Tagungshaus Erfurt" in mail.body_text
    [theirs] = alert_mails(other.email)
    assert titles_in(theirs, "Moderation I", "Vereinsrecht") == ["Vereinsrecht"]


def test_an_address_with_several_subscriptions_gets_one_mail_listing_each_seminar_once(app):
    erfurt = subscriber("Mehrfach@example.org", region="th-erfurt")
    online = subscriber("mehrfach@example.org", region="online")
    law = subscriber("mehrfach@example.org", topic_id=topic_id("recht"))
    publish(new_seminar("Hybrid in Erfurt", seminar_format="hybrid"))
    publish(new_seminar("Nur online", seminar_format="online"))
    publish(new_seminar("Vereinsrecht", topic_key="recht", county="th-gotha"))
    publish(new_seminar("In Gotha", county="th-gotha"))
    assert alerts.send_alerts(at(1, 9)) == 1
    [mail] = alert_mails()
    assert mail.recipient == "Mehrfach@example.org"  # the first subscription's
    assert mail.subject == "3 neue Seminare im Programm"
    names = ("Hybrid in Erfurt", "Nur online", "Vereinsrecht", "In Gotha")
    assert titles_in(mail, *names) == ["Hybrid in Erfurt", "Nur online", "Vereinsrecht"]
    assert mail.body_text.count("Hybrid in Erfurt") == 1
    topic = "„Gruppenleitung und Gruppenarbeit“"
    assert f"Passt zu: {topic}, Erfurt (Stadt); {topic}, online\n" in mail.body_text
    assert f"Passt zu: {topic}, online\n" in mail.body_text  # "Nur online"
    # Each subscription's own link to end it; the header carries the first one's.
    links = [unsubscribe_url(item) for item in (erfurt, online, law)]
    assert all(link in mail.body_text.split() for link in links)
    assert all(f'<a href="{link}">' in mail.body_html for link in links)
    assert mail.headers["List-Unsubscribe"] == f"<{links[0]}>"
    assert mail.subscription_id == erfurt.id
    for item in (erfurt, online, law):
        db.session.refresh(item)
        assert item.last_alert_on == berlin_date(at(1, 9))
    assert alerts.send_alerts(at(2, 9)) == 0
    assert len(alert_mails()) == 1


def test_an_address_mailed_today_gets_nothing_more_that_day(app):
    subscriber("mehrfach@example.org")
    publish(new_seminar("Am Morgen"))
    assert alerts.send_alerts(at(1, 9)) == 1
    # Later that day: a new subscription of the same address, and a new seminar for it.
    newest = db.session.scalar(select(func.max(ProgrammeAlert.id)))
    subscriber("mehrfach@example.org", topic_id=topic_id("recht"), last_alert_id=newest)
    item = new_seminar("Am Abend", topic_key="recht")
    planning.set_status(item.id, "published", actor=None, now=at(1, 10))
    db.session.commit()
    assert alerts.send_alerts(at(1, 18)) == 0  # one mail a day for the address
    assert alerts.send_alerts(at(2, 9)) == 1  # nothing lost: it comes the next day
    first, second = alert_mails()
    assert titles_in(second, "Am Morgen", "Am Abend") == ["Am Abend"]


def test_a_seminar_published_the_next_day_comes_the_next_day(app):
    subscriber()
    publish(new_seminar("Am ersten Tag"))
    assert alerts.send_alerts(at(1, 9)) == 1
    publish(new_seminar("Am zweiten Tag"))
    assert alerts.send_alerts(at(1, 18)) == 0  # one mail a day
    assert alerts.send_alerts(at(2, 8)) == 1
    first, second = alert_mails()
    assert titles_in(first, "Am ersten Tag", "Am zweiten Tag") == ["Am ersten Tag"]
    assert titles_in(second, "Am ersten Tag", "Am zweiten Tag") == ["Am zweiten Tag"]


def test_a_later_subscriber_hears_only_of_what_came_after_the_confirmation(app):
    early = subscriber("frueh@example.org")
    publish(new_seminar("Erstes"))
    assert alerts.send_alerts(at(1, 9)) == 1
    publish(new_seminar("Zweites"))
    # Confirmed now: what was published before is known (as the confirmation records it).
    newest = db.session.scalar(select(func.max(ProgrammeAlert.id)))
    late = subscriber("spaet@example.org", last_alert_id=newest)
    publish(new_seminar("Drittes"))
    assert alerts.send_alerts(at(2, 9)) == 2
    names = ("Erstes", "Zweites", "Drittes")
    assert titles_in(alert_mails(early.email)[-1], *names) == ["Zweites", "Drittes"]
    assert titles_in(alert_mails(late.email)[-1], *names) == ["Drittes"]


def test_nothing_after_the_subscription_ended(app):
    item = subscriber()
    db.session.execute(
        update(InterestSubscription)
        .where(InterestSubscription.id == item.id)
        .values(status="ended", email="", email_normalized=None, ended_at=utcnow())
    )
    db.session.commit()
    publish(new_seminar("Nach der Abmeldung"))
    assert run(at(1, 9)).programme_alerts == 0
    assert alert_mails() == []


def test_unconfirmed_subscriptions_get_nothing(app):
    subscriber(status="pending")
    publish(new_seminar("Noch nicht bestätigt"))
    assert alerts.send_alerts(at(1, 9)) == 0


def test_nothing_before_the_alert_hour(app):
    subscriber()
    publish(new_seminar("Früh am Morgen"))
    assert alerts.send_alerts(at(1, 7, 59)) == 0
    assert alerts.send_alerts(at(1, 8)) == 1


def test_started_cancelled_and_withdrawn_seminars_are_not_listed(app):
    subscriber()
    started = new_seminar("Schon begonnen", starts_in=timedelta(hours=30))
    cancelled = new_seminar("Abgesagt")
    withdrawn = new_seminar("Zurückgezogen")
    still_open = new_seminar("Noch offen")
    for item in (started, cancelled, withdrawn, still_open):
        publish(item)
    planning.cancel_seminar(cancelled.id, actor=None, now=utcnow())
    planning.set_status(withdrawn.id, "draft", actor=None)
    db.session.commit()
    assert alerts.send_alerts(at(2, 9)) == 1
    [mail] = alert_mails()
    names = ("Schon begonnen", "Abgesagt", "Zurückgezogen", "Noch offen")
    assert titles_in(mail, *names) == ["Noch offen"]


def test_nothing_to_list_sends_no_mail_but_counts_the_day(app):
    item = subscriber()
    started = new_seminar("Schon begonnen", starts_in=timedelta(hours=30))
    publish(started)
    assert alerts.send_alerts(at(2, 9)) == 0
    db.session.refresh(item)
    newest = db.session.scalar(select(func.max(ProgrammeAlert.id)))
    assert (item.last_alert_on, item.last_alert_id) == (berlin_date(at(2, 9)), newest)


def test_the_mail_links_open_the_seminar_page(app, client):
    subscriber(locale="de")
    item = new_seminar("Mit Link")
    publish(item)
    alerts.send_alerts(at(1, 9))
    [mail] = alert_mails()
    url = f"http://seminare.test/seminare/{item.id}"
    assert url in mail.body_text.split()
    assert f'<a href="{url}">' in mail.body_html  # clickable in the HTML part
    page = client.get(url.removeprefix("http://seminare.test"))
    assert page.status_code == 200 and "Mit Link" in page.get_data(as_text=True)
    unsubscribe = mail.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in mail.body_text and f'<a href="{unsubscribe}">' in mail.body_html


def test_an_english_subscriber_reads_english(app):
    subscriber(locale="en")
    publish(new_seminar("Gruppen leiten", sessions=2))
    alerts.send_alerts(at(1, 9))
    [mail] = alert_mails()
    assert mail.subject == "1 new seminar in the programme"
    assert "Group leadership" in mail.body_text
    assert "Guten Tag" not in mail.body_text
    assert len(re.findall(r"^- ", mail.body_text, re.MULTILINE)) == 2  # both sessions


def test_a_mail_for_several_subscriptions_reads_in_the_first_ones_language(app):
    subscriber("zwei@example.org", locale="en", region="online")
    subscriber("zwei@example.org", locale="de", region="th-erfurt")
    publish(new_seminar("Beides", seminar_format="hybrid"))
    alerts.send_alerts(at(1, 9))
    [mail] = alert_mails()
    assert mail.subject == "1 new seminar in the programme"
    assert "Matches: “Group leadership" in mail.body_text
    assert mail.body_text.count("Stop these alerts (unsubscribe with one click):") == 2
    assert "Passt zu" not in mail.body_text and "Guten Tag" not in mail.body_text


def test_housekeeping_catches_up_with_seminars_published_elsewhere(app):
    subscriber()
    factories.seminar("Aus dem Import")  # published without the planning service
    factories.seminar("Vorbei", starts_in=timedelta(hours=-2))
    assert run(at(1, 7)).programme_alerts == 0  # before the alert hour: rows only
    assert db.session.scalar(select(func.count()).select_from(ProgrammeAlert)) == 1
    assert run(at(1, 9)).programme_alerts == 1
    [mail] = alert_mails()
    assert titles_in(mail, "Aus dem Import", "Vorbei") == ["Aus dem Import"]


def test_a_publication_still_settling_waits_for_the_next_day(app):
    subscriber()
    item = factories.seminar("Gerade erst")
    alerts.seminar_published(item.id, at(1, 9))
    db.session.commit()
    assert alerts.send_alerts(at(1, 9, 5)) == 0
    assert alerts.send_alerts(at(2, 9)) == 1


def _loads(count_queries, people: range, seminars: int, *, mails: int) -> int:
    for number in people:
        subscriber(f"person{number}@example.org")
    for number in range(seminars):
        publish(new_seminar(f"Seminar {number}", county=None))
    with count_queries() as counter:
        sent = alerts.send_alerts(at(1, 9))
    assert sent == mails
    writes = ("INSERT INTO outbox_message", "UPDATE outbox_message")
    return len([s for s in counter.statements if not s.lstrip().startswith(writes)])


def test_alerts_load_in_a_constant_number_of_queries(app, count_queries):
    few = _loads(count_queries, range(1), 1, mails=1)
    db.session.execute(update(InterestSubscription).values(last_alert_on=None, last_alert_id=0))
    db.session.commit()
    # The same subscriber again, with 19 more, and 20 more seminars (21 in each mail).
    many = _loads(count_queries, range(1, 20), 20, mails=20)
    assert many == few


def test_a_claim_made_by_another_runner_is_kept(app):
    item = subscriber()
    publish(new_seminar("Nur einmal"))
    assert alerts.send_alerts(at(1, 9)) == 1
    newest = db.session.scalar(select(func.max(ProgrammeAlert.id)))
    # A runner that read the subscription before the first one claimed it claims nothing.
    stale = SimpleNamespace(id=item.id, last_alert_id=0)
    assert alerts._claim([stale], berlin_date(at(1, 9)), newest) == set()


def test_two_runners_at_once_send_one_mail_each(app):
    for number in range(8):
        subscriber(f"person{number}@example.org")
    publish(new_seminar("Gleichzeitig"))
    errors = []

    def runner():
        try:
            with app.app_context():
                alerts.send_alerts(at(1, 9))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = sorted(m.recipient for m in alert_mails())
    assert recipients == sorted(f"person{n}@example.org" for n in range(8))


def test_a_second_runner_passes_over_subscriptions_another_holds(app, dialect):
    """PostgreSQL: while one runner holds its batch (claimed, mails not yet committed), a
    second runner neither waits for it nor mails the same people."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    for number in range(3):
        subscriber(f"person{number}@example.org")
    publish(new_seminar("Gehalten"))
    now = at(1, 9)
    holding, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def first_runner():
        try:
            with app.app_context():
                newest = db.session.scalar(select(func.max(ProgrammeAlert.id)))
                _addresses, batch = alerts._due(berlin_date(now), newest, "")
                alerts._send_batch(batch, berlin_date(now), newest, now)
                holding.set()
                release.wait(10)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=first_runner)
    thread.start()
    assert holding.wait(10)
    started = clock.monotonic()
    try:
        with app.app_context():
            second = alerts.send_alerts(now)
            db.session.remove()
        waited = clock.monotonic() - started
    finally:
        release.set()
        thread.join()
    assert errors == [] and second == 0
    assert waited < 5  # it passed over the held rows instead of waiting for them
    assert len(alert_mails()) == 3


def test_a_runner_holding_only_some_of_an_addresss_subscriptions_passes_over_it(app, dialect):
    """PostgreSQL: an address of which another runner holds a subscription is left to that
    runner, so the address does not get a mail from each."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    held = subscriber("geteilt@example.org", region="th-erfurt")
    subscriber("geteilt@example.org", region="online")
    subscriber("allein@example.org")
    publish(new_seminar("Für beide", seminar_format="hybrid"))
    holding, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def other_runner():
        try:
            with app.app_context():
                db.session.execute(
                    select(InterestSubscription.id)
                    .where(InterestSubscription.id == held.id)
                    .with_for_update()
                )
                holding.set()
                release.wait(10)
                db.session.rollback()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=other_runner)
    thread.start()
    assert holding.wait(10)
    try:
        with app.app_context():
            first = alerts.send_alerts(at(1, 9))
            db.session.remove()
    finally:
        release.set()
        thread.join()
    assert errors == [] and first == 1
    assert [m.recipient for m in alert_mails()] == ["allein@example.org"]
    assert alerts.send_alerts(at(1, 10)) == 1  # released: now the address, once
    assert alerts.send_alerts(at(1, 11)) == 0
    assert len(alert_mails("geteilt@example.org")) == 1


def test_staff_read_the_kind_of_an_alert_mail_in_words(app):
    from seminars.registrations.message_kinds import message_kind_label

    assert message_kind_label(KIND) == "Hinweis auf neue Seminare"
