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
