"""The whole way of an accessibility service, through the pages: deaf volunteers register,
a task appears with its due date, staff take it on, book it and enter what it cost, the
volunteers' pages say it is booked, the venue's missing hearing loop is flagged and settled,
and once the seminar has been held the funder's figures show the cost."""

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from seminars.accessibility.models import ServiceTask
from seminars.core.timezone import berlin_date, utcnow
from seminars.extensions import db
from seminars.programme.models import SeminarSession
from seminars.registrations import tokens
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from

VOLUNTEERS = 3  # the funder's figures show a service from the configured minimum of people on


def _text(response) -> str:
    return response.get_data(as_text=True)


def _register_and_confirm(client, seminar, number: int, **needs) -> str:
    """A volunteer fills in the public form and confirms by the link; their token."""
    page = _text(client.get(f"/seminare/{seminar.id}"))
    data = {
        "csrf_token": csrf_token_from(page),
        "first_name": "Gisela",
        "last_name": f"Gehörlos{number}",
        "email": f"gisela{number}@example.org",
        "organisation": "SHG Hörgeschädigte Jena",
        "county": "",
        "phone": "",
        "needs_other": "",
        "remarks": "",
        "consent": "y",
        "website": "",
        **{key: "y" for key in needs},
    }
    assert client.post(f"/seminare/{seminar.id}/anmeldung", data=data).status_code == 303
    registration = db.session.scalars(
        select(Registration).where(Registration.email == data["email"])
    ).one()
    # The link in the mail carries this token (only its hash is stored).
    token = tokens.token_for(registration.id, registration.token_salt)
    personal = _text(client.get(f"/anmeldung/{token}"))
    confirmed = client.post(
        f"/anmeldung/{token}/bestaetigen", data={"csrf_token": csrf_token_from(personal)}
    )
    assert confirmed.status_code == 303
    return token


def test_a_deaf_volunteer_is_served_from_registration_to_the_funders_report(app, client, login):
    venue = factories.venue("Jena", hearing_loop=False)
    seminar = factories.seminar(
        "Recht im Ehrenamt",
        starts_in=timedelta(days=40),
        sessions=2,
        hours=3,
        capacity=12,
        place=venue,
    )
    tokens_of = [
        _register_and_confirm(client, seminar, 1, need_sign_language=True, need_hearing_loop=True),
        *(
            _register_and_confirm(client, seminar, n, need_sign_language=True)
            for n in range(2, VOLUNTEERS + 1)
        ),
    ]

    # A task appears, with its due date from the interpreters' lead time.
    db.session.expire_all()
    task = db.session.scalars(select(ServiceTask).where(ServiceTask.seminar_id == seminar.id)).one()
    first_start = db.session.scalar(
        select(db.func.min(SeminarSession.starts_at)).where(SeminarSession.seminar_id == seminar.id)
    )
    due = berlin_date(first_start) - timedelta(days=app.config["INTERPRETER_LEAD_DAYS"])
    assert (task.kind, task.status, task.people, task.due_on) == ("sign_language", "open", 3, due)
    assert "Unterstützung für Sie" not in _text(client.get(f"/anmeldung/{tokens_of[0]}"))

    staff = login("staff")
    listing = _text(client.get("/verwaltung/unterstuetzung"))
    assert f"/verwaltung/unterstuetzung/{task.id}" in listing and "Recht im Ehrenamt" in listing
    page = _text(client.get(f"/verwaltung/unterstuetzung/{task.id}"))
    summary = re.sub(r"\s+", " ", page.split('class="task-summary">')[1].split("</p>")[0])
    assert summary.startswith("Gebärdensprachdolmetschung (DGS), 3 Personen, 2 Termine")

    # Staff take it on, book it, and later enter what it cost.
    def save(**values):
        form = _text(client.get(f"/verwaltung/unterstuetzung/{task.id}"))
        data = {
            "csrf_token": csrf_token_from(form),
            "owner_id": str(staff.id),
            "provider_id": "",
            "provider_text": "Dolmetschzentrale Thüringen",
            "planned_cost": "1.440,00",
            "actual_cost": "",
            "note": "",
            **values,
        }
        answer = client.post(f"/verwaltung/unterstuetzung/{task.id}", data=data)
        assert answer.status_code == 303

    save(status="requested")
    save(status="booked")
    save(status="confirmed", actual_cost="1.512,50")
    db.session.expire_all()
    task = db.session.get(ServiceTask, task.id)
    assert (task.status, task.owner_id, task.actual_cost_cents) == ("confirmed", staff.id, 151250)

    # Every volunteer's page says so.
    for token in tokens_of:
        assert "Gebärdensprachdolmetschung ist gebucht." in _text(client.get(f"/anmeldung/{token}"))

    # The venue has no hearing loop: flagged on the seminar's page until staff settle it.
    seminar_page = f"/verwaltung/seminare/{seminar.id}"
    assert "Der Ort passt nicht zu allen Bedarfen" in _text(client.get(seminar_page))
    check = _text(client.get(f"{seminar_page}/ortspruefung"))
    settled = client.post(
        f"{seminar_page}/ortspruefung",
        data={
            "csrf_token": csrf_token_from(check),
            "check": "hearing_loop",
            "resolution": "arranged",
            "note": "Mobile Höranlage gemietet",
        },
    )
    assert settled.status_code == 303
    assert "Der Ort passt nicht zu allen Bedarfen" not in _text(client.get(seminar_page))

    # The seminar is held (its sessions now lie in the past) and the year's figures show the
    # service: two sessions, six hours interpreted, the actual cost.
    for session in db.session.scalars(
        select(SeminarSession).where(SeminarSession.seminar_id == seminar.id)
    ):
        session.starts_at -= timedelta(days=60)
        session.ends_at -= timedelta(days=60)
    db.session.commit()
    year = str(berlin_date(utcnow() - timedelta(days=20)).year)
    login("steering")
    report = client.get("/verwaltung/statistik/leistungen.csv", query_string={"jahr": year})
    rows = list(csv.reader(io.StringIO(_text(report).lstrip("\ufeff")), delimiter=";"))
    interpreting = [row for row in rows if row[2] == "Gebärdensprachdolmetschung (DGS)"]
    assert interpreting, rows
    assert interpreting[0][3:8] == ["1", "2", "6,0", "1512,50", "0,00"]
    figures = _text(client.get("/verwaltung/statistik"))
    assert "1.512,50&nbsp;€" in figures.split('id="services-heading"', 1)[1]
