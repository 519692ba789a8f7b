"""Hostile paths and query strings on every page and JSON endpoint that answers GET.

Every GET rule of the application is visited (a new one joins by itself; a path argument
this test cannot fill fails it). Query strings carry the filter names the pages use and
made-up ones, with hostile values, repeated; path arguments get huge numbers and odd
tokens. Never a server error, and a GET never changes stored data.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminars.certificates.models import Certificate
from seminars.extensions import db
from seminars.outbox.views import dev_mail_allowed
from tests.fuzz.strategies import NASTY, field_name, value
from tests.fuzz.world import World, changed_tables, fingerprint

EXAMPLES = int(os.environ.get("FUZZ_QUERY_EXAMPLES", "120"))

# Query parameters the pages and the API read.
KNOWN_PARAMETERS = [
    "q", "topic", "format", "month", "town", "free", "page", "per_page", "year", "seminar",
    "email", "code", "status", "lang", "next", "from", "to",
]  # fmt: skip


def _rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: (rule.endpoint, rule.rule),
    )


def _valid_arguments(w: World, rule) -> dict[str, str]:
    code = db.session.get(Certificate, w.certificate).code
    values = {
        "seminar_id": str(w.upcoming),
        "registration_id": str(w.confirmed),
        "certificate_id": str(w.certificate),
        "user_id": str(w.other_user),
        "topic_id": str(w.topic),
        "venue_id": str(w.venue),
        "question_id": str(w.text_question),
        "response_id": str(w.response),
        "task_id": str(w.task),
        "provider_id": str(w.provider),
        "material_id": str(w.material),
        "message_id": str(w.letter),
        "code": code,
        "fmt": "csv",
        "filename": "css/site.css",
        "token": w.survey_token if rule.rule.startswith("/befragung") else w.confirmed_token,
    }
    if rule.endpoint == "certificates.download_own":
        values["token"] = w.certified_token  # the person who holds a certificate
    if rule.rule.startswith("/interesse"):
        values["token"] = w.subscription_token
    if rule.endpoint == "accounts.set_password":
        values["token"] = w.reset_token
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no value for {missing}"
    return {name: values[name] for name in rule.arguments}


def _path(rule, arguments: dict[str, str]) -> str:
    path = rule.rule
    for name, raw in arguments.items():
        path = path.replace(f"<{name}>", quote(raw, safe=""))
        for converter in ("int", "path", "string"):
            path = path.replace(
                f"<{converter}:{name}>", quote(raw, safe="/" if converter == "path" else "")
            )
    return path


def test_every_get_rule_can_be_visited(app, client, login, world):
    for rule in _rules(app):
        url = _path(rule, _valid_arguments(world, rule))
        response = client.get(url)
        # logged in as admin, with arguments that exist: every page answers, none sends
        # the visitor to the login page or to an error page
        if rule.endpoint.startswith("dev_mail.") and not dev_mail_allowed(app):
            assert response.status_code == 404, rule.rule  # the mail viewer is off here
            continue
        assert response.status_code < 400, (rule.rule, response.status_code)
        assert "/verwaltung/anmelden" not in response.headers.get("Location", ""), rule.rule


path_value = st.one_of(
    st.sampled_from(["0", "2147483648", "99999999999999999999999", "1" * 300]),
    st.sampled_from(NASTY),
    st.text(max_size=30),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_paths_and_queries_never_fail_and_never_write(app, client, login, world, data):
    rule = data.draw(st.sampled_from(_rules(app)), label="rule")
    arguments = _valid_arguments(world, rule)
    for name in arguments:
        if data.draw(st.booleans()):
            arguments[name] = data.draw(path_value, label=name)
    pairs = data.draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(KNOWN_PARAMETERS), field_name), value([], [])),
            max_size=5,
        ),
        label="query",
    )
    path = _path(rule, arguments)
    url = f"{path}?{urlencode(pairs)}" if pairs else path
    anonymous = data.draw(st.booleans(), label="anonymous")
    sender = app.test_client() if anonymous else client

    before = fingerprint()
    response = sender.get(url)
    assert response.status_code < 500, (url, response.get_data(as_text=True)[:1000])
    assert changed_tables(before, fingerprint()) == [], url


@pytest.mark.parametrize(
    "bad",
    [
        "page=-1",
        "page=99999999999999999999",
        "per_page=0",
        "per_page=100000",
        "month=2026-13",
        "topic=%00",
        "free=maybe",
    ],
)
def test_api_explains_nonsense_with_400_json(client, bad):
    response = client.get(f"/api/v1/seminars?{bad}")
    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["status"] == 400
