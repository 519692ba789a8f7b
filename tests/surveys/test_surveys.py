import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from seminars.core.timezone import utcnow
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation, staff
from seminars.surveys import services
from seminars.surveys.models import SurveyQuestion, SurveyResponse
from tests import factories
from tests.conftest import csrf_token_from


def finished_seminar(people=3, *, attended=None, ended_hours_ago=2, **fields):
    """A seminar that ended ``ended_hours_ago``; ``attended``: indexes marked present."""
    seminar = factories.seminar(
        starts_in=timedelta(hours=-(ended_hours_ago + 6)), hours=6, capacity=people, **fields
    )
    earlier = utcnow() - timedelta(hours=ended_hours_ago + 6, days=10)
    registrations = []
    for number in range(people):
        registration = allocation.register(
            seminar.id, factories.applicant(number), now=earlier
        ).registration
        db.session.commit()
        allocation.confirm(registration.id, now=earlier)
        db.session.commit()
        registrations.append(registration)
    if attended is not None:
        session = staff.attendance_of(seminar.id).sessions[0]
        staff.record_attendance(
            seminar.id,
            session.id,
            {registrations[i].id for i in attended},
            actor=None,
            now=utcnow(),
        )
        db.session.commit()
    return seminar, registrations


def invitation_tokens() -> dict[str, str]:
    """recipient -> survey link path, from the mails in the outbox (letters carry a code)."""
    links = {}
    for message in db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "survey_invitation", OutboxMessage.channel == "email"
        )
    ):
        links[message.recipient] = re.search(
            r"http://seminare\.test(/befragung/\S+)", message.body_text
        ).group(1)
    return links


def test_attendees_are_invited_once(app):
    _seminar, people = finished_seminar(3, attended=[0, 2])
    assert services.send_invitations(utcnow()) == 2
    assert services.send_invitations(utcnow()) == 0
    assert sorted(invitation_tokens()) == sorted([people[0].email, people[2].email])


def test_without_recorded_attendance_everyone_confirmed_after_the_grace_days(app):
    finished_seminar(2)
    assert services.send_invitations(utcnow()) == 0
    assert services.send_invitations(utcnow() + timedelta(days=3)) == 2


def test_no_invitations_for_cancelled_running_or_long_past_seminars(app):
    cancelled, _people = finished_seminar(1, attended=[0])
    cancelled.status = "cancelled"
    db.session.commit()
    factories.seminar(starts_in=timedelta(days=3))
    finished_seminar(1, attended=[0], ended_hours_ago=24 * 30)
    assert services.send_invitations(utcnow()) == 0


def test_one_reminder_and_the_survey_closes(app, client):
    _seminar, people = finished_seminar(1, attended=[0])
    now = utcnow()
    services.send_invitations(now)
    assert services.send_reminders(now + timedelta(days=6)) == 0
    assert services.send_reminders(now + timedelta(days=7, minutes=1)) == 1
    assert services.send_reminders(now + timedelta(days=8)) == 0
    path = invitation_tokens()[people[0].email]
    token = path.rsplit("/", 1)[1]
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "survey_reminder")
    ).one()
    assert path in reminder.body_text  # the same link again
    with pytest.raises(services.SurveyLinkGone):
        services.open_survey(token, now=now + timedelta(days=21, minutes=1))


def test_everyone_invited_is_reminded_answered_or_not(app):
    """Reminding only those who did not answer would write down who answered."""
    _seminar, people = finished_seminar(2, attended=[0, 1])
    now = utcnow()
    services.send_invitations(now)
    token = invitation_tokens()[people[0].email].rsplit("/", 1)[1]
    services.submit(token, {}, now=now + timedelta(days=1))
    db.session.commit()
    assert services.send_reminders(now + timedelta(days=7, minutes=1)) == 2


def test_no_reminder_once_the_survey_closed(app):
    finished_seminar(1, attended=[0])
    now = utcnow()
    services.send_invitations(now)
    assert services.send_reminders(now + timedelta(days=21, minutes=1)) == 0


def test_answering_stores_an_anonymous_response_and_uses_the_link(app, client):
    seminar, people = finished_seminar(1, attended=[0], seminar_format="online")
    services.send_invitations(utcnow())
    path = invitation_tokens()[people[0].email]
    page = client.get(path).get_data(as_text=True)
    assert '<fieldset class="scale">' in page and "<legend>Wie zufrieden sind Sie insgesamt" in page
    assert "Technik" in page  # online seminar: the technology question is asked
    questions = {q.key: q.id for q in db.session.scalars(select(SurveyQuestion))}
    response = client.post(
        path,
        data={
            f"q{questions['overall']}": "5",
            f"q{questions['recommend']}": "yes",
            f"q{questions['helped_most']}": "Der Austausch\x00",
            f"q{questions['trainer']}": "9",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert stored.seminar_id == seminar.id
    assert stored.answers == {
        str(questions["overall"]): 5,
        str(questions["recommend"]): True,
        str(questions["helped_most"]): "Der Austausch",
    }
    again = client.get(path)
    assert again.status_code == 410 and "schon bei uns angekommen" in again.get_data(as_text=True)


def test_in_person_seminars_are_not_asked_about_technology(app, client):
    _seminar, people = finished_seminar(1, attended=[0], seminar_format="in_person")
    services.send_invitations(utcnow())
    assert "Technik" not in client.get(invitation_tokens()[people[0].email]).get_data(as_text=True)


@pytest.mark.parametrize("token", ["x", "B" * 43])
def test_unknown_links_are_friendly(client, token):
    response = client.get(f"/befragung/{token}")
    assert response.status_code == 404 and "Befragung" in response.get_data(as_text=True)


def test_response_rows_cannot_lead_back_to_a_person(app):
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_response")}
    assert columns == {"id", "seminar_id", "template_id", "ballot", "answers", "hidden", "released"}
    foreign = {
        fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("survey_response")
    }
    assert foreign == {"seminar", "survey_template"}
    types = {
        c["name"]: str(c["type"]).upper() for c in inspect(db.engine).get_columns("survey_response")
    }
    assert not [name for name, kind in types.items() if "DATE" in kind or "TIME" in kind]


def test_invitations_name_no_person(app):
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_invitation")}
    assert columns == {"id", "seminar_id", "template_id", "token_hash", "closes_at"}
    foreign = {
        fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("survey_invitation")
    }
    assert foreign == {"seminar", "survey_template"}


def test_two_submissions_at_once_store_one_response(app):
    _seminar, people = finished_seminar(1, attended=[0])
    services.send_invitations(utcnow())
    token = invitation_tokens()[people[0].email].rsplit("/", 1)[1]
    question_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "overall")
    ).one()
    start = threading.Barrier(2)
    outcomes = []

    def send():
        with app.app_context():
            start.wait()
            try:
                with unit():  # the write transaction a request opens around the service
                    services.submit(token, {f"q{question_id}": "4"}, now=utcnow())
                outcomes.append("stored")
            except services.SurveyLinkGone:
                outcomes.append("gone")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.rollback()
    assert sorted(outcomes) == ["gone", "stored"]
    assert len(db.session.scalars(select(SurveyResponse)).all()) == 1
    with pytest.raises(services.SurveyLinkGone):
        services.submit(token, {f"q{question_id}": "2"}, now=utcnow())
    db.session.rollback()
    assert len(db.session.scalars(select(SurveyResponse)).all()) == 1
