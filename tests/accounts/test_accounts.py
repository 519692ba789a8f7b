import re

import pytest
from sqlalchemy import select

from seminars.accounts import services
from seminars.accounts.models import User
from seminars.accounts.passwords import password_problem, verify_password
from seminars.audit.models import AuditEntry
from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db, limiter
from tests import factories
from tests.conftest import csrf_token_from


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "password",
    ["kurz", "passwort1234", "123456789012", "qwertzuiopü1", "aaaaaaaaaaaaaaaa", "Password123!"],
)
def test_weak_and_common_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_a_long_unusual_passphrase_is_accepted():
    assert password_problem(factories.STRONG_PASSWORD) is None


def test_passwords_are_stored_as_argon2id(app):
    user = services.create_user(
        email="Neu@Akademie.example", role="staff", password=factories.STRONG_PASSWORD, actor=None
    )
    db.session.commit()
    assert user.email == "neu@akademie.example"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, factories.STRONG_PASSWORD)
    assert db.session.scalars(select(AuditEntry.action)).all() == ["user.create"]


def test_duplicate_and_unknown_role_are_refused(app):
    factories.user("staff", email="a@akademie.example")
    with pytest.raises(DomainError):
        services.create_user(
            email="A@akademie.example", role="staff", password=factories.STRONG_PASSWORD, actor=None
        )
    with pytest.raises(DomainError):
        services.create_user(
            email="b@akademie.example", role="king", password=factories.STRONG_PASSWORD, actor=None
        )


def test_authenticate_gives_the_same_answer_for_every_failure(app):
    active = factories.user("staff", email="aktiv@akademie.example")
    inactive = factories.user("staff", email="inaktiv@akademie.example")
    inactive.active = False
    db.session.commit()
    now = utcnow()
    assert (
        services.authenticate("AKTIV@akademie.example", factories.STRONG_PASSWORD, now=now)
        == active
    )
    assert services.authenticate("aktiv@akademie.example", "falsch", now=now) is None
    assert services.authenticate("niemand@akademie.example", "falsch", now=now) is None
    assert (
        services.authenticate("inaktiv@akademie.example", factories.STRONG_PASSWORD, now=now)
        is None
    )


def test_login_logout_really_ends_the_session(client, login):
    account = login("staff")
    assert client.get("/verwaltung/").status_code == 200
    stolen_cookie = client.get_cookie("session").value
    page = text(client.get("/verwaltung/"))
    response = client.post("/verwaltung/abmelden", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    assert client.get("/verwaltung/").status_code == 302
    # The old cookie, replayed, is worth nothing: the session version moved on.
    client.set_cookie("session", stolen_cookie)
    assert client.get("/verwaltung/").status_code == 302
    db.session.refresh(account)
    assert account.session_version == 2


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("/verwaltung/seminare?x=1", "/verwaltung/seminare?x=1"),
        ("/verwaltung/seminare/1/teilnehmende.%0d%0aSet-Cookie:%20x=1", "/verwaltung/"),
        ("/verwaltung/seminare/1/teilnehmende.%09x", "/verwaltung/"),
        ("/verwaltung/seminare/1/teilnehmende.%5cevil", "/verwaltung/"),
    ],
)
def test_login_goes_back_only_to_a_plain_back_office_path(client, first, expected):
    account = factories.user("staff")
    assert client.get(first).status_code == 302  # to the login, remembering the page
    page = text(client.get("/verwaltung/anmelden"))
    response = client.post(
        "/verwaltung/anmelden",
        data={
            "email": account.email,
            "password": factories.STRONG_PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_login_error_does_not_reveal_whether_the_account_exists(client):
    factories.user("staff", email="da@akademie.example")
    answers = []
    for email in ("da@akademie.example", "weg@akademie.example"):
        page = text(client.get("/verwaltung/anmelden"))
        response = client.post(
            "/verwaltung/anmelden",
            data={
                "email": email,
                "password": "falsch falsch falsch",
                "csrf_token": csrf_token_from(page),
            },
        )
        assert response.status_code == 422
        main = text(response).split("<main")[1].split("</main>")[0]
        answers.append(re.sub(r'value="[^"]*"', "", main))
    assert "E-Mail-Adresse oder Passwort stimmen nicht." in answers[0]
    assert answers[0] == answers[1]


def test_login_is_rate_limited(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    limiter.reset()
    try:
        page = text(client.get("/verwaltung/anmelden"))
        data = {
            "email": "x@akademie.example",
            "password": "falsch",
            "csrf_token": csrf_token_from(page),
        }
        statuses = [client.post("/verwaltung/anmelden", data=data).status_code for _ in range(12)]
        assert statuses[:10] == [422] * 10, statuses
        assert statuses[-1] == 429
        limited = client.post("/verwaltung/anmelden", data=data)
        assert "Zu viele Anmeldeversuche" in text(limited)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()


def test_change_own_password_ends_other_sessions(client, login, app):
    account = login("staff")
    other = app.test_client()
    page = text(other.get("/verwaltung/anmelden"))
    credentials = {"email": account.email, "password": factories.STRONG_PASSWORD}
    other.post("/verwaltung/anmelden", data={**credentials, "csrf_token": csrf_token_from(page)})
    assert other.get("/verwaltung/").status_code == 200
    page = text(client.get("/verwaltung/passwort"))
    new = "Grüne Laterne summt leise am Flussufer"
    weak = client.post(
        "/verwaltung/passwort",
        data={
            "current": factories.STRONG_PASSWORD,
            "new": "passwort1234",
            "repeat": "passwort1234",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert weak.status_code == 422 and "zu leicht zu erraten" in text(weak)
    done = client.post(
        "/verwaltung/passwort",
        data={
            "current": factories.STRONG_PASSWORD,
            "new": new,
            "repeat": new,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert done.status_code == 303
    assert client.get("/verwaltung/").status_code == 200
    assert other.get("/verwaltung/").status_code == 302


def test_admin_creates_deactivates_and_resets(client, login):
    login("admin")
    page = text(client.get("/verwaltung/benutzer/neu"))
    response = client.post(
        "/verwaltung/benutzer/neu",
        data={
            "email": "neu@akademie.example",
            "name": "Neu",
            "role": "steering",
            "password": factories.STRONG_PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    created = db.session.scalars(select(User).where(User.email == "neu@akademie.example")).one()
    assert created.role == "steering"
    assert "neu@akademie.example" in text(client.get("/verwaltung/benutzer"))
    page = text(client.get(f"/verwaltung/benutzer/{created.id}"))
    response = client.post(
        f"/verwaltung/benutzer/{created.id}",
        data={
            "new_password": "Rotes Fahrrad parkt hinter der Bibliothek",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 303
    db.session.refresh(created)
    assert created.active is False
    assert verify_password(created.password_hash, "Rotes Fahrrad parkt hinter der Bibliothek")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.create", "user.update", "user.password_reset"]


def test_create_user_command_reads_the_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "cli@akademie.example", "--role", "admin"],
        input=factories.STRONG_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    weak = runner.invoke(
        args=["create-user", "cli2@akademie.example", "--role", "admin"], input="passwort1234\n"
    )
    assert weak.exit_code == 1
    assert db.session.scalars(select(User.email)).all() == ["cli@akademie.example"]
