"""Hostile input to every form: never a server error, never half a change.

Each POST endpoint gets the values its own form would send, then hypothesis drops, repeats
and replaces fields (control characters, NUL bytes, huge values, numbers far out of range,
markup), adds unknown fields and changes the encoding. A response that is not a redirect
(an error page or the form shown again) must leave every table as it was; after a redirect
the registrations must still keep every promise.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from seminars.extensions import db
from seminars.registrations.consistency import find_problems
from tests import factories
from tests.fuzz.conftest import sender_for, show_page
from tests.fuzz.forms import Form, form_for, forms_of
from tests.fuzz.strategies import field_name, value
from tests.fuzz.targets import ALIASES, TARGETS
from tests.fuzz.world import changed_tables, fingerprint

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
REDIRECTS = (301, 302, 303)


def test_every_post_endpoint_is_fuzzed(app):
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert {ALIASES.get(t.endpoint, t.endpoint) for t in TARGETS} == posting


def _csrf_token(sender, forms: list[Form]) -> str | None:
    for form in forms:
        for name, token in form.fields:
            if name == "csrf_token":
                return token
    return None


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_every_form_is_on_its_page(app, client, login, world, target):
    sender = sender_for(app, client, login, target)
    page = target.page(world)
    response = show_page(sender, target, world)
    assert response.status_code == 200
    form_for(response.get_data(as_text=True), page, target.action(world))


def _draw_body(data, form: Form, csrf: str | None, fill: dict[str, str]):
    names = sorted({name for name, _ in form.fields} | set(form.choices) | set(fill))
    # Either a few fields change (the rest as a person would send them) or any of them.
    few = data.draw(st.booleans())
    chosen = set(data.draw(st.lists(st.sampled_from(names), max_size=2))) if few else set()
    pairs: list[tuple[str, str]] = []
    for name in names:
        baseline = [fill[name]] if name in fill else [v for n, v in form.fields if n == name]
        if name == "csrf_token":
            pairs.append((name, csrf or ""))
            continue
        if few:
            how = (
                data.draw(st.sampled_from(["drop", "change", "repeat"]))
                if name in chosen
                else "keep"
            )
        else:
            how = data.draw(st.sampled_from(["keep", "keep", "keep", "drop", "change", "repeat"]))
        if how == "keep":
            pairs.extend((name, v) for v in baseline)
        elif how == "change":
            pairs.append((name, data.draw(value(baseline, form.choices.get(name, [])))))
        elif how == "repeat":
            strategy = value(baseline, form.choices.get(name, []))
            pairs.extend((name, data.draw(strategy)) for _ in range(data.draw(st.integers(2, 4))))
    if form.buttons:
        pairs.append(data.draw(st.sampled_from(form.buttons)))
    for _ in range(data.draw(st.integers(0, 2))):
        pairs.append((data.draw(field_name), data.draw(value([], []))))
    encoding = data.draw(st.sampled_from(["form"] * 6 + ["multipart", "json", "raw"]))
    if encoding == "form":
        return {"data": MultiDict(pairs)}
    if encoding == "multipart":
        return {"data": MultiDict(pairs), "content_type": "multipart/form-data"}
    if encoding == "json":
        return {"data": json.dumps(dict(pairs)), "content_type": "application/json"}
    raw = data.draw(st.binary(max_size=300))
    kind = data.draw(
        st.sampled_from(
            ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", 'x/y; a="']
        )
    )
    return {"data": raw, "content_type": kind}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_hostile_input_never_fails_and_never_half_writes(app, client, login, world, target, data):
    sender = sender_for(app, client, login, target)
    page = target.page(world)
    shown = show_page(sender, target, world)
    forms = forms_of(shown.get_data(as_text=True), page) if shown.status_code == 200 else []
    action = target.action(world)
    # The fields come from the form as first shown, so that every example draws the same way
    # even after an earlier one deleted, published or used up what the form acts on.
    if target.endpoint not in world.forms:
        world.forms[target.endpoint] = form_for(shown.get_data(as_text=True), page, action)
    form = world.forms[target.endpoint]
    csrf = _csrf_token(sender, forms) or _csrf_token(
        sender, forms_of(sender.get("/verwaltung/anmelden").get_data(as_text=True), "/")
    )
    body = _draw_body(data, form, csrf, target.fill(world) if target.fill else {})

    before = fingerprint()
    response = sender.post(action, **body)
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if response.status_code not in REDIRECTS:
        assert changed_tables(before, fingerprint()) == []
    db.session.expire_all()
    assert find_problems() == []


def test_bodies_beyond_the_limit_are_refused_politely(app, client):
    seminar = factories.seminar()
    page = client.get(f"/seminare/{seminar.id}")
    assert page.status_code == 200
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(f"/seminare/{seminar.id}/anmeldung", data={"remarks": "x" * (limit + 1)})
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)
