"""Logs are JSON lines with a request id, and never name a person or an address."""

from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import select

from seminars.core.logs import JsonFormatter, RequestContext, scrub
from seminars.registrations import mails
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from

NAME, SURNAME, EMAIL = "Wiltrud", "Quastenflosser", "wiltrud.q@example.org"


@pytest.fixture
def log_lines():
    """Everything the application logs during the test, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    logger = logging.getLogger("seminars")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def _register(client, seminar_id: int, **changes):
    page = client.get(f"/seminare/{seminar_id}").get_data(as_text=True)
    fields = {
        "csrf_token": csrf_token_from(page),
        "first_name": NAME,
        "last_name": SURNAME,
        "email": EMAIL,
        "organisation": "SHG Quaste",
        "county": "th-erfurt",
        "consent": "y",
    } | changes
    return client.post(f"/seminare/{seminar_id}/anmeldung", data=fields)


def test_every_request_is_logged_as_json_with_its_id(app, client, log_lines):
    response = client.get("/robots.txt", headers={"X-Request-ID": "proxy-abc-12345"})
    assert response.headers["X-Request-ID"] == "proxy-abc-12345"
    other = client.get("/robots.txt", headers={"X-Request-ID": "bad id; with spaces"})
    assert other.headers["X-Request-ID"] != "bad id; with spaces"
    entries = [e for e in log_lines() if e["message"] == "request"]
    assert [e["request_id"] for e in entries] == [
        "proxy-abc-12345",
        other.headers["X-Request-ID"],
    ]
    assert entries[0]["route"] == "/robots.txt" and entries[0]["status"] == 200
    assert entries[0]["duration_ms"] >= 0 and entries[0]["method"] == "GET"


def test_messages_logged_during_a_request_carry_its_id(app, client, log_lines):
    """A mail that cannot be sent is logged with the id of the request that queued it."""
    seminar = factories.seminar()
    response = _register(client, seminar.id)
    assert response.status_code == 303
    entries = log_lines()
    warning = next(e for e in entries if e["level"] == "WARNING")
    request_line = next(e for e in entries if e["message"] == "request" and e["method"] == "POST")
    assert warning["request_id"] == request_line["request_id"]


def test_no_name_or_address_reaches_the_log(app, client, login, log_lines, monkeypatch):
    seminar = factories.seminar(capacity=1)
    assert _register(client, seminar.id).status_code == 303  # mail delivery fails: logged
    registration = (
        client.application.extensions["sqlalchemy"].session.scalars(select(Registration)).one()
    )
    assert _register(client, seminar.id, email=EMAIL.upper()).status_code == 303
    # A database error whose statement carries the person's values.
    monkeypatch.setattr(
        mails, "queue", lambda *a, **k: (_ for _ in ()).throw(RuntimeError(f"failed for {EMAIL}"))
    )
    assert _register(client, seminar.id, email="zweite." + EMAIL).status_code == 500
    monkeypatch.undo()
    login("admin")
    token = csrf_token_from(client.get("/verwaltung/personendaten").get_data(as_text=True))
    client.post("/verwaltung/personendaten", data={"contact": EMAIL, "csrf_token": token})
    client.get(f"/verwaltung/anmeldungen/{registration.id}")
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in log_lines())
    assert "unhandled error" in text and "[e-mail]" in text  # the failure itself is there
    for secret in (NAME, SURNAME, EMAIL, EMAIL.upper(), "wiltrud"):
        assert secret.lower() not in text.lower()


def test_database_errors_do_not_quote_values(app):
    from seminars.extensions import db

    assert db.engine.hide_parameters


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("mail to a.b+c@example.org failed", "mail to [e-mail] failed"),
        ("<Erika.M@beispiel.de>", "<[e-mail]>"),
        ("no address here @ all", "no address here @ all"),
    ],
)
def test_scrub_masks_addresses(raw, clean):
    assert scrub(raw) == clean


def test_a_server_error_logs_the_route_pattern_not_the_link(app, client, log_lines, monkeypatch):
    from seminars.registrations import services as registration_services

    def broken(token, *, now):
        raise RuntimeError("the page could not be built")

    monkeypatch.setattr(registration_services, "overview", broken)
    token = "Zq9" + "x7Kp" * 10
    response = client.get(f"/anmeldung/{token}?ref=Wiltrud")
    assert response.status_code == 500
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in log_lines())
    assert "unhandled error on GET /anmeldung/<token>" in text
    assert "could not be built" in text  # the failure itself is logged
    for secret in (token, f"/anmeldung/{token}", "ref=", "Wiltrud"):
        assert secret not in text
