"""Housekeeping says in words what failed, why, and where the mail is now."""

from datetime import timedelta

from seminars.core.timezone import utcnow
from seminars.outbox.explain import delivery_problems
from seminars.outbox.services import DeliveryReport
from tests import factories
from tests.housekeeping.test_housekeeping import register

CONFIG = {"MAIL_SERVER": "localhost", "MAIL_PORT": 25}


def test_nothing_to_explain_when_nothing_failed():
    assert (
        delivery_problems(DeliveryReport(sent=3), waiting=0, config=CONFIG, dev_mail_url=None) == []
    )


def test_an_unreachable_mail_server_is_named_with_its_reason():
    report = DeliveryReport(failed=1, connection_error="ConnectionRefusedError: refused")
    lines = delivery_problems(report, waiting=4, config=CONFIG, dev_mail_url=None)
    assert lines == [
        "Der Mailserver localhost:25 ist nicht erreichbar (ConnectionRefusedError: refused).",
        "4 E-Mails warten im Postausgang und werden beim nächsten Lauf erneut versucht.",
    ]


def test_development_points_to_the_dev_mail_page():
    report = DeliveryReport(failed=1, connection_error="ConnectionRefusedError: refused")
    lines = delivery_problems(
        report, waiting=1, config=CONFIG, dev_mail_url="http://127.0.0.1:5001/dev/mail/"
    )
    assert lines[1] == "1 E-Mail wartet im Postausgang und wird beim nächsten Lauf erneut versucht."
    assert "Entwicklungsbetrieb" in lines[2] and "http://127.0.0.1:5001/dev/mail/" in lines[2]


def test_refused_messages_are_told_apart_from_an_unreachable_server():
    lines = delivery_problems(DeliveryReport(failed=2), waiting=0, config=CONFIG, dev_mail_url="x")
    assert lines == [
        "2 E-Mails hat der Mailserver abgelehnt; die Gründe stehen bei den Anmeldungen im "
        "Backoffice."
    ]


def test_housekeeping_explains_a_failure_in_words(app):
    # The tests' mail server (127.0.0.1:9) does not listen, as in development without one.
    register(factories.seminar(capacity=2, starts_in=timedelta(days=1)), utcnow())
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "fehlgeschlagen: 1" in result.output
    assert (
        "Der Mailserver 127.0.0.1:9 ist nicht erreichbar (ConnectionRefusedError" in result.output
    )
    assert "3 E-Mails warten im Postausgang" in result.output  # request, confirmed, reminder
    assert "/dev/mail" not in result.output  # only development has that page


def test_housekeeping_in_development_points_to_the_dev_mail_page(app, monkeypatch):
    register(factories.seminar(capacity=2, starts_in=timedelta(days=1)), utcnow())
    monkeypatch.setitem(app.config, "ENV_NAME", "development")
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert "Im Entwicklungsbetrieb ist das normal" in result.output
    assert "http://seminare.test/dev/mail/" in result.output


def test_outbox_send_explains_a_failure_the_same_way(app):
    register(factories.seminar(capacity=2, starts_in=timedelta(days=20)), utcnow())
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "fehlgeschlagen: 1" in result.output
    assert "Der Mailserver 127.0.0.1:9 ist nicht erreichbar" in result.output
    assert "2 E-Mails warten im Postausgang" in result.output


def test_the_readme_shows_what_housekeeping_says(app):
    """The README's example of housekeeping in development is the command's own output."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("**Housekeeping in development.**", 1)[1].split("```")[1]
    report = DeliveryReport(
        failed=1, connection_error="ConnectionRefusedError: [Errno 111] Connection refused"
    )
    lines = delivery_problems(report, waiting=3, config=CONFIG, dev_mail_url="http://x/dev/mail/")
    shown = example.strip().splitlines()
    assert shown[0] == "Abgelaufen: 0, Erinnerungen: 0, E-Mails gesendet: 0, fehlgeschlagen: 1"
    assert shown[1:3] == lines[:2]
    assert lines[2].startswith(shown[3].removesuffix(" …"))
