"""Where links in mails point when development leaves ``BASE_URL`` empty."""

import logging

import pytest

from seminars import create_app
from seminars.core.urls import external_url, own_site_link


@pytest.fixture
def development(monkeypatch):
    for name in ("FLASK_BASE_URL", "FLASK_RUN_PORT", "PORT"):
        monkeypatch.delenv(name, raising=False)
    return create_app("development", {"BASE_URL": "", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_requests_link_to_the_address_the_server_was_asked_at(development):
    with development.test_request_context("/", base_url="http://localhost:5123"):
        assert external_url("catalogue.detail", seminar_id=7) == "http://localhost:5123/seminare/7"
        assert own_site_link()("http://localhost:5123/seminare/7")
        assert not own_site_link()("http://127.0.0.1:5000/seminare/7")


@pytest.mark.parametrize("variable", ["FLASK_RUN_PORT", "PORT"])
def test_commands_take_the_port_of_the_development_server(development, monkeypatch, variable):
    monkeypatch.setenv(variable, "5123")
    with development.app_context():
        assert external_url("catalogue.detail", seminar_id=7) == "http://127.0.0.1:5123/seminare/7"


def test_commands_say_once_which_address_they_chose(development, caplog):
    with development.app_context(), caplog.at_level(logging.WARNING, logger="seminars"):
        for _ in range(3):
            assert external_url("catalogue.index") == "http://127.0.0.1:5000/"
    notes = [r.getMessage() for r in caplog.records if "BASE_URL is not set" in r.getMessage()]
    assert len(notes) == 1
    assert "http://127.0.0.1:5000 (default port)" in notes[0]


def test_a_configured_base_url_always_wins(monkeypatch):
    monkeypatch.setenv("FLASK_RUN_PORT", "5123")
    app = create_app(
        "development",
        {"BASE_URL": "https://seminare.example.org/", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    )
    with app.test_request_context("/", base_url="http://evil.test"):
        assert external_url("catalogue.index") == "https://seminare.example.org/"
    with app.app_context():
        assert external_url("catalogue.index") == "https://seminare.example.org/"
