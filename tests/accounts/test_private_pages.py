"""No copy of a page with personal data stays in a browser's or a proxy's cache: every
back-office response and every page behind a personal link says ``Cache-Control: no-store``."""

from __future__ import annotations

import pytest

from tests.accounts.test_access_matrix import client_for
from tests.fuzz.test_queries import _path, _valid_arguments
from tests.fuzz.world import build_world

# Pages behind a personal link (registration, certificate, survey, interest subscription) or
# showing what a person just entered; the back office is everything under /verwaltung.
PERSONAL_PREFIXES = (
    "/verwaltung",
    "/anmeldung/",
    "/befragung/",
    "/seminare/<int:seminar_id>/anm",
    "/interesse/",
)


def _get_rules(app, private: bool):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.rule.startswith(PERSONAL_PREFIXES) == private:
            yield rule


@pytest.fixture
def world(app, client, login):
    saved = app.config["SURVEY_MIN_RESPONSES"]  # the world lowers it
    login("admin")
    yield build_world(app)
    app.config["SURVEY_MIN_RESPONSES"] = saved


def test_every_back_office_and_personal_page_says_no_store(app, client, world):
    rules = list(_get_rules(app, private=True))
    assert len(rules) > 30  # the whole back office, not a handful
    wrong = []
    for rule in rules:
        response = client.get(_path(rule, _valid_arguments(world, rule)))
        assert response.status_code < 500, rule.rule
        if response.headers.get("Cache-Control") != "no-store":
            wrong.append(
                f"{rule.rule}: {response.status_code} {response.headers.get('Cache-Control')}"
            )
    assert wrong == []


@pytest.mark.parametrize("role", ["anonymous", "steering"])
def test_refusals_and_redirects_of_the_back_office_say_no_store_too(app, role):
    client = client_for(app, role)
    for rule in _get_rules(app, private=True):
        if not rule.rule.startswith("/verwaltung"):
            continue
        values = {name: "1" if name != "fmt" else "csv" for name in rule.arguments}
        response = client.get(_path(rule, values))
        assert response.headers.get("Cache-Control") == "no-store", (
            rule.rule,
            response.status_code,
        )
    missing = client.get("/verwaltung/gibt-es-nicht")
    assert missing.status_code in (302, 404) and missing.headers["Cache-Control"] == "no-store"


def test_public_pages_stay_cacheable(app, client, world):
    for rule in _get_rules(app, private=False):
        response = client.get(_path(rule, _valid_arguments(world, rule)))
        assert response.headers.get("Cache-Control") != "no-store", rule.rule
