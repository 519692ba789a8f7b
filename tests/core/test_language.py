import pytest

from tests import factories
from tests.conftest import csrf_token_from


@pytest.fixture
def two_languages(app):
    saved = app.config["LANGUAGES"]
    app.config["LANGUAGES"] = ["de", "en"]
    yield
    app.config["LANGUAGES"] = saved


def token(client) -> str:
    seminar = factories.seminar()
    return csrf_token_from(client.get(f"/seminare/{seminar.id}").get_data(as_text=True))


def test_switch_remembers_the_language_and_goes_back(client, two_languages):
    response = client.post(
        "/sprache", data={"lang": "en", "next": "/archiv?q=x", "csrf_token": token(client)}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/archiv?q=x"
    assert (
        "lang=en" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    )
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\\\evil", None])
def test_switch_never_redirects_elsewhere(client, two_languages, target):
    data = {"lang": "de", "csrf_token": token(client)}
    if target is not None:
        data["next"] = target
    response = client.post("/sprache", data=data)
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client, two_languages):
    response = client.post(
        "/sprache", data={"lang": "xx", "next": "/", "csrf_token": token(client)}
    )
    assert response.status_code == 303 and "Set-Cookie" not in response.headers


def test_accept_language_is_the_default(client, two_languages):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="de">' in page


def test_public_list_pages_carry_no_session_and_no_token(client, two_languages):
    # They are cached and shared between visitors: nothing personal may be in them.
    factories.seminar()
    for path in ("/", "/archiv"):
        response = client.get(path)
        assert "csrf_token" not in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
    assert client.post("/sprache", data={"lang": "en"}).status_code == 303


def _lands_on_this_site(location: str) -> bool:
    """Read the Location as a browser does: tabs and line breaks dropped, backslashes taken
    as slashes, resolved against the page's address."""
    from urllib.parse import urljoin, urlsplit

    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    return urlsplit(urljoin("https://seminare.test/archiv", cleaned)).netloc == "seminare.test"


HOSTILE_TARGETS = [
    "/\t/evil.example",
    "/\t\t/evil.example/x",
    "\t//evil.example",
    "/archiv\r\nSet-Cookie: x=1",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\\\evil",
    "/%2F%2Fevil.example",
    "/%2f%5cevil.example",
    "/archiv%2F..%2F..",
    "https://evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "///evil.example",
    "////evil.example",
    "//evil.example/%2F",
    " //evil.example",
    "/\u2028/evil.example",
    "/\x85/evil.example",
    "\uff0f\uff0fevil.example",
    "/" + "a" * 5000,
    "",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS, ids=repr)
def test_hostile_targets_fall_back_to_the_start_page(client, two_languages, target):
    response = client.post("/sprache", data={"lang": "en", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["/", "/archiv?q=Gruppe&page=2", "/seminare/3", "/übersicht", "/\uff0f\uff0fx"]
)
def test_local_targets_are_kept(client, two_languages, target):
    response = client.post("/sprache", data={"lang": "en", "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and _lands_on_this_site(location)
    assert location != "/" or target == "/"


def test_a_switch_sent_from_another_site_changes_nothing(client, two_languages):
    response = client.post(
        "/sprache", data={"lang": "en", "next": "/"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 303 and "Set-Cookie" not in response.headers
