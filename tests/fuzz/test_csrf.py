"""Every form refuses a request without its CSRF token, with a wrong one, or with another
session's, and changes nothing."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.fuzz.conftest import sender_for, show_page
from tests.fuzz.forms import form_for
from tests.fuzz.targets import TARGETS
from tests.fuzz.world import changed_tables, fingerprint

# The language switch needs no token: it changes only a cookie, and works from cached pages.
# Nor does subscribing from the (cached) catalogue, which only mails the address a link to
# confirm, or one-click unsubscribe (RFC 8058), which the link's token authorises.
EXEMPT = {"core.set_language", "interest.subscribe_topic", "interest.unsubscribe"}


def _token_of_another_session(app) -> str:
    stranger = app.test_client()
    seminar_page = stranger.get("/verwaltung/anmelden").get_data(as_text=True)
    form = form_for(seminar_page, "/verwaltung/anmelden", "/verwaltung/anmelden")
    return dict(form.fields)["csrf_token"]


@pytest.mark.parametrize(
    "target", [t for t in TARGETS if t.endpoint not in EXEMPT], ids=lambda t: t.id
)
def test_without_the_right_token_nothing_happens(app, client, login, world, target):
    sender = sender_for(app, client, login, target)
    page = target.page(world)
    form = form_for(
        show_page(sender, target, world).get_data(as_text=True), page, target.action(world)
    )
    # A page with one form per item names the token with the form's prefix ("pdf-csrf_token").
    [token_name] = [n for n, _ in form.fields if n.endswith("csrf_token")]
    fields = [(n, v) for n, v in form.fields if n != token_name]
    own = dict(form.fields)[token_name]
    variants = {
        "missing": [],
        "empty": [(token_name, "")],
        "wrong": [(token_name, own[:-4] + "AAAA")],
        "other session": [(token_name, _token_of_another_session(app))],
        # The first value counts: a valid second one does not help.
        "repeated": [(token_name, "x"), (token_name, own)],
    }
    for name, tokens in variants.items():
        before = fingerprint()
        response = sender.post(target.action(world), data=MultiDict(fields + tokens))
        assert response.status_code == 400, name
        assert "Formular" in response.get_data(as_text=True), name
        assert changed_tables(before, fingerprint()) == [], name


def test_the_language_switch_changes_only_a_cookie(app, client):
    before = fingerprint()
    response = client.post("/sprache", data={"lang": "en", "next": "/"})
    assert response.status_code == 303
    assert "lang=en" in response.headers["Set-Cookie"]
    assert changed_tables(before, fingerprint()) == []
