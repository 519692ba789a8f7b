from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from seminars.programme.models import FORMAT_ONLINE, STATUS_DRAFT
from tests import factories


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def schema_validator(openapi: dict, name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": openapi["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_openapi_document_is_valid_3_1(openapi):
    assert openapi["openapi"].startswith("3.1")
    validate(openapi)
    assert {"/seminars", "/seminars/{seminar_id}"} <= set(openapi["paths"])


def test_list_matches_its_schema(client, openapi):
    item = factories.seminar("Öffentlich", instructors=["Anna Lindner"], sessions=2)
    factories.fill(item, 3)
    factories.seminar("Online", seminar_format=FORMAT_ONLINE, meeting_url="https://meet.example/x")
    factories.seminar("Entwurf", status=STATUS_DRAFT)
    body = client.get("/api/v1/seminars").json
    schema_validator(openapi, "SeminarList").validate(body)
    assert body["total"] == 2
    first = body["items"][0]
    assert first["title"] == "Öffentlich"
    assert first["availability"] == {
        "state": "places_free",
        "places_left": 7,
        "registration_opens_at": None,
        "registration_closes_at": None,
    }
    assert first["instructors"] == ["Anna Lindner"]
    assert len(first["sessions"]) == 2
    assert first["free_of_charge"] is True
    assert first["url"].endswith(f"/seminare/{item.id}")
    assert first["starts_at"].endswith("+00:00")


def test_meeting_link_is_never_published(client):
    factories.seminar(seminar_format=FORMAT_ONLINE, meeting_url="https://meet.example/geheim")
    assert "geheim" not in client.get("/api/v1/seminars").get_data(as_text=True)


def test_same_filters_as_the_catalogue(client):
    factories.seminar("Recht Jena", topic_key="recht", town="Jena", starts_in=timedelta(days=3))
    factories.seminar("Gruppe Gera", town="Gera", starts_in=timedelta(days=4))

    def found(query: str) -> list[str]:
        return [i["title"] for i in client.get("/api/v1/seminars" + query).json["items"]]

    assert found("?topic=recht") == ["Recht Jena"]
    assert found("?town=Gera") == ["Gruppe Gera"]
    assert found("?q=jena") == ["Recht Jena"]
    assert found("?format=online") == []
    assert found("?free=1") == ["Recht Jena", "Gruppe Gera"]


def test_values_from_fixed_sets_are_taken_exactly_as_published(client):
    """The pages forgive case and spaces; the API holds to its OpenAPI document."""
    factories.seminar("Gruppe Gera", town="Gera", starts_in=timedelta(days=4))
    for query in ("?town=gera", "?free=%20", "?format=online%20", "?page=", "?free=TRUE"):
        response = client.get("/api/v1/seminars" + query)
        assert response.status_code == 400, query
    page = client.get("/?town=gera&free=TRUE").get_data(as_text=True)
    assert "Gruppe Gera" in page


def test_pagination(client):
    for day in range(1, 4):
        factories.seminar(f"S{day}", starts_in=timedelta(days=day))
    body = client.get("/api/v1/seminars?per_page=2&page=2").json
    assert [i["title"] for i in body["items"]] == ["S3"]
    assert body["pages"] == 2 and body["total"] == 3 and body["per_page"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "?topic=astrologie",
        "?format=zirkus",
        "?month=2027",
        "?page=0",
        "?per_page=1000",
        "?per_page=abc",
        "?free=vielleicht",
        "?town=Atlantis",
    ],
)
def test_bad_filters_are_explained_with_400(client, openapi, query):
    response = client.get("/api/v1/seminars" + query)
    assert response.status_code == 400
    schema_validator(openapi, "Problem").validate(response.json)
    assert response.json["errors"][0]["message"]


def test_single_seminar_and_404(client, openapi):
    item = factories.seminar("Einzeln")
    response = client.get(f"/api/v1/seminars/{item.id}")
    schema_validator(openapi, "Seminar").validate(response.json)
    assert response.json["title"] == "Einzeln"
    missing = client.get("/api/v1/seminars/999999")
    assert missing.status_code == 404 and missing.is_json
    schema_validator(openapi, "Problem").validate(missing.json)
    assert client.get("/api/v1/seminars/99999999999999").status_code == 404


def test_no_registrant_address_or_phone_number_reaches_the_api_or_the_feeds(client):
    item = factories.seminar("Mit Briefen")
    people = [
        factories.registration(
            item, channel="post", street="Kornmarkt 17", postcode="07743", city="Jena"
        ),
        factories.registration(item, channel="phone", phone="03641 424242"),
    ]
    paths = ["/api/v1/seminars", f"/api/v1/seminars/{item.id}", "/seminare.ics"]
    responses = [client.get(path) for path in [*paths, f"/seminare/{item.id}.ics"]]
    assert [r.status_code for r in responses] == [200] * 4
    published = [r.get_data(as_text=True) for r in responses]
    assert "Mit Briefen" in published[0]
    for text in published:
        for secret in ("Kornmarkt", "07743", "424242", "Anger 1", people[0].last_name):
            assert secret not in text
