import logging

import pytest

from config import DEFAULT_SECRET_KEY, normalise_database_url
from seminars import create_app


def test_flask_prefixed_environment_overrides(monkeypatch):
    monkeypatch.setenv("FLASK_CATALOGUE_PAGE_SIZE", "7")
    monkeypatch.setenv("FLASK_ACADEMY_NAME", "Akademie Test")
    app = create_app("testing")
    assert app.config["CATALOGUE_PAGE_SIZE"] == 7
    assert app.config["ACADEMY_NAME"] == "Akademie Test"


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SECRET_KEY": DEFAULT_SECRET_KEY})
    app = create_app(
        "production",
        {
            "SECRET_KEY": "a-long-random-value-for-tests-only",
            "RATELIMIT_ALLOW_MEMORY": True,
            "BASE_URL": "https://seminare.example.org",
        },
    )
    assert not app.debug


PRODUCTION_WITH_LIMITS = {
    "SECRET_KEY": "a-long-random-value-for-tests-only",
    "BASE_URL": "https://seminare.example.org",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13",
}


@pytest.mark.parametrize("value", ["true", "1"])
def test_production_refuses_debug_mode(monkeypatch, value):
    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(RuntimeError, match="debug"):
        create_app("production", PRODUCTION_WITH_LIMITS)
    monkeypatch.delenv("FLASK_DEBUG")
    assert not create_app("production", PRODUCTION_WITH_LIMITS).debug


def test_dev_mail_is_never_served_in_production(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(
        "production", {**PRODUCTION_WITH_LIMITS, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    app.debug = True  # switched on after start, as app.run(debug=True) would
    assert app.test_client().get("/dev/mail/").status_code == 404


def test_dev_mail_is_served_in_development_debug_mode(monkeypatch, tmp_path):
    from flask_migrate import upgrade

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    database = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": database})
    assert app.debug
    with app.app_context():
        upgrade()
    assert app.test_client().get("/dev/mail/").status_code == 200


PRODUCTION = {
    "SECRET_KEY": "a-long-random-value-for-tests-only",
    "BASE_URL": "https://seminare.example.org",
}


def test_production_refuses_limits_counted_per_worker(monkeypatch):
    for name in ("FLASK_RATELIMIT_STORAGE_URI", "FLASK_RATELIMIT_ALLOW_MEMORY"):
        monkeypatch.delenv(name, raising=False)
    for storage in ("memory://", "", None):
        settings = {**PRODUCTION, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_ALLOW_MEMORY": False}
        with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI.*RATELIMIT_ALLOW_MEMORY"):
            create_app("production", settings)
    # Shared storage is what production wants (no connection is made at start).
    app = create_app(
        "production", {**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13"}
    )
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    # Limits switched off count nothing anywhere; development and tests keep memory.
    create_app("production", {**PRODUCTION, "RATELIMIT_ENABLED": False})
    create_app("development", {"RATELIMIT_STORAGE_URI": "memory://"})


def test_production_may_count_per_worker_when_told_and_says_so(caplog):
    settings = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ALLOW_MEMORY": True}
    with caplog.at_level(logging.WARNING, logger="seminars"):
        create_app("production", settings)
    assert any("counted per worker process" in record.getMessage() for record in caplog.records), (
        caplog.text
    )


def test_the_opt_in_is_read_from_the_environment(monkeypatch):
    import config

    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "true")
    assert config._env_bool("RATELIMIT_ALLOW_MEMORY", False) is True
    monkeypatch.setenv("FLASK_RATELIMIT_ALLOW_MEMORY", "true")
    create_app("production", {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"})


@pytest.mark.parametrize("missing", ["", "  ", None])
def test_production_refuses_to_start_without_base_url(monkeypatch, missing):
    monkeypatch.delenv("FLASK_BASE_URL", raising=False)
    settings = {**PRODUCTION_WITH_LIMITS, "BASE_URL": missing}
    with pytest.raises(RuntimeError, match="BASE_URL must be set in production"):
        create_app("production", settings)
    app = create_app("production", PRODUCTION_WITH_LIMITS)
    assert app.config["BASE_URL"] == "https://seminare.example.org"


def test_development_may_leave_base_url_empty(monkeypatch):
    monkeypatch.delenv("FLASK_BASE_URL", raising=False)
    app = create_app("development", {"BASE_URL": ""})
    assert app.config["BASE_URL"] == ""


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app("staging")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_spellings(given, expected):
    assert normalise_database_url(given) == expected


def test_requests_leave_mail_to_the_worker_in_production_and_send_in_development(monkeypatch):
    monkeypatch.delenv("MAIL_REQUEST_DEADLINE", raising=False)
    assert create_app("production", PRODUCTION_WITH_LIMITS).config["MAIL_REQUEST_DEADLINE"] == 0
    # ``make run`` is one process without a worker: there the request sends its mail.
    assert create_app("development").config["MAIL_REQUEST_DEADLINE"] > 0
