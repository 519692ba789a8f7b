"""The lifecycle of accessibility tasks, without HTTP: a need creates the task, another
joins it, people leaving lower the count, the last one leaving is said, staff book and cost
it, and an ended seminar's task stands still."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.accessibility import tasks
from seminars.accessibility.alerts import alert_reason
from seminars.accessibility.models import ServiceTask
from seminars.audit.models import AuditEntry
from seminars.core.errors import DomainError
from seminars.core.timezone import berlin_date, utcnow
from seminars.extensions import db
from seminars.programme.models import SeminarSession
from seminars.registrations import allocation
from seminars.registrations.staff_notice import staff_address
from tests import factories


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def register(seminar, now, **needs):
    result = allocation.register(seminar.id, factories.applicant(**needs), now=now)
    db.session.commit()
    return result.registration


def sessions_of(seminar) -> list[SeminarSession]:
    return list(
        db.session.scalars(
            select(SeminarSession)
            .where(SeminarSession.seminar_id == seminar.id)
            .order_by(SeminarSession.starts_at)
        )
    )


def tasks_of(seminar) -> dict[str, ServiceTask]:
    db.session.expire_all()
    found = db.session.scalars(select(ServiceTask).where(ServiceTask.seminar_id == seminar.id))
    return {task.kind: task for task in found}


def test_a_need_creates_one_task_per_kind_with_its_due_date(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60), sessions=2, hours=3)
    register(seminar, now, need_sign_language=True, need_braille=True)

    found = tasks_of(seminar)
    assert set(found) == {"sign_language", "braille"}
    interpreting = found["sign_language"]
    first_start = sessions_of(seminar)[0].starts_at
    lead = app.config["INTERPRETER_LEAD_DAYS"]
    assert interpreting.due_on == berlin_date(first_start) - timedelta(days=lead)
    assert (interpreting.status, interpreting.people, interpreting.peak_people) == ("open", 1, 1)
    assert (interpreting.sessions, interpreting.minutes) == (2, 360)
    # Braille has a lead time of its own.
    assert found["braille"].due_on == berlin_date(first_start) - timedelta(days=21)


def test_needs_a_venue_or_a_seat_answers_create_no_task(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_step_free=True, need_hearing_loop=True)
    register(seminar, now, need_personal_assistant=True)
    assert tasks_of(seminar) == {}


def test_configured_lead_days_move_the_due_date(app, now):
    app.config["SERVICE_LEAD_DAYS"] = {"braille": 40}
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_braille=True)
    first_start = sessions_of(seminar)[0].starts_at
    assert tasks_of(seminar)["braille"].due_on == berlin_date(first_start) - timedelta(days=40)


def test_a_second_person_joins_the_task_and_the_waitlist_is_counted_apart(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60), capacity=2)
    first = register(seminar, now, need_sign_language=True)
    allocation.confirm(first.id, now=now)
    db.session.commit()
    register(seminar, now, need_sign_language=True)
    register(seminar, now, need_sign_language=True)  # no seat left: on the waitlist

    task = tasks_of(seminar)["sign_language"]
    assert (task.people, task.waiting) == (2, 1)
    assert db.session.scalar(select(db.func.count()).select_from(ServiceTask)) == 1


def test_the_last_person_leaving_is_said_and_a_new_need_clears_it(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    registration = register(seminar, now, need_speech_to_text=True)
    allocation.cancel(registration.id, now=now)
    db.session.commit()

    task = tasks_of(seminar)["speech_to_text"]
    assert task.people == 0 and task.unneeded_since is not None
    assert task.peak_people == 1  # what it was, for the record
    assert task.status == "open"  # staff decide: it is not closed behind their back

    register(seminar, now, need_speech_to_text=True)
    task = tasks_of(seminar)["speech_to_text"]
    assert task.people == 1 and task.unneeded_since is None


def test_staff_book_and_cost_a_task_and_every_change_is_in_the_change_log(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_sign_language=True)
    staff = factories.user("staff", email="planung@example.org")
    task = tasks_of(seminar)["sign_language"]

    tasks.update_task(
        task.id,
        actor=staff,
        status="booked",
        owner_id=staff.id,
        provider_id=None,
        provider_text="Dolmetschdienst Mitte",
        planned_cost_cents=48000,
        actual_cost_cents=None,
        note="Zwei Personen im Wechsel",
        now=now,
    )
    db.session.commit()
    task = tasks_of(seminar)["sign_language"]
    assert (task.status, task.owner_id, task.cost_cents) == ("booked", staff.id, 48000)
    assert task.status_changed_at is not None

    tasks.update_task(
        task.id,
        actor=staff,
        status="confirmed",
        owner_id=staff.id,
        provider_id=None,
        provider_text="Dolmetschdienst Mitte",
        planned_cost_cents=48000,
        actual_cost_cents=51250,
        note="Zwei Personen im Wechsel",
        now=now,
    )
    db.session.commit()
    assert tasks_of(seminar)["sign_language"].cost_cents == 51250

    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "service_task.update")
            .order_by(AuditEntry.id)
        )
    )
    assert [e.after.get("status") for e in entries] == ["booked", "confirmed"]
    assert entries[1].before == {
        "task": "sign_language",
        "status": "booked",
        "actual_cost_cents": None,
    }
    assert entries[0].seminar_id == seminar.id


def test_staff_cannot_enter_a_negative_cost_or_an_unknown_state(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_sign_language=True)
    task = tasks_of(seminar)["sign_language"]
    values = dict(
        actor=None,
        owner_id=None,
        provider_id=None,
        provider_text="",
        actual_cost_cents=None,
        note="",
        now=now,
    )
    with pytest.raises(DomainError) as refused:
        tasks.update_task(task.id, status="booked", planned_cost_cents=-1, **values)
    assert refused.value.field == "planned_cost"
    with pytest.raises(DomainError) as refused:
        tasks.update_task(task.id, status="done", planned_cost_cents=None, **values)
    assert refused.value.field == "status"


def test_an_ended_seminar_keeps_its_task_as_it_was(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    registration = register(seminar, now, need_sign_language=True)
    later = sessions_of(seminar)[0].ends_at + timedelta(days=1)
    registration.need_sign_language = False
    db.session.flush()
    assert tasks.reconcile(seminar.id, now=later) == []
    db.session.rollback()
    assert tasks_of(seminar)["sign_language"].people == 1


def test_a_new_date_moves_the_due_date_of_an_open_task_only(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_sign_language=True, need_braille=True)
    staff = factories.user("staff", email="planung2@example.org")
    braille = tasks_of(seminar)["braille"]
    tasks.update_task(
        braille.id,
        actor=staff,
        status="booked",
        owner_id=None,
        provider_id=None,
        provider_text="",
        planned_cost_cents=None,
        actual_cost_cents=None,
        note="",
        now=now,
    )
    db.session.commit()
    booked_due = tasks_of(seminar)["braille"].due_on
    session = sessions_of(seminar)[0]
    session.starts_at += timedelta(days=14)
    session.ends_at += timedelta(days=14)
    db.session.commit()
    found = tasks_of(seminar)
    assert found["sign_language"].due_on == berlin_date(session.starts_at) - timedelta(days=21)
    assert found["braille"].due_on == booked_due


def test_alerts_go_for_arrivals_when_booked_or_due_and_for_the_last_to_leave(app, now):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    register(seminar, now, need_sign_language=True)
    task = tasks_of(seminar)["sign_language"]
    arrived = tasks.Change(task=task, before=1, now=2, created=False)
    left = tasks.Change(task=task, before=1, now=0, created=False)
    task.waiting = 0

    task.due_on, task.status = berlin_date(now) + timedelta(days=30), "open"
    assert alert_reason(arrived) is None  # far off and nobody booked yet: the list suffices
    assert alert_reason(left) is None
    task.due_on = berlin_date(now) + timedelta(days=2)
    assert alert_reason(arrived) == "arrived"
    task.due_on, task.status = berlin_date(now) + timedelta(days=30), "booked"
    assert alert_reason(arrived) == "arrived"
    assert alert_reason(left) == "last_left"
    db.session.rollback()


def test_an_alert_mail_names_the_service_and_the_count_but_no_person(app, now):
    from seminars.outbox.models import OutboxMessage

    seminar = factories.seminar(starts_in=timedelta(days=10))  # the due date has passed
    registration = register(seminar, now, need_sign_language=True)
    mails = list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "service_need_arrived")
        )
    )
    assert len(mails) == 1
    body = mails[0].body_text
    assert "Gebärdensprachdolmetschung" in body and "1 Person braucht sie" in body
    assert registration.last_name not in body and registration.email not in body
    assert mails[0].recipient == staff_address()
    assert mails[0].status == "pending"  # the worker sends it; the registration did not wait

    # Once somebody owns the task, the news go to them.
    staff = factories.user("staff", email="dolmetschen@example.org")
    task = tasks_of(seminar)["sign_language"]
    task.owner_id = staff.id
    db.session.commit()
    register(seminar, now, need_sign_language=True)
    recipients = db.session.scalars(
        select(OutboxMessage.recipient)
        .where(OutboxMessage.kind == "service_need_arrived")
        .order_by(OutboxMessage.id)
    ).all()
    assert recipients == [staff_address(), "dolmetschen@example.org"]


def test_housekeeping_reconciles_seminars_whose_tasks_fell_out_of_step(app, now):
    from sqlalchemy import update

    from seminars.housekeeping.services import reconcile_service_tasks
    from seminars.registrations.models import Registration

    seminar = factories.seminar(starts_in=timedelta(days=60))
    other = factories.seminar(starts_in=timedelta(days=60))
    registration = register(seminar, now, need_sign_language=True)
    register(other, now, need_sign_language=True)
    assert tasks.seminars_out_of_step(now) == []
    # A bulk statement (as an older version or a script might issue) is not watched.
    db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id)
        .values(need_sign_language=False, need_easy_read=True)
    )
    db.session.commit()
    assert tasks.seminars_out_of_step(now) == [seminar.id]

    assert reconcile_service_tasks(now) == 1
    found = tasks_of(seminar)
    assert (found["sign_language"].people, found["easy_read"].people) == (0, 1)
    assert tasks.seminars_out_of_step(now) == []
