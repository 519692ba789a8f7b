"""A venue's county, which programme alerts and demand figures go by."""

from __future__ import annotations

import pytest

from seminars.extensions import db
from seminars.planning import services
from seminars.planning.errors import PlanningError
from seminars.programme.models import Venue
from tests import factories
from tests.conftest import csrf_token_from, field_error

LABEL = "Landkreis / kreisfreie Stadt (für Benachrichtigungen und Nachfragezahlen)"


def venue_form(page: str, **values) -> dict:
    form = {"name": "Haus am Markt", "street": "Markt 1", "postcode": "07743", "town": "Jena"}
    return form | {"csrf_token": csrf_token_from(page)} | values


def test_staff_give_a_new_venue_its_county(client, login):
    login("staff")
    page = client.get("/verwaltung/orte/neu").get_data(as_text=True)
    assert f'<label for="county">{LABEL}</label>' in page
    assert '<optgroup label="Thüringen">' in page and '<option value="sn-leipzig">' in page
    response = client.post("/verwaltung/orte/neu", data=venue_form(page, county="th-jena"))
    assert response.status_code == 303
    venue = db.session.query(Venue).one()
    assert venue.county == "th-jena"
    listing = client.get("/verwaltung/orte").get_data(as_text=True)
    assert "Jena (Stadt)" in listing
    edit = client.get(f"/verwaltung/orte/{venue.id}").get_data(as_text=True)
    assert '<option value="th-jena" selected>' in edit


def test_the_county_is_optional_and_can_be_taken_away(client, login):
    login("staff")
    venue = factories.venue("Gera", county="th-gera")
    page = client.get(f"/verwaltung/orte/{venue.id}").get_data(as_text=True)
    response = client.post(
        f"/verwaltung/orte/{venue.id}", data=venue_form(page, town="Gera", county="")
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Venue, venue.id).county is None
    assert "ohne Landkreis" in client.get("/verwaltung/orte").get_data(as_text=True)


def test_an_unknown_county_is_refused_with_a_message(client, login):
    login("staff")
    page = client.get("/verwaltung/orte/neu").get_data(as_text=True)
    response = client.post("/verwaltung/orte/neu", data=venue_form(page, county="atlantis"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "county").endswith("Bitte wählen Sie einen Eintrag aus der Liste.")
    assert 'aria-describedby="county-error"' in html
    assert db.session.query(Venue).count() == 0


def test_the_service_refuses_an_unknown_county(app):
    values = dict.fromkeys(services.VENUE_FIELDS, "") | {"name": "Haus", "town": "Jena"}
    for flag in ("step_free_access", "accessible_toilet", "hearing_loop", "accessible_parking"):
        values[flag] = False
    with pytest.raises(PlanningError):
        services.save_venue(None, values | {"county": "elsewhere"})
    assert services.save_venue(None, values | {"county": "sn-dresden"}).county == "sn-dresden"
