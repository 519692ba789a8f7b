"""One unit of work per request: where it begins, when it commits, when it rolls back.

A small probe blueprint on an app of its own writes audit entries the way a view calls a
service; what reaches the database is read through a separate connection.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint, abort, redirect
from wtforms import StringField

from seminars import create_app
from seminars.accounts import access
from seminars.audit.models import AuditEntry
from seminars.core.actions import perform, refusal_on
from seminars.core.errors import DomainError
from seminars.core.forms import Form
from seminars.core.locking import has_changes
from seminars.extensions import db

probe = Blueprint("uow_probe", __name__, url_prefix="/probe")
seen: dict[str, object] = {}


def _write(action: str) -> None:
    db.session.add(AuditEntry(action=action))
    db.session.flush()


class ProbeForm(Form):
    class Meta:
        csrf = False

    name = StringField("Name")
    code = StringField("Code")


@probe.post("/write")
def write():
    _write("probe.write")
    return redirect("/", code=303)


@probe.post("/write-then-422")
def write_then_refuse():
    _write("probe.refused")
    return "shown again", 422


@probe.post("/write-then-fail")
def write_then_fail():
    _write("probe.failed")
    raise RuntimeError("a fault after the write")


@probe.post("/write-then-404")
def write_then_abort():
    _write("probe.aborted")
    abort(404)


@probe.get("/read")
def read():
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    seen["changes_after_read"] = has_changes(db.session())
    seen["entry"] = entry
    return "read"


@probe.get("/write-on-get")
def write_on_get():
    _write("probe.get")
    return "stored"


@probe.post("/transaction")
def transaction_kind():
    db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    seen["holds_write_lock"] = bool(db.session.info.get("transaction_holds_write_lock"))
    return "ok"


@probe.post("/no-database")
def no_database():
    return "nothing read"


@probe.post("/form/<field>")
def form(field: str):
    form = ProbeForm()
    with refusal_on(form) as refused:
        _write("probe.form")
        raise DomainError("Dieser Code ist vergeben.", field=field or None)
    seen["refused"] = bool(refused)
    seen["field_errors"] = {name: list(f.errors) for name, f in form._fields.items()}
    seen["form_errors"] = list(form.form_errors)
    return "form again", 422


@probe.post("/button")
def button():
    def refuse() -> None:
        _write("probe.button")
        raise DomainError("Nein.")

    seen["performed"] = perform(refuse, "Ja.")
    return redirect("/", code=303)


PROBE_ENDPOINTS = [
    f"uow_probe.{name}"
    for name in (
        "write",
        "write_then_refuse",
        "write_then_fail",
        "write_then_abort",
        "read",
        "write_on_get",
        "transaction_kind",
        "no_database",
        "form",
        "button",
    )
]


@pytest.fixture
def probe_client(app, database_url, monkeypatch):
    """A second app on the test database with the probe routes (``app`` empties the tables)."""
    for endpoint in PROBE_ENDPOINTS:
        monkeypatch.setitem(access.ACCESS, endpoint, access.PUBLIC)
    probe_app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False}
    )
    probe_app.register_blueprint(probe)
    seen.clear()
    yield probe_app.test_client()
    with probe_app.app_context():
        db.session.remove()
        db.engine.dispose()


def stored_actions(database_url: str) -> list[str]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT action FROM audit_entry ORDER BY id"))
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def test_a_write_request_that_answers_below_400_is_committed(probe_client, database_url):
    assert probe_client.post("/probe/write").status_code == 303
    assert stored_actions(database_url) == ["probe.write"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/probe/write-then-422", 422),
        ("/probe/write-then-fail", 500),
        ("/probe/write-then-404", 404),
    ],
)
def test_an_answer_of_400_or_more_or_an_exception_keeps_nothing(
    probe_client, database_url, path, status
):
    assert probe_client.post(path).status_code == status
    assert stored_actions(database_url) == []


def test_a_read_request_that_changed_something_is_committed(probe_client, database_url):
    assert probe_client.get("/probe/write-on-get").status_code == 200
    assert stored_actions(database_url) == ["probe.get"]


def test_a_plain_read_is_not_committed_and_keeps_its_objects(probe_client, database_url):
    probe_client.post("/probe/write")
    assert probe_client.get("/probe/read").status_code == 200
    assert seen["changes_after_read"] is False
    # The loaded entry was not expired by a commit: its attributes are still there.
    assert "action" in seen["entry"].__dict__


def test_a_write_request_holds_the_write_lock_from_its_first_statement_on_sqlite(
    probe_client, dialect
):
    assert probe_client.post("/probe/transaction").status_code == 200
    assert seen["holds_write_lock"] is (dialect == "sqlite")


def test_a_write_request_that_never_reads_opens_no_transaction(probe_client, database_url):
    probe_app = probe_client.application
    with probe_app.app_context():
        engine = db.engine
        opened: list[object] = []
        sa.event.listen(engine, "connect", lambda *args: opened.append(args))
        sa.event.listen(engine, "checkout", lambda *args: opened.append(args))
    assert probe_client.post("/probe/no-database").status_code == 200
    assert opened == []


def test_a_refusal_is_shown_under_the_field_it_names_and_keeps_nothing(probe_client, database_url):
    assert probe_client.post("/probe/form/code").status_code == 422
    assert seen["refused"] is True
    assert seen["field_errors"]["code"] == ["Dieser Code ist vergeben."]
    assert seen["field_errors"]["name"] == []
    assert seen["form_errors"] == []
    assert stored_actions(database_url) == []


def test_a_refusal_without_a_field_is_shown_above_the_form(probe_client):
    assert probe_client.post("/probe/form/").status_code in (404, 405)  # empty segment
    assert probe_client.post("/probe/form/unknown").status_code == 422
    assert seen["form_errors"] == ["Dieser Code ist vergeben."]
    assert all(errors == [] for errors in seen["field_errors"].values())


def test_a_refused_button_flashes_and_keeps_nothing(probe_client, database_url):
    assert probe_client.post("/probe/button").status_code == 303
    assert seen["performed"] is False
    assert stored_actions(database_url) == []
