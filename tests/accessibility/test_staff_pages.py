"""The staff pages of the accessibility tasks: the list by urgency, a task's page and form,
the providers, the seminar's page and the start page; who may see them; constant queries."""

import re
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from seminars.accessibility import providers, task_lists, tasks
from seminars.accessibility.costs import CostError, format_euros, parse_euros
from seminars.accessibility.models import ServiceProvider, ServiceTask
from seminars.audit.models import AuditEntry
from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from tests import factories
from tests.conftest import csrf_token_from, field_error


def needing(seminar, number: int = 1, **needs) -> None:
    for _ in range(number):
        allocation.register(seminar.id, factories.applicant(**needs), now=utcnow())
    db.session.commit()


def task_of(seminar, kind: str = "sign_language") -> ServiceTask:
    db.session.expire_all()
    return db.session.scalars(
        select(ServiceTask).where(ServiceTask.seminar_id == seminar.id, ServiceTask.kind == kind)
    ).one()


def set_task(task: ServiceTask, **values) -> None:
    fields = dict(
        actor=None,
        status=task.status,
        owner_id=task.owner_id,
        provider_id=task.provider_id,
        provider_text=task.provider_text,
        planned_cost_cents=task.planned_cost_cents,
        actual_cost_cents=task.actual_cost_cents,
        note=task.note,
        now=utcnow(),
    )
    fields.update(values)
    tasks.update_task(task.id, **fields)
    db.session.commit()


# --- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("480", 48000),
        ("480,00", 48000),
        ("480,5", 48050),
        ("1.234,50", 123450),
        ("1.234", 123400),
        ("12.50", 1250),
        (" 480 € ", 48000),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_amounts_in_euros_are_read_as_staff_type_them(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize(
    "text", ["-5", "-480,00", "abc", "4,80,0", "480,001", "1.23,00", "12e3", "١٢", "9" * 40]
)
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(CostError) as refused:
        parse_euros(text)
    assert str(refused.value.message)


def test_an_amount_shows_again_as_it_is_read():
    assert format_euros(123450) == "1234,50" and parse_euros(format_euros(123450)) == 123450
    assert format_euros(None) == ""


# --- the list ----------------------------------------------------------------------------


def test_the_list_puts_the_most_urgent_first(app):
    now = utcnow()
    late = factories.seminar("Zu spät", starts_in=timedelta(days=10))  # due 11 days ago
    soon = factories.seminar("Bald fällig", starts_in=timedelta(days=25))  # due in 4 days
    later = factories.seminar("Später", starts_in=timedelta(days=90))
    booked = factories.seminar("Gebucht", starts_in=timedelta(days=60))
    gone = factories.seminar("Abgesagt", starts_in=timedelta(days=60))
    empty = factories.seminar("Niemand mehr", starts_in=timedelta(days=12))
    for seminar in (late, soon, later, booked, gone, empty):
        needing(seminar, need_sign_language=True)
    set_task(task_of(booked), status="booked")
    set_task(task_of(gone), status="cancelled")
    leaving = db.session.scalars(
        select(ServiceTask.seminar_id).where(ServiceTask.seminar_id == empty.id)
    ).one()
    from seminars.registrations.models import Registration

    person = db.session.scalars(select(Registration).where(Registration.seminar_id == leaving))
    allocation.cancel(person.one().id, now=now)
    db.session.commit()

    rows = task_lists.task_list(now)
    assert [(row.seminar_title, row.urgency) for row in rows] == [
        ("Zu spät", "overdue"),
        ("Bald fällig", "due_soon"),
        ("Niemand mehr", "unneeded"),
        ("Später", "open"),
        ("Gebucht", "provided"),
        ("Abgesagt", "closed"),
    ]
    assert rows[0].overdue and not rows[1].overdue
    assert rows[2].nobody_needs_it and not rows[2].overdue

    # The start page: what must be done now, and what nobody is in charge of yet.
    attention = [row.seminar_title for row in task_lists.needing_attention(now)]
    assert attention == ["Zu spät", "Bald fällig", "Niemand mehr", "Später"]
    set_task(task_of(later), owner_id=factories.user("staff").id)
    attention = [row.seminar_title for row in task_lists.needing_attention(now)]
    assert attention == ["Zu spät", "Bald fällig", "Niemand mehr"]


def test_an_ended_seminar_shows_only_when_asked(app):
    seminar = factories.seminar("Vorbei", starts_in=timedelta(days=30))
    needing(seminar, need_braille=True)
    later = utcnow() + timedelta(days=31)
    assert [row.seminar_title for row in task_lists.task_list(utcnow())] == ["Vorbei"]
    assert task_lists.task_list(later) == []
    assert [row.ended for row in task_lists.task_list(later, with_ended=True)] == [True]


# --- providers ---------------------------------------------------------------------------


def test_a_provider_name_is_unique_whatever_its_case(app):
    staff = factories.user("staff")
    first = providers.save_provider(
        None,
        name="Dolmetschdienst  Mitte",
        kinds=["sign_language"],
        contact="",
        active=True,
        actor=staff,
    )
    db.session.commit()
    assert first.name == "Dolmetschdienst Mitte" and first.kinds == "sign_language"
    with pytest.raises(DomainError) as refused:
        providers.save_provider(
            None, name="dolmetschdienst mitte", kinds=[], contact="", active=True, actor=staff
        )
    assert refused.value.field == "name"
    db.session.rollback()
    # Saving itself under its own name is no clash; an unknown kind is refused.
    providers.save_provider(
        first.id,
        name="Dolmetschdienst Mitte",
        kinds=[],
        contact="Tel. 1",
        active=False,
        actor=staff,
    )
    with pytest.raises(DomainError) as refused:
        providers.save_provider(
            first.id, name="X", kinds=["telepathy"], contact="", active=True, actor=staff
        )
    assert refused.value.field == "kinds"
    db.session.rollback()
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("service_provider.save") == 1  # the refused ones left nothing


def test_a_task_offers_active_providers_of_its_kind_and_keeps_its_own(app):
    staff = factories.user("staff")

    def save(name, kinds, active=True):
        return providers.save_provider(
            None, name=name, kinds=kinds, contact="", active=active, actor=staff
        )

    signing = save("Gebärden GmbH", ["sign_language"])
    anything = save("Alles-Service", [])
    printing = save("Druckerei", ["large_print"])
    retired = save("Früher", ["sign_language"], active=False)
    db.session.commit()
    names = {p.name for p in providers.provider_choices("sign_language", None)}
    assert names == {signing.name, anything.name}
    names = {p.name for p in providers.provider_choices("sign_language", retired.id)}
    assert names == {signing.name, anything.name, retired.name}
    assert printing.name not in names


def test_only_active_staff_may_own_a_task(app):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    needing(seminar, need_sign_language=True)
    steering = factories.user("steering")
    with pytest.raises(DomainError) as refused:
        set_task(task_of(seminar), owner_id=steering.id)
    assert refused.value.field == "owner_id"
    db.session.rollback()
    with pytest.raises(DomainError):
        set_task(task_of(seminar), owner_id=999_999)
    db.session.rollback()


# --- pages -------------------------------------------------------------------------------


def post_task(client, task_id: int, **values):
    page = client.get(f"/verwaltung/unterstuetzung/{task_id}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(page),
        "status": "open",
        "owner_id": "",
        "provider_id": "",
        "provider_text": "",
        "planned_cost": "",
        "actual_cost": "",
        "note": "",
    }
    data.update(values)
    return client.post(f"/verwaltung/unterstuetzung/{task_id}", data=data)


def test_staff_book_a_task_on_its_page(client, login):
    staff = login("staff")
    seminar = factories.seminar("Recht im Verein", starts_in=timedelta(days=60), sessions=2)
    needing(seminar, 2, need_sign_language=True)
    provider = providers.save_provider(
        None, name="Dolmetschdienst Mitte", kinds=[], contact="", active=True, actor=staff
    )
    db.session.commit()
    task = task_of(seminar)
    page = client.get(f"/verwaltung/unterstuetzung/{task.id}").get_data(as_text=True)
    summary = re.sub(r"\s+", " ", page.split('class="task-summary">')[1].split("</p>")[0])
    due = task.due_on
    assert summary.startswith("Gebärdensprachdolmetschung (DGS), 2 Personen, 2 Termine, buchen bis")
    assert str(due.year) in summary
    assert "Erika" not in page  # counts only: the names are on the registrations page
    assert f'href="/verwaltung/unterstuetzung/{task.id}/absage-mitteilen"' in page

    answer = post_task(
        client,
        task.id,
        status="booked",
        owner_id=str(staff.id),
        provider_id=str(provider.id),
        provider_text="Frau A. und Herr B.",
        planned_cost="1.234,50",
        actual_cost="480",
        note="Zwei im Wechsel",
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/verwaltung/unterstuetzung/{task.id}")
    task = task_of(seminar)
    assert (task.status, task.owner_id, task.provider_id) == ("booked", staff.id, provider.id)
    assert (task.planned_cost_cents, task.actual_cost_cents) == (123450, 48000)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Die Aufgabe ist gespeichert." in page
    assert 'value="1234,50"' in page and 'value="480,00"' in page
    log = page.split('id="audit-heading"')[1]
    assert "offen → gebucht" in log and "Dolmetschdienst Mitte" in log
    assert "1.234,50" in log and staff.name in log


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_cost", "abc", "Bitte geben Sie einen Betrag in Euro an"),
        ("planned_cost", "-5", "Kosten können nicht negativ sein."),
        ("actual_cost", "99999999999", "höchstens 1.000.000 Euro"),
        ("status", "done", "Bitte wählen Sie einen der angebotenen Stände."),
        ("owner_id", "abc", "Bitte wählen Sie eine Person aus der Liste."),
        ("owner_id", "99999999999999", "Bitte wählen Sie eine Person aus der Liste."),
        ("provider_id", "12345", "Diesen Anbieter gibt es nicht (mehr)."),
        ("provider_text", "x" * 201, "Höchstens 200 Zeichen."),
    ],
)
def test_bad_input_gets_a_message_under_its_field(client, login, field, value, message):
    login("staff")
    seminar = factories.seminar(starts_in=timedelta(days=60))
    needing(seminar, need_sign_language=True)
    task = task_of(seminar)
    answer = post_task(client, task.id, **{"status": "booked", field: value})
    assert answer.status_code == 422
    assert message in field_error(answer.get_data(as_text=True), field)
    assert task_of(seminar).status == "open"  # nothing saved


def test_staff_add_a_provider_and_a_clash_is_said_under_the_name(client, login):
    login("staff")
    form = client.get("/verwaltung/unterstuetzung/anbieter/neu").get_data(as_text=True)
    values = {
        "csrf_token": csrf_token_from(form),
        "name": "Druckerei Ost",
        "kinds": ["large_print", "braille"],
        "contact": "Tel. 0361 1",
        "active": "y",
    }
    answer = client.post("/verwaltung/unterstuetzung/anbieter/neu", data=values)
    assert answer.status_code == 303
    saved = db.session.scalars(select(ServiceProvider)).one()
    assert saved.kinds == "large_print,braille" and saved.active
    page = client.get("/verwaltung/unterstuetzung/anbieter").get_data(as_text=True)
    assert "Druckerei Ost" in page and "Unterlagen in Brailleschrift" in page
    edit = client.get(f"/verwaltung/unterstuetzung/anbieter/{saved.id}").get_data(as_text=True)
    checked = re.findall(
        r'<input checked id="kinds-[0-9]+" name="kinds" [^>]*value="([a-z_]+)"', edit
    )
    assert checked == ["large_print", "braille"]

    again = client.post("/verwaltung/unterstuetzung/anbieter/neu", data=values)
    assert again.status_code == 422
    assert "Einen Anbieter mit diesem Namen gibt es schon." in field_error(
        again.get_data(as_text=True), "name"
    )
    odd = client.post(
        "/verwaltung/unterstuetzung/anbieter/neu",
        data={**values, "name": "Anderer", "kinds": ["telepathy"]},
    )
    assert odd.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(ServiceProvider)) == 1
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "service_provider.save")
    ).all()
    assert len(entries) == 1 and entries[0].after["name"] == "Druckerei Ost"


PAGES = [
    "/verwaltung/unterstuetzung",
    "/verwaltung/unterstuetzung/{task}",
    "/verwaltung/unterstuetzung/anbieter",
    "/verwaltung/unterstuetzung/anbieter/neu",
]


@pytest.mark.parametrize("path", PAGES)
def test_steering_may_not_open_the_pages_and_anonymous_visitors_log_in(client, login, path):
    seminar = factories.seminar(starts_in=timedelta(days=60))
    needing(seminar, need_sign_language=True)
    url = path.format(task=task_of(seminar).id)
    answer = client.get(url)
    assert answer.status_code == 302 and "/verwaltung/anmelden" in answer.headers["Location"]
    login("steering")
    assert client.get(url).status_code == 403


def test_the_list_words_status_overdue_and_nobody(client, login):
    login("admin")
    late = factories.seminar("Zu spät", starts_in=timedelta(days=10))
    needing(late, 2, need_speech_to_text=True)
    from seminars.registrations.models import Registration

    empty = factories.seminar("Leer", starts_in=timedelta(days=50))
    needing(empty, need_braille=True)
    person = db.session.scalars(select(Registration).where(Registration.seminar_id == empty.id))
    allocation.cancel(person.one().id, now=utcnow())
    db.session.commit()
    page = client.get("/verwaltung/unterstuetzung").get_data(as_text=True)
    overdue = page.split('id="group-overdue"')[1].split("</section>")[0]
    assert "Schriftdolmetschung" in overdue and "überfällig" in overdue and "2 Personen" in overdue
    assert f"/verwaltung/seminare/{late.id}" in overdue and "offen" in overdue
    unneeded = page.split('id="group-unneeded"')[1].split("</section>")[0]
    assert "Niemand braucht das mehr" in unneeded and "überfällig" not in unneeded
    assert f"/verwaltung/unterstuetzung/{task_of(empty, 'braille').id}" in unneeded


def test_the_seminar_page_lists_its_tasks(client, login):
    login("staff")
    seminar = factories.seminar("Mit Bedarf", starts_in=timedelta(days=60))
    needing(seminar, need_sign_language=True, need_easy_read=True)
    page = client.get(f"/verwaltung/seminare/{seminar.id}").get_data(as_text=True)
    box = page.split('id="tasks-heading"')[1].split("</section>")[0]
    for kind in ("sign_language", "easy_read"):
        assert f"/verwaltung/unterstuetzung/{task_of(seminar, kind).id}" in box
    assert "Unterlagen in Leichter Sprache" in box and "1 Person" in box
    # The seminar's change log words the task's values too.
    set_task(task_of(seminar), status="booked", planned_cost_cents=48000)
    page = client.get(f"/verwaltung/seminare/{seminar.id}").get_data(as_text=True)
    log = page.split('id="audit-heading"')[1]
    assert "Unterstützungsleistung bearbeitet" in log and "offen → gebucht" in log
    assert "Gebärdensprachdolmetschung (DGS)" in log and "480,00" in log
    other = factories.seminar("Ohne Bedarf")
    assert 'id="tasks-heading"' not in client.get(f"/verwaltung/seminare/{other.id}").get_data(
        as_text=True
    )


def test_the_alert_mail_links_to_the_task(app):
    from seminars.outbox.models import OutboxMessage

    seminar = factories.seminar(starts_in=timedelta(days=10))
    needing(seminar, need_sign_language=True)
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "service_need_arrived")
    ).one()
    assert f"/verwaltung/unterstuetzung/{task_of(seminar).id}" in mail.body_text
    assert f"/verwaltung/seminare/{seminar.id}" not in mail.body_text


# --- queries -----------------------------------------------------------------------------


_provider_numbers = count(1)


def _more_tasks(rounds: int) -> None:
    staff = factories.user("staff")
    for number in range(rounds):
        seminar = factories.seminar(starts_in=timedelta(days=10 + 7 * number))
        needing(seminar, need_sign_language=True, need_large_print=True)
        provider = providers.save_provider(
            None,
            name=f"Anbieter {next(_provider_numbers)}",
            kinds=[],
            contact="",
            active=True,
            actor=staff,
        )
        db.session.commit()
        set_task(
            task_of(seminar),
            status="booked" if number % 2 else "open",
            owner_id=staff.id if number % 3 else None,
            provider_id=provider.id,
            provider_text="Team",
        )


@pytest.mark.parametrize(
    "path",
    [
        "/verwaltung/unterstuetzung",
        "/verwaltung/unterstuetzung?beendete=1",
        "/verwaltung/unterstuetzung/anbieter",
        "/verwaltung/",
        "/verwaltung/seminare/{seminar}",
        "/verwaltung/unterstuetzung/{task}",
    ],
)
def test_the_pages_run_a_constant_number_of_queries(client, login, count_queries, path):
    staff = login("staff")
    seminar = factories.seminar(starts_in=timedelta(days=60))
    needing(seminar, need_sign_language=True, need_braille=True, need_dietary=True)
    task = task_of(seminar)
    _more_tasks(1)
    provider = db.session.scalars(select(ServiceProvider)).first()
    set_task(task, owner_id=staff.id, provider_id=provider.id, actor=staff)  # one log entry
    url = path.format(seminar=seminar.id, task=task.id)

    def measure() -> tuple[int, int]:
        client.get(url)  # sends the mails the registrations queued (alerts to staff)
        db.session.expire_all()
        with count_queries() as counter:
            page = client.get(url)
        assert page.status_code == 200, url
        return counter.count, len(page.data)

    few, small = measure()
    _more_tasks(6)
    for number in range(4):  # the task's own log grows too
        set_task(task_of(seminar), owner_id=staff.id, note=f"Notiz {number}", actor=staff)
    many, large = measure()
    assert large > small, url
    assert many == few, url
