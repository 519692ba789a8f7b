"""Forgotten passwords, invitations by mail, and role changes."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.accounts import links, self_service, services
from seminars.accounts.models import User
from seminars.accounts.passwords import verify_password
from seminars.audit.models import AuditEntry
from seminars.core.timezone import utcnow
from seminars.extensions import db, limiter
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import deliver
from tests import factories
from tests.conftest import csrf_token_from, field_error

FORGOT = "/verwaltung/passwort-vergessen"
NEW_PASSWORD = "Grüne Kaffeekanne summt im Märzwind"


def text(response) -> str:
    return response.get_data(as_text=True)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def ask_for_reset(client, email: str, address: str = "198.51.100.1"):
    environ = {"REMOTE_ADDR": address}
    page = text(client.get(FORGOT, environ_base=environ))
    return client.post(
        FORGOT, data={"email": email, "csrf_token": csrf_token_from(page)}, environ_base=environ
    )


def link_path(body: str) -> str:
    match = re.search(r"http://seminare\.test(/verwaltung/passwort-festlegen/\S+)", body)
    assert match, body
    return match.group(1)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    page = client.get(path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(
        path,
        data={"new": password, "repeat": password, "csrf_token": csrf_token_from(text(page))},
    )


def test_the_login_page_offers_the_reset(client):
    assert f'href="{FORGOT}"' in text(client.get("/verwaltung/anmelden"))


def test_a_reset_is_mailed_used_once_and_audited(app, client, smtp_server):
    user = factories.user("staff", email="kollegin@akademie.example")
    response = ask_for_reset(client, " Kollegin@Akademie.example ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/anmelden")
    # Not sent within the request (its time would tell that the account exists)...
    assert smtp_server.messages == []
    # ...but by the outbox worker.
    assert deliver().sent == 1
    (mail,) = smtp_server.messages
    assert mail["To"] == "kollegin@akademie.example"
    path = link_path(mail.get_body(preferencelist=("plain",)).get_content())
    page = client.get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    done = set_password(client, path)
    assert done.status_code == 303 and done.headers["Location"].endswith("/anmelden")
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)
    assert actions() == ["user.password_reset_request", "user.password_reset_link"]
    # The link works once.
    again = client.get(path)
    assert again.status_code == 404 and "abgelaufen oder wurde schon benutzt" in text(again)


def test_unknown_and_inactive_addresses_get_the_same_answer_and_no_mail(app, client):
    factories.user("staff", email="da@akademie.example")
    gone = factories.user("staff", email="weg@akademie.example")
    gone.active = False
    db.session.commit()
    answers = []
    for email in ("da@akademie.example", "niemand@akademie.example", "weg@akademie.example"):
        response = ask_for_reset(app.test_client(), email)
        answers.append((response.status_code, response.headers["Location"]))
    assert answers[0] == answers[1] == answers[2]
    recipients = list(db.session.scalars(select(OutboxMessage.recipient)))
    assert recipients == ["da@akademie.example"]


def test_the_flash_message_is_the_same_for_unknown_addresses(app):
    factories.user("staff", email="da@akademie.example")
    pages = []
    for email in ("da@akademie.example", "niemand@akademie.example"):
        client = app.test_client()
        ask_for_reset(client, email)
        page = text(client.get("/verwaltung/anmelden"))
        pages.append(re.sub(r'value="[^"]+"', "", page))
    assert pages[0] == pages[1]
    assert "Wenn es ein Konto mit dieser Adresse gibt" in pages[0]


def test_an_expired_link_is_refused(app, client):
    user = factories.user("staff")
    made = utcnow() - timedelta(hours=app.config["PASSWORD_RESET_HOURS"], minutes=1)
    token = links.token_for(user, links.RESET, now=made)
    assert links.read(token, now=utcnow()) is None
    assert links.read(token, now=made + timedelta(minutes=5)) is not None
    assert client.get(f"/verwaltung/passwort-festlegen/{token}").status_code == 404


@pytest.mark.parametrize("token", ["x" * 43, "eyJ1IjoxfQ.forged", ""])
def test_forged_links_are_refused(app, client, token):
    factories.user("staff")
    assert links.read(token, now=utcnow()) is None
    if token:
        assert client.get(f"/verwaltung/passwort-festlegen/{token}").status_code == 404


def test_a_link_stops_working_when_the_password_changes_otherwise(app):
    user = factories.user("staff")
    token = links.token_for(user, links.RESET, now=utcnow())
    services.change_own_password(user, current=factories.STRONG_PASSWORD, new=NEW_PASSWORD)
    assert links.read(token, now=utcnow()) is None


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, client):
    user = factories.user("staff")
    path = f"/verwaltung/passwort-festlegen/{links.token_for(user, links.RESET, now=utcnow())}"
    response = set_password(client, path, "passwort1234")
    assert response.status_code == 422 and field_error(text(response), "new")
    assert set_password(client, path).status_code == 303


def test_setting_the_password_ends_every_session(app, client, login):
    user = login("staff")
    version = user.session_version
    self_service.set_password_by_link(
        links.token_for(user, links.RESET, now=utcnow()), new=NEW_PASSWORD, now=utcnow()
    )
    db.session.commit()
    assert user.session_version == version + 1
    assert client.get("/verwaltung/").status_code == 302


@pytest.fixture
def reset_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "4 per minute")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "2 per hour")
    limiter.reset()
    yield
    limiter.reset()


def test_requests_are_rate_limited_per_address_typed_in(app, reset_limits):
    factories.user("staff", email="ziel@akademie.example")
    answers = [
        ask_for_reset(app.test_client(), "ziel@akademie.example", f"203.0.113.{n}").status_code
        for n in range(1, 5)
    ]
    assert answers == [303, 303, 429, 429]
    assert db.session.query(OutboxMessage).count() == 2


def test_requests_are_rate_limited_per_client_alike_for_unknown_addresses(app, reset_limits):
    client = app.test_client()
    answers = [
        ask_for_reset(client, f"person{n}@akademie.example", "203.0.113.9").status_code
        for n in range(6)
    ]
    assert answers == [303] * 4 + [429] * 2
    assert "Zu viele Anfragen" in text(ask_for_reset(client, "x@akademie.example", "203.0.113.9"))


def test_an_invitation_lets_the_new_colleague_set_a_password(app, client, login, smtp_server):
    login("admin")
    page = text(client.get("/verwaltung/benutzer/neu"))
    response = client.post(
        "/verwaltung/benutzer/neu",
        data={
            "email": "neu@akademie.example",
            "name": "Neue Kollegin",
            "role": "staff",
            "password": "",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    user = db.session.scalars(select(User).where(User.email == "neu@akademie.example")).one()
    # Nobody can log in before the password is set, not even with an empty one.
    assert services.authenticate("neu@akademie.example", "", now=utcnow()) is None
    (mail,) = smtp_server.messages  # an admin's action: sent right away
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "7 Tage" in body
    other = app.test_client()
    assert set_password(other, link_path(body)).status_code == 303
    assert services.authenticate("neu@akademie.example", NEW_PASSWORD, now=utcnow()) == user
    assert actions()[-3:] == ["user.create", "user.invite", "user.invitation_accept"]


def test_an_invitation_expires_after_the_configured_days(app):
    admin = factories.user("admin")
    user = self_service.invite_user(
        email="spaet@akademie.example", role="staff", actor=admin, now=utcnow()
    )
    made = utcnow() - timedelta(days=app.config["INVITATION_DAYS"], minutes=1)
    assert links.read(links.token_for(user, links.INVITATION, now=made), now=utcnow()) is None
    fresh = utcnow() - timedelta(days=app.config["INVITATION_DAYS"] - 1)
    assert links.read(links.token_for(user, links.INVITATION, now=fresh), now=utcnow())


def test_an_admin_changes_a_role_and_it_is_audited(app, client, login):
    login("admin")
    other = factories.user("staff", email="rolle@akademie.example")
    page = text(client.get(f"/verwaltung/benutzer/{other.id}"))
    response = client.post(
        f"/verwaltung/benutzer/{other.id}",
        data={"role": "steering", "active": "y", "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, other.id).role == "steering"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.role")).one()
    assert (entry.before, entry.after) == ({"role": "staff"}, {"role": "steering"})


def test_an_admin_cannot_take_away_their_own_administration(app, client, login):
    admin = login("admin")
    page = text(client.get(f"/verwaltung/benutzer/{admin.id}"))
    response = client.post(
        f"/verwaltung/benutzer/{admin.id}",
        data={"role": "staff", "active": "y", "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 422
    assert "eigene Rolle" in field_error(text(response), "role")
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"
    assert "user.role" not in actions()
