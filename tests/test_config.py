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
    app = create_app("production", {"SECRET_KEY": "a-long-random-value-for-tests-only"})
    assert not app.debug


@pytest.mark.parametrize("value", ["true", "1"])
def test_production_refuses_debug_mode(monkeypatch, value):
    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(RuntimeError, match="debug"):
        create_app("production", {"SECRET_KEY": "a-long-random-value-for-tests-only"})
    monkeypatch.delenv("FLASK_DEBUG")
    assert not create_app("production", {"SECRET_KEY": "a-long-random-value-for-tests-only"}).debug


def test_dev_mail_is_never_served_in_production(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(
        "production",
        {
            "SECRET_KEY": "a-long-random-value-for-tests-only",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        },
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
