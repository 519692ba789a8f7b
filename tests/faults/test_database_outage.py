"""The database goes away: every page answers 503 with the maintenance page and Retry-After
(never a 500), and a connection cut in the middle of a seat change leaves every table as it
was, with the next request working."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from seminars import create_app
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import mails
from seminars.registrations.consistency import find_problems
from seminars.registrations.models import Registration
from seminars.registrations.tokens import token_for
from tests import factories
from tests.conftest import csrf_token_from, free_port
from tests.fuzz.world import changed_tables, fingerprint

# -- the database cannot be reached at all ---------------------------------------------------


@pytest.fixture
def unreachable(app, dialect, tmp_path):
    """The same application, configured for a database nobody answers for."""
    if dialect == "postgresql":
        url = db.engine.url.set(port=free_port()).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'no-such-directory' / 'seminars.sqlite3'}"
    away = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "LANGUAGES": ["de", "en"]})
    yield away
    with away.app_context():
        db.engine.dispose()


def assert_maintenance_page(response, language: str = "de") -> str:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    german = "Vorübergehend nicht erreichbar"
    english = "Temporarily unavailable"
    first, second = (german, english) if language == "de" else (english, german)
    assert f"<title>{first} – " in html
    assert re.search(rf"<h1>{first}</h1>", html)
    other = "en" if language == "de" else "de"
    assert re.search(rf'<section lang="{other}"[^>]*>\s*<h2[^>]*>{second}</h2>', html)
    assert "Ein Fehler ist aufgetreten" not in html and "An error occurred" not in html
    return html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/archiv",
        "/seminare/1",
        "/seminare/1.ics",
        "/anmeldung/" + "x" * 43,
        "/anmeldung/" + "x" * 43 + "/bescheinigung.pdf",
        "/pruefen/ABCD-EFGH-JKLM",
    ],
)
def test_every_page_answers_503_with_the_maintenance_page(unreachable, path):
    assert_maintenance_page(unreachable.test_client().get(path))


def test_logging_in_while_the_database_is_away_gets_the_page(unreachable):
    client = unreachable.test_client()
    assert client.get("/verwaltung/").headers["Location"].endswith("/verwaltung/anmelden")
    form = client.get("/verwaltung/anmelden")
    assert form.status_code == 200  # the form itself needs no database
    response = client.post(
        "/verwaltung/anmelden",
        data={
            "email": "anna@akademie.example",
            "password": factories.STRONG_PASSWORD,
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
        },
    )
    assert_maintenance_page(response)


def test_the_page_speaks_the_chosen_language_without_the_database(unreachable):
    client = unreachable.test_client()
    client.set_cookie("lang", "en")
    assert_maintenance_page(client.get("/"), "en")
    by_browser = unreachable.test_client().get("/archiv", headers={"Accept-Language": "en"})
    assert_maintenance_page(by_browser, "en")


def test_a_logged_in_user_is_not_loaded_and_gets_the_page(app, client, login, unreachable):
    login("staff")  # on the working database; the session cookie names the user
    away = unreachable.test_client()
    away.set_cookie("session", client.get_cookie("session").value)
    assert_maintenance_page(away.get("/verwaltung/"))


def test_a_form_sent_while_the_database_is_away_gets_the_page(app, client, unreachable):
    seminar = factories.seminar()
    form = client.get(f"/seminare/{seminar.id}").get_data(as_text=True)
    away = unreachable.test_client()
    away.set_cookie("session", client.get_cookie("session").value)
    response = away.post(
        f"/seminare/{seminar.id}/anmeldung",
        data={
            "csrf_token": csrf_token_from(form),
            "first_name": "Erika",
            "last_name": "Muster",
            "email": "erika@example.org",
            "organisation": "SHG Erfurt",
            "consent": "y",
        },
    )
    assert_maintenance_page(response)


def test_the_api_answers_503_in_json(unreachable):
    response = unreachable.test_client().get("/api/v1/seminars")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.get_json()["status"] == 503


def test_health_check_still_says_503(unreachable):
    assert unreachable.test_client().get("/healthz").status_code == 503


def test_a_wrong_query_is_still_a_fault_not_an_outage(app, client, monkeypatch):
    """Only an unreachable database is an outage; a broken query stays a 500 (and is logged)."""
    seminar = factories.seminar()

    def broken(*args, **kwargs):
        db.session.execute(sa.text("SELECT no_such_column FROM seminar"))

    monkeypatch.setattr(mails, "queue", broken)
    response = _register(client, seminar.id)
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


# -- the connection is cut in the middle of a seat change -------------------------------------


def cut_this_connection(dialect: str) -> None:
    """Cut the session's own connection behind its back, as a database restart would: the
    next statement of the open transaction fails."""
    if dialect == "postgresql":
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        killer = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
        with killer.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
    else:
        db.session.connection().connection.dbapi_connection.close()


def _register(client, seminar_id: int, email: str = "erika@example.org"):
    page = client.get(f"/seminare/{seminar_id}").get_data(as_text=True)
    return client.post(
        f"/seminare/{seminar_id}/anmeldung",
        data={
            "csrf_token": csrf_token_from(page),
            "first_name": "Erika",
            "last_name": "Muster",
            "email": email,
            "organisation": "SHG Erfurt",
            "county": "th-erfurt",
            "consent": "y",
        },
    )


def test_a_connection_cut_during_a_registration_leaves_every_table_as_it_was(
    app, client, dialect, monkeypatch
):
    seminar_id = factories.seminar(capacity=1).id
    before = fingerprint()
    original = mails.queue

    def cut_then_queue(registration, kind, **extra):
        assert registration.id is not None  # the registration row is written by now
        cut_this_connection(dialect)
        return original(registration, kind, **extra)

    monkeypatch.setattr(mails, "queue", cut_then_queue)
    assert_maintenance_page(_register(client, seminar_id))
    monkeypatch.undo()
    db.session.remove()
    assert changed_tables(before, fingerprint()) == []
    assert find_problems() == []

    # The next request finds the seat free and the address unused.
    assert _register(client, seminar_id).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert find_problems() == []


def test_a_connection_cut_during_a_cancellation_changes_nobody(app, client, dialect, monkeypatch):

    seminar = factories.seminar(capacity=1)
    holder, waiting = factories.confirmed_people(seminar, 2)
    token = token_for(holder.id, holder.token_salt)
    holder_id, waiting_id = holder.id, waiting.id
    form = client.get(f"/anmeldung/{token}/abmelden").get_data(as_text=True)
    before = fingerprint()
    original = mails.queue
    kinds = []

    def cut_before_the_offer(registration, kind, **extra):
        kinds.append(kind)
        if kind == mails.SEAT_OFFERED:  # the cancellation and its mail are written by now
            cut_this_connection(dialect)
        return original(registration, kind, **extra)

    monkeypatch.setattr(mails, "queue", cut_before_the_offer)
    response = client.post(
        f"/anmeldung/{token}/abmelden", data={"csrf_token": csrf_token_from(form)}
    )
    assert_maintenance_page(response)
    assert kinds == [mails.CANCELLED_BY_YOU, mails.SEAT_OFFERED]
    monkeypatch.undo()
    db.session.remove()
    assert changed_tables(before, fingerprint()) == []
    assert find_problems() == []

    # Sent again, the cancellation goes through and the seat is offered.
    response = client.post(
        f"/anmeldung/{token}/abmelden", data={"csrf_token": csrf_token_from(form)}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, holder_id).status == "cancelled"
    assert db.session.get(Registration, waiting_id).status == "offered"
    assert find_problems() == []
