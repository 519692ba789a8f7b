"""The database connection drops, or a request fails half-way: the service recovers and
nothing half-written remains."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, func, select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import Seminar
from seminars.registrations import mails
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from
from tests.fuzz.world import changed_tables, fingerprint


def _drop_every_pooled_connection(engine: sa.Engine, dialect: str, opened: list) -> None:
    """Cut the connections the pool holds, behind its back, as a database restart would."""
    if dialect == "postgresql":
        killer = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
        with killer.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        killer.dispose()
        assert killed >= 1
    else:
        for raw in opened:
            raw.close()
        assert opened


def test_requests_work_again_after_the_connections_dropped(app, client, dialect):
    seminar_id = factories.seminar(title="Nach dem Neustart").id
    db.session.remove()
    opened: list = []

    def remember(raw, record):
        opened.append(raw)

    event.listen(db.engine, "connect", remember)
    try:
        db.engine.dispose()  # from here on every connection is seen by the listener
        assert client.get("/healthz").status_code == 200
        assert client.get(f"/api/v1/seminars/{seminar_id}").status_code == 200
        db.session.remove()
        _drop_every_pooled_connection(db.engine, dialect, opened)

        # pool_pre_ping notices the dead connection and opens a new one: no error page.
        assert client.get("/healthz").status_code == 200
        response = client.get(f"/api/v1/seminars/{seminar_id}")
        assert response.status_code == 200
        assert response.get_json()["title"] == "Nach dem Neustart"
    finally:
        event.remove(db.engine, "connect", remember)
        db.session.remove()
        db.engine.dispose()


def _register(client, seminar_id: int):
    page = client.get(f"/seminare/{seminar_id}").get_data(as_text=True)
    return client.post(
        f"/seminare/{seminar_id}/anmeldung",
        data={
            "csrf_token": csrf_token_from(page),
            "first_name": "Erika",
            "last_name": "Muster",
            "email": "erika@example.org",
            "organisation": "SHG Erfurt",
            "county": "th-erfurt",
            "consent": "y",
        },
    )


def test_a_failure_in_the_middle_of_a_registration_leaves_nothing_behind(app, client, monkeypatch):
    seminar = factories.seminar(capacity=1)
    seminar_id = seminar.id
    before = fingerprint()

    def broken_queue(*args, **kwargs):  # the registration row is flushed by now
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
        raise RuntimeError("mail templates unavailable")

    monkeypatch.setattr(mails, "queue", broken_queue)
    response = _register(client, seminar_id)
    assert response.status_code == 500, response.get_data(as_text=True)[:300]
    assert "Ein Fehler ist aufgetreten" in response.get_data(as_text=True)
    assert changed_tables(before, fingerprint()) == []

    monkeypatch.undo()  # the next attempt finds the seat free and the address unused
    assert _register(client, seminar_id).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_failure_while_cancelling_a_seminar_changes_nobody(app, client, login, monkeypatch):
    login("admin")
    seminar = factories.seminar(capacity=5)
    factories.fill(seminar, 3)
    page = client.get(f"/verwaltung/seminare/{seminar.id}/absagen").get_data(as_text=True)
    before = fingerprint()
    calls = []

    def fails_on_the_second_person(registration, kind, **extra):
        calls.append(registration.id)
        if len(calls) == 2:
            raise RuntimeError("connection lost while writing")
        return original(registration, kind, **extra)

    original = mails.queue
    monkeypatch.setattr(mails, "queue", fails_on_the_second_person)
    response = client.post(
        f"/verwaltung/seminare/{seminar.id}/absagen", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 500
    assert len(calls) == 2
    assert changed_tables(before, fingerprint()) == []
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).status == "published"


def test_the_error_page_is_served_even_when_the_session_is_broken(app, client, monkeypatch):
    """A failed flush leaves the session unusable; the error page must not trip over it."""
    seminar = factories.seminar()

    def poisoned(*args, **kwargs):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(mails, "queue", poisoned)
    response = _register(client, seminar.id)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Das tut uns leid. Bitte versuchen Sie es später noch einmal" in page
    assert "no_such_table" not in page  # nothing of the failure reaches the visitor
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert client.get("/healthz").status_code == 200
