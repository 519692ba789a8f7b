"""Links between the pages of ``/api/v1/seminars``: in the body and as RFC 8288 header."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from seminars.core.timezone import utcnow
from tests import factories

# RFC 8288, section 3: link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ),
# link-param = token BWS [ "=" BWS ( token / quoted-string ) ]; values separated by ",".
_LINK_VALUE = re.compile(
    r"\s*<(?P<uri>[^<>\s]*)>(?P<params>(?:\s*;\s*[!#$%&\'*+.^_`|~0-9A-Za-z-]+"
    r'(?:\s*=\s*(?:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|"(?:[^"\\]|\\.)*"))?)*)\s*'
)
_PARAM = re.compile(r';\s*([^\s=;]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;,]+)))?')


def parse_link_header(value: str) -> dict[str, str]:
    """Relation -> URI; fails unless the whole header is a list of RFC 8288 link-values."""
    links: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _LINK_VALUE.match(value, position)
        assert match, f"not a link-value at {position}: {value[position:]!r}"
        params = {
            name.lower(): quoted if quoted is not None else token
            for name, quoted, token in _PARAM.findall(match["params"])
        }
        for rel in params["rel"].split():
            assert rel not in links, f"rel {rel} twice"
            links[rel] = match["uri"]
        position = match.end()
        if position < len(value):
            assert value[position] == ",", value[position:]
            position += 1
    return links


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def page_of(url: str | None) -> int | None:
    return None if url is None else int(query(url)["page"][0])


@pytest.fixture
def five_seminars():
    return [factories.seminar(f"S{day}", starts_in=timedelta(days=day)) for day in range(1, 6)]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (1, {"self": 1, "first": 1, "prev": None, "next": 2, "last": 3}),
        (2, {"self": 2, "first": 1, "prev": 1, "next": 3, "last": 3}),
        (3, {"self": 3, "first": 1, "prev": 2, "next": None, "last": 3}),
    ],
)
def test_links_on_first_middle_and_last_page(client, five_seminars, page, expected):
    response = client.get(f"/api/v1/seminars?per_page=2&page={page}")
    links = response.json["links"]
    assert {rel: page_of(url) for rel, url in links.items()} == expected
    for url in filter(None, links.values()):
        assert url.startswith("http://localhost/api/v1/seminars?")
        assert query(url)["per_page"] == ["2"]
    # The header holds the same links, except self; a missing page has no link at all.
    header = parse_link_header(response.headers["Link"])
    assert header == {rel: url for rel, url in links.items() if rel != "self" and url is not None}


def test_following_next_walks_through_every_seminar(client, five_seminars):
    url: str | None = "/api/v1/seminars?per_page=2"
    titles = []
    while url is not None:
        body = client.get(url).json
        titles += [item["title"] for item in body["items"]]
        url = parse_link_header(client.get(url).headers["Link"]).get("next")
    assert titles == ["S1", "S2", "S3", "S4", "S5"]


def test_a_single_page_links_only_to_itself(client, five_seminars):
    response = client.get("/api/v1/seminars")
    links = response.json["links"]
    assert links["prev"] is None and links["next"] is None
    assert links["self"] == links["first"] == links["last"]
    assert "per_page" not in query(links["self"])  # not given, not invented
    assert parse_link_header(response.headers["Link"]) == {
        "first": links["first"],
        "last": links["last"],
    }


def test_links_keep_every_filter(client):
    start = (utcnow() + timedelta(days=40)).replace(day=10, hour=9)
    for day in range(1, 4):
        factories.seminar(
            f"Recht {day}", topic_key="recht", town="Jena", starts_at=start + timedelta(days=day)
        )
    factories.seminar("Anderes", town="Gera", starts_at=start)
    month = start.strftime("%Y-%m")
    response = client.get(
        "/api/v1/seminars?q=recht&topic=recht&town=Jena&format=in_person&free=1"
        f"&month={month}&per_page=1&page=2"
    )
    body = response.json
    assert body["total"] >= 2 and body["links"]["next"] is not None
    for rel, url in parse_link_header(response.headers["Link"]).items():
        args = query(url)
        assert args["q"] == ["recht"] and args["topic"] == ["recht"], rel
        assert args["town"] == ["Jena"] and args["format"] == ["in_person"], rel
        assert args["free"] == ["1"] and args["month"] == [month], rel
        assert args["per_page"] == ["1"], rel
        assert client.get(url).json["total"] == body["total"], rel


def test_awkward_search_text_survives_the_links(client):
    factories.seminar('Sorgen, Ängste; "Mut" <Gruppe>')
    response = client.get("/api/v1/seminars", query_string={"q": 'Ängste; "Mut" <Gr'})
    assert response.json["total"] == 1
    links = parse_link_header(response.headers["Link"])
    assert query(links["first"])["q"] == ['Ängste; "Mut" <Gr']
    assert client.get(links["last"]).json["total"] == 1


def test_a_page_past_the_end_shows_and_links_the_last(client, five_seminars):
    body = client.get("/api/v1/seminars?per_page=2&page=9").json
    assert body["page"] == 3
    assert page_of(body["links"]["self"]) == 3 and body["links"]["next"] is None


def test_cached_pages_keep_their_links(client, app, five_seminars):
    app.config["CATALOGUE_CACHE_SECONDS"] = 3
    try:
        first = client.get("/api/v1/seminars?per_page=2")
        again = client.get("/api/v1/seminars?per_page=2")
        assert again.headers["Link"] == first.headers["Link"]
        # Links are built from the host asked; another host never gets them from the cache.
        other = client.get("/api/v1/seminars?per_page=2", base_url="http://andere.test")
        assert other.json["links"]["next"].startswith("http://andere.test/")
    finally:
        app.config["CATALOGUE_CACHE_SECONDS"] = 0


def test_openapi_documents_the_links(client, five_seminars):
    openapi = client.get("/api/v1/openapi.json").json
    validate(openapi)
    listing = openapi["paths"]["/seminars"]["get"]["responses"]["200"]
    assert listing["headers"]["Link"]["schema"] == {"type": "string"}
    assert "links" in openapi["components"]["schemas"]["SeminarList"]["required"]
    schema = {"$ref": "#/components/schemas/SeminarList", "components": openapi["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for page in (1, 2, 3):
        validator.validate(client.get(f"/api/v1/seminars?per_page=2&page={page}").json)
    broken = client.get("/api/v1/seminars?per_page=2").json
    broken["links"]["next"] = 3
    assert not validator.is_valid(broken)
