"""The state every fuzz test starts from, and who sends its requests."""

from __future__ import annotations

import io

import pytest

from tests.fuzz.forms import form_for, forms_of
from tests.fuzz.targets import Target
from tests.fuzz.world import World, build_world

REDIRECTS = (301, 302, 303)


@pytest.fixture
def world(app, client, login):
    login("admin")
    return build_world(app)


def sender_for(app, client, login, target: Target):
    if not target.staff:
        return app.test_client()
    probe = client.get("/verwaltung/")
    if probe.status_code in REDIRECTS:  # logged out by an earlier example
        login("admin")
    return client


def show_page(sender, target: Target, world: World):
    """The page that holds the target's form, as a person would reach it."""
    page = target.page(world)
    response = sender.get(page)
    if target.upload is not None and response.status_code == 200:
        name, data = target.upload(world)
        upload = form_for(response.get_data(as_text=True), page, page)
        csrf = dict(upload.fields)["csrf_token"]
        response = sender.post(page, data={"csrf_token": csrf, "file": (io.BytesIO(data), name)})
    if target.after_search and response.status_code == 200:
        html = response.get_data(as_text=True)
        search = next(f for f in forms_of(html, page) if f.method == "post" and f.action == page)
        fields = dict(search.fields) | (target.fill(world) if target.fill else {})
        response = sender.post(search.action, data=fields)
    return response
