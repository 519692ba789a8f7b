"""The filter form's choices may be kept a few seconds per worker; the list never is."""

import seminars.catalogue.choices as choices_module
from tests import factories


def text(response) -> str:
    return response.get_data(as_text=True)


def offered(page: str, town: str) -> bool:
    return f'<option value="{town}"' in page


def test_choices_are_kept_for_the_configured_seconds(client, app, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(choices_module.time, "monotonic", lambda: clock[0])
    app.config["CATALOGUE_CHOICES_SECONDS"] = 10
    factories.seminar("In Jena", town="Jena")
    assert offered(text(client.get("/")), "Jena")
    factories.seminar("In Gera", town="Gera")
    clock[0] += 9.9
    page = text(client.get("/"))
    assert "In Gera" in page and "2 Seminare gefunden" in page  # the list is exact
    assert not offered(page, "Gera")  # the choices are from before
    clock[0] += 0.2
    assert offered(text(client.get("/")), "Gera")


def test_without_keeping_choices_follow_at_once(client, app):
    app.config["CATALOGUE_CHOICES_SECONDS"] = 0
    factories.seminar("In Jena", town="Jena")
    client.get("/")
    factories.seminar("In Gera", town="Gera")
    assert offered(text(client.get("/")), "Gera")
