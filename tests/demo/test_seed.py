from flask import current_app
from sqlalchemy import func, select

from seminars.catalogue import services
from seminars.catalogue.filters import CatalogueFilters
from seminars.certificates.models import Certificate
from seminars.core.timezone import utcnow
from seminars.demo.data import VENUES
from seminars.demo.services import seed_demo
from seminars.extensions import db
from seminars.programme import availability as av
from seminars.programme.models import FORMAT_IN_PERSON, FORMAT_ONLINE, Topic
from seminars.registrations.models import Attendance, Registration
from seminars.statistics import services as statistics
from seminars.surveys import links
from seminars.surveys.models import SurveyInvitation, SurveyInvitee, SurveyResponse

THURINGIA = {"Erfurt", "Jena", "Weimar", "Gera", "Nordhausen", "Suhl"}
SAXONY = {"Leipzig", "Dresden", "Chemnitz", "Görlitz"}
DEMO_TABLES = (Registration, Attendance, Certificate, SurveyInvitee, SurveyResponse)


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
    loaded = [db.session.scalar(select(func.count()).select_from(t)) for t in DEMO_TABLES]
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "keine Demodaten" in again.output
    assert [db.session.scalar(select(func.count()).select_from(t)) for t in DEMO_TABLES] == loaded
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
    statuses = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.channel == "email")
    ).all()
    everyone = db.session.scalars(select(Registration)).all()
    people = [r for r in everyone if r.email]
    # Two mails per registration; the completed seminar's certificates and invitations too.
    later = db.session.scalar(select(func.count()).select_from(Certificate)) + db.session.scalar(
        select(func.count()).select_from(SurveyInvitee)
    )
    assert later > 0
    assert len(statuses) == 2 * len(people) + later and set(statuses) == {"sent"}
    assert all(r.confirmed_at is not None for r in everyone)


def test_the_demo_has_letters_to_print_and_calls_to_make(app):
    from seminars.outbox.models import OutboxMessage

    seed_demo(utcnow())
    db.session.commit()
    without = db.session.scalars(
        select(Registration)
        .where(Registration.email_normalized.is_(None))
        .order_by(Registration.id)
    ).all()
    assert [r.last_name for r in without] == ["Hollstein", "Pohlmann", "Kämmerer", "Seidelmann"]
    assert {r.channel for r in without} == {"post", "phone"}
    assert {r.county[:3] for r in without} == {"th-", "sn-"}
    assert any(r.need_large_print for r in without if r.channel == "post")
    assert all(r.registered_by_staff for r in without)
    # Three have their seat; the last caller was booked onto a full seminar's waitlist, moved
    # ahead, and offered the seat the academy added.
    assert [r.status for r in without] == ["confirmed", "confirmed", "confirmed", "offered"]
    assert without[-1].offer_expires_at is not None
    waiting = db.session.execute(
        select(OutboxMessage.channel, OutboxMessage.kind, OutboxMessage.recipient)
        .where(OutboxMessage.status == "pending", OutboxMessage.channel != "email")
        .order_by(OutboxMessage.id)
    ).all()
    # What was said on the phone at booking is done; letters and the offer call wait.
    assert [(channel, kind) for channel, kind, _ in waiting] == [
        ("letter", "confirmed"),
        ("letter", "confirmed"),
        ("call", "seat_offered"),
    ]
    assert "99423 Weimar" in waiting[0].recipient and waiting[2].recipient == "0371 4402937"


def test_the_latest_past_seminar_went_through_every_later_stage(app):
    now = utcnow()
    completed = seed_demo(now).completed
    db.session.commit()
    assert completed is not None
    seminar_id = completed.seminar_id
    confirmed = db.session.scalars(
        select(Registration.id).where(
            Registration.seminar_id == seminar_id, Registration.status == "confirmed"
        )
    ).all()
    # Attendance of everyone but one; certificates and invitations for those who came.
    assert len(confirmed) - 1 == completed.present >= 5
    present = set(
        db.session.scalars(select(Attendance.registration_id).where(Attendance.present)).all()
    )
    assert len(present) == completed.present
    holders = db.session.scalars(
        select(Certificate.registration_id).where(Certificate.seminar_id == seminar_id)
    ).all()
    assert set(holders) == present and completed.certificates == len(holders)
    invited = db.session.scalars(
        select(SurveyInvitee.registration_id).where(SurveyInvitee.seminar_id == seminar_id)
    ).all()
    assert set(invited) == present and completed.invited == len(invited)
    # Enough answers for the minimum group rule, each given through a participant's link.
    minimum = current_app.config["SURVEY_MIN_RESPONSES"]
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert minimum <= len(responses) == completed.answers <= len(invited)
    ballots = {links.ballot(links.survey_token(seminar_id, r)) for r in invited}
    assert {response.ballot for response in responses} <= ballots
    assert all(response.seminar_id == seminar_id for response in responses)
    # No response points to a person: no such column, and nothing the database holds pairs
    # a ballot with an invitation (only the secret does).
    columns = set(SurveyResponse.__table__.columns.keys())
    assert columns == {"id", "seminar_id", "template_id", "ballot", "answers", "hidden", "released"}
    stored = set(db.session.scalars(select(SurveyResponse.ballot)))
    hashes = {row for row in db.session.scalars(select(SurveyInvitation.token_hash))}
    assert stored and not stored & hashes


def test_the_statistics_show_survey_figures(app, client, login):
    now = utcnow()
    completed = seed_demo(now).completed
    db.session.commit()
    assert completed is not None
    figures = statistics.statistics(statistics.Filters(seminar_id=completed.seminar_id), now=now)
    assert figures.headline.survey.responses == completed.answers
    shown = {q.key: q for q in figures.questions if q.shown}
    assert "overall" in shown and shown["overall"].n >= figures.minimum
    assert shown["overall"].mean is not None
    login("staff")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "zu wenige Antworten" not in page.split("Rücklaufquote", 1)[1][:300]


def test_the_demo_shows_what_accessibility_services_cost(app):
    from seminars.accessibility.models import TASK_PROVIDED, ServiceProvider, ServiceTask

    now = utcnow()
    seed_demo(now)
    db.session.commit()
    assert len(db.session.scalars(select(ServiceProvider)).all()) == 3
    provided = db.session.scalars(
        select(ServiceTask).where(ServiceTask.status.in_(TASK_PROVIDED))
    ).all()
    assert any(t.actual_cost_cents for t in provided)
    assert any(t.planned_cost_cents and t.actual_cost_cents is None for t in provided)
    table = statistics.services_of(statistics.Filters(), now=now)
    # The completed seminar's sign-language interpreting (three people) is published.
    assert not table.empty and table.total.cost_cents > 0 and table.total.sessions > 0
