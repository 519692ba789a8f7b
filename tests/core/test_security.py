from seminars import create_app
from seminars.core.security import CONTENT_SECURITY_POLICY
from tests import factories


def test_policy_allows_no_inline_code_and_no_framing():
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY


def test_every_response_carries_the_security_headers(client):
    seminar = factories.seminar()
    for path in (
        "/",
        f"/seminare/{seminar.id}",
        "/api/v1/seminars",
        "/gibt-es-nicht",
        "/static/css/site.css",
    ):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert (
            "script-src" not in CONTENT_SECURITY_POLICY
            or "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # not in development or tests


def test_personal_pages_keep_their_stricter_referrer_policy(client):
    response = client.get("/anmeldung/" + "x" * 43)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_sends_hsts_and_secure_cookies():
    app = create_app(
        "production",
        {
            "SECRET_KEY": "a-long-random-value-for-tests-only",
            "BASE_URL": "https://seminare.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_ALLOW_MEMORY": True,
        },
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    headers = app.test_client().get("/robots.txt").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_proxy_fix_is_switched_on_by_configuration():
    app = create_app("testing", {"PROXY_FIX_PROXIES": 1})

    @app.get("/_remote")
    def remote():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    from seminars.accounts.access import ACCESS, PUBLIC

    ACCESS["remote"] = PUBLIC
    try:
        answer = (
            app.test_client()
            .get(
                "/_remote", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
            )
            .get_data(as_text=True)
        )
    finally:
        del ACCESS["remote"]
    assert answer == "203.0.113.7 https"


def test_registration_and_api_are_rate_limited_with_a_polite_answer(client, app):
    from seminars.extensions import limiter

    seminar = factories.seminar()
    app.config.update(REGISTRATION_RATE_LIMIT="2 per minute", API_RATE_LIMIT="2 per minute")
    limiter.reset()
    try:
        from tests.conftest import csrf_token_from

        page = client.get(f"/seminare/{seminar.id}").get_data(as_text=True)
        token = {"csrf_token": csrf_token_from(page)}
        url = f"/seminare/{seminar.id}/anmeldung"
        statuses = [client.post(url, data=token).status_code for _ in range(3)]
        assert statuses == [422, 422, 429]
        limited = client.post(url, data=token, headers={"Accept-Language": "en"})
        assert limited.status_code == 429 and "Too many requests" in limited.get_data(as_text=True)
        api = [client.get("/api/v1/seminars").status_code for _ in range(3)]
        assert api == [200, 200, 429]
        assert client.get("/api/v1/seminars").is_json
    finally:
        app.config.update(
            REGISTRATION_RATE_LIMIT="1000 per minute", API_RATE_LIMIT="1000 per minute"
        )
        limiter.reset()


def test_production_warns_once_about_proxy_headers_it_does_not_trust(caplog):
    import logging

    app = create_app(
        "production",
        {
            "SECRET_KEY": "a-long-random-value-for-tests-only",
            "BASE_URL": "https://seminare.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_ALLOW_MEMORY": True,
        },
    )
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="seminars"):
        client.get("/robots.txt")
        assert "PROXY_FIX_PROXIES" not in caplog.text
        for _ in range(2):
            client.get("/robots.txt", headers={"X-Forwarded-For": "203.0.113.9"})
    warnings = [r for r in caplog.records if "PROXY_FIX_PROXIES is 0" in r.getMessage()]
    assert len(warnings) == 1
