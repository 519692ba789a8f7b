"""Logins are throttled per client address and per account (the address typed in).

An attacker on one account cannot lock out the others; an attacker rotating client
addresses gets no more guesses on one account; and the answer never tells whether the
account exists. (Across workers sharing Redis: tests/core/test_rate_limit_storage.py.)
"""

from __future__ import annotations

import re

import pytest

from seminars.extensions import limiter
from tests import factories
from tests.conftest import csrf_token_from

LOGIN = "/verwaltung/anmelden"


@pytest.fixture
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "10 per minute")
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def attempt(client, email: str, password: str, address: str, **headers):
    environ = {"REMOTE_ADDR": address}
    page = client.get(LOGIN, environ_base=environ).get_data(as_text=True)
    data = {"email": email, "password": password, "csrf_token": csrf_token_from(page)}
    return client.post(LOGIN, data=data, environ_base=environ, headers=headers)


def test_rotating_addresses_gets_no_more_guesses_on_one_account(app, limits):
    target = factories.user("admin", email="leitung@akademie.example")
    attacker = app.test_client()
    answers = [
        attempt(attacker, target.email, f"rate{n}", f"203.0.113.{n}").status_code
        for n in range(1, 7)
    ]
    assert answers == [422, 422, 422, 429, 429, 429]
    # The right password does not get through either while the account is throttled...
    late = attempt(attacker, target.email, factories.STRONG_PASSWORD, "203.0.113.50")
    assert late.status_code == 429
    # ...and the spelling of the address makes no difference.
    spelt = attempt(attacker, "  LEITUNG@akademie.EXAMPLE ", "rate", "203.0.113.51")
    assert spelt.status_code == 429


def test_one_attacker_on_one_account_does_not_lock_out_another(app, limits):
    target = factories.user("staff", email="ziel@akademie.example")
    colleague = factories.user("staff", email="kollege@akademie.example")
    attacker = app.test_client()
    for n in range(8):
        attempt(attacker, target.email, f"rate{n}", "203.0.113.7")
    assert attempt(attacker, target.email, "rate", "203.0.113.7").status_code == 429
    # The colleague, from their own address, logs in as usual.
    office = app.test_client()
    response = attempt(office, colleague.email, factories.STRONG_PASSWORD, "198.51.100.4")
    assert response.status_code == 303
    assert office.get("/verwaltung/").status_code == 200


def test_hammering_from_one_address_is_stopped_by_the_client_limit(app, limits):
    attacker = app.test_client()
    answers = [
        attempt(attacker, f"person{n}@akademie.example", "rate", "203.0.113.8").status_code
        for n in range(12)
    ]
    assert answers == [422] * 10 + [429] * 2


def test_the_throttled_answer_does_not_tell_whether_the_account_exists(app, limits):
    factories.user("staff", email="gibt.es@akademie.example")
    pages = []
    for email in ("gibt.es@akademie.example", "gibt.es.nicht@akademie.example"):
        client = app.test_client()
        for n in range(3):
            attempt(client, email, "rate", f"203.0.113.{n + 20}")
        limited = attempt(client, email, "rate", "203.0.113.30")
        assert limited.status_code == 429
        main = limited.get_data(as_text=True).split("<main")[1].split("</main>")[0]
        pages.append(re.sub(r'value="[^"]*"', "", main))
    assert pages[0] == pages[1]
    assert "Zu viele Anmeldeversuche" in pages[0]
    assert 'role="alert"' in pages[0] and "<form" in pages[0]


def test_the_throttled_answer_is_translated(app, limits):
    client = app.test_client()
    client.set_cookie("lang", "en")
    for _ in range(3):
        attempt(client, "wer@akademie.example", "rate", "203.0.113.40")
    limited = attempt(client, "wer@akademie.example", "rate", "203.0.113.40")
    assert limited.status_code == 429
    assert "Too many login attempts" in limited.get_data(as_text=True)
