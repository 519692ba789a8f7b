from sqlalchemy import select

from seminars.catalogue import services
from seminars.catalogue.filters import CatalogueFilters
from seminars.core.timezone import utcnow
from seminars.demo.data import VENUES
from seminars.demo.services import seed_demo
from seminars.extensions import db
from seminars.programme import availability as av
from seminars.programme.models import FORMAT_IN_PERSON, FORMAT_ONLINE, Topic

THURINGIA = {"Erfurt", "Jena", "Weimar", "Gera", "Nordhausen", "Suhl"}
SAXONY = {"Leipzig", "Dresden", "Chemnitz", "Görlitz"}


def test_demo_programme_is_realistic(app):
    now = utcnow()
    summary = seed_demo(now)
    db.session.commit()
    upcoming = services.list_seminars(CatalogueFilters(), now=now, page_size=500).entries
    archive = services.list_seminars(CatalogueFilters(), now=now, page_size=500, archive=True)
    assert len(upcoming) >= 30 and archive.total >= 1
    assert summary.registrations > 100
    # A year, across every topic.
    assert max(e.starts_at for e in upcoming) - now <= (now.replace(year=now.year + 1) - now)
    assert {e.seminar.topic.key for e in upcoming} == set(db.session.scalars(select(Topic.key)))
    towns = {e.seminar.venue.town for e in upcoming if e.seminar.format == FORMAT_IN_PERSON}
    assert towns & THURINGIA and towns & SAXONY
    assert {v[3] for v in VENUES} <= THURINGIA | SAXONY
    assert any(e.seminar.format == FORMAT_ONLINE for e in upcoming)
    states = [e.availability for e in upcoming]
    nearly_full = [a for a in states if a.state == av.PLACES_FREE and a.places_left <= 2]
    assert nearly_full
    assert any(a.state == av.WAITLIST_OPEN for a in states)
    assert any(a.state == av.NOT_YET_OPEN for a in states)
    from seminars.registrations.models import Registration

    hashes = db.session.scalars(select(Registration.token_hash)).all()
    assert None not in hashes and len(set(hashes)) == len(hashes)


def test_seed_demo_command_only_fills_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "Demoprogramm geladen" in first.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "keine Demodaten" in again.output
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code == 1


def test_a_freshly_seeded_demo_database_is_consistent(app):
    from seminars.outbox.models import OutboxMessage
    from seminars.registrations.models import Registration

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["check-consistency"])
    assert result.exit_code == 0, result.output
    # The mails the registrations would have had, sent long ago: nothing is mailed now.
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    people = db.session.scalars(select(Registration)).all()
    assert len(statuses) == 2 * len(people) and set(statuses) == {"sent"}
    assert all(r.confirmed_at is not None for r in people)
