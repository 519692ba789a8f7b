"""Every route of the app is in the declared access matrix, and the matrix holds for every role."""

import pytest
from werkzeug.routing import IntegerConverter

from seminars.accounts.access import ACCESS, PUBLIC
from seminars.extensions import db
from tests import factories
from tests.conftest import csrf_token_from

ROLES = ("anonymous", "steering", "staff", "admin")


def endpoints(app):
    """(endpoint, URL with made-up values, method) for every rule but static files."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "x" * 43
            for name, converter in rule._converters.items()
        }
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        yield rule.endpoint, adapter.build(rule.endpoint, values), method


def test_every_route_has_an_entry(app):
    missing = sorted({e for e, _url, _m in endpoints(app)} - set(ACCESS))
    assert missing == [], f"add these endpoints to seminars/accounts/access.py: {missing}"
    stale = sorted(set(ACCESS) - {e for e, _u, _m in endpoints(app)} - {"static"})
    assert stale == [], f"no such endpoints any more: {stale}"


def client_for(app, role):
    client = app.test_client()
    if role == "anonymous":
        return client
    account = factories.user(role)
    page = client.get("/verwaltung/anmelden").get_data(as_text=True)
    response = client.post(
        "/verwaltung/anmelden",
        data={
            "email": account.email,
            "password": factories.STRONG_PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(app, role):
    factories.seminar()  # something to look at
    client = client_for(app, role)
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix, not the token, decides here
    try:
        wrong = []
        for endpoint, url, method in sorted(
            endpoints(app), key=lambda e: e[0] == "accounts.logout"
        ):
            response = client.open(url, method=method)
            rule = ACCESS[endpoint]
            to_login = response.status_code == 302 and response.headers["Location"].endswith(
                "/verwaltung/anmelden"
            )
            if rule == PUBLIC or (role != "anonymous" and role in rule):
                # allowed: an answer, a redirect or "not found" for the made-up ids; never
                # a refusal, the login page or a server error. A POST carries no form here,
                # so a form may answer that it is incomplete (422) - and nothing else.
                answered = response.status_code < 400 or response.status_code == 404
                incomplete_form = method == "POST" and response.status_code == 422
                ok = (answered or incomplete_form) and not to_login
            elif role == "anonymous":
                ok = to_login
            else:
                ok = response.status_code == 403
            if not ok:
                wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
        assert wrong == []
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
        db.session.rollback()
