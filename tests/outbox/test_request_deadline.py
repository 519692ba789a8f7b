"""A request never waits on the mail server longer than ``MAIL_REQUEST_DEADLINE`` for all its
mails together; what it could not send stays in the outbox for the worker.

The bounds asserted on elapsed time are generous: without the deadline these requests take
two to ten times as long."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import deliver
from tests import factories
from tests.conftest import csrf_token_from
from tests.registrations.test_views import manage_path, post_form, text


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_cancellation_that_passes_its_seat_on_is_answered_despite_a_slow_mail_server(
    app, client, scripted_smtp_server
):
    app.config.update(MAIL_REQUEST_DEADLINE=1, MAIL_TIMEOUT=10)
    seminar = factories.seminar(capacity=1, starts_in=timedelta(days=10))
    # Without needs: a need for a seminar this close would also alert staff (by the worker).
    post_form(client, seminar, email="leaving@example.org", need_sign_language="")
    post_form(client, seminar, email="waiting@example.org", need_sign_language="")
    path, waiting_path = (manage_path(m) for m in scripted_smtp_server.messages[:2])
    for each in (path, waiting_path):
        page = client.get(each)
        client.post(f"{each}/bestaetigen", data={"csrf_token": csrf_token_from(text(page))})
    assert "Auf der Warteliste, Platz 1" in text(client.get(waiting_path))
    step = client.get(f"{path}/abmelden")
    scripted_smtp_server.messages.clear()
    sent_before = len(outbox())
    scripted_smtp_server.delay = 1.0  # MAIL, RCPT and DATA: 3 s a mail, 6 s for both

    started = time.monotonic()
    response = client.post(f"{path}/abmelden", data={"csrf_token": csrf_token_from(text(step))})
    elapsed = time.monotonic() - started

    assert response.status_code == 303
    assert elapsed < 3.5
    gone = client.get(path)
    assert gone.status_code == 410 and "Abgemeldet" in text(gone)
    assert "Platz annehmen" in text(client.get(waiting_path))
    # Both mails wait in the outbox, untried, for the next sender.
    left = outbox()[sent_before:]
    assert [(m.kind, m.status, m.attempts) for m in left] == [
        ("cancelled_by_you", "pending", 0),
        ("seat_offered", "pending", 0),
    ]
    assert scripted_smtp_server.messages == []

    scripted_smtp_server.delay = 0
    assert deliver().sent == 2
    assert [m["To"] for m in scripted_smtp_server.messages] == [
        "leaving@example.org",
        "waiting@example.org",
    ]


def test_a_registration_is_answered_in_time_when_the_mail_server_hangs(
    app, client, hanging_smtp_server
):
    app.config.update(MAIL_REQUEST_DEADLINE=1, MAIL_TIMEOUT=10)
    seminar = factories.seminar(capacity=5)
    started = time.monotonic()
    response = post_form(client, seminar)
    elapsed = time.monotonic() - started
    assert response.status_code == 303
    assert "Bitte bestätigen Sie Ihre Anmeldung" in text(client.get(response.headers["Location"]))
    assert elapsed < 3.5
    [mail] = outbox()
    assert (mail.kind, mail.status, mail.attempts) == ("confirm_request", "pending", 0)


def test_the_worker_sends_what_a_request_left(app, client, smtp_server):
    app.config.update(MAIL_REQUEST_DEADLINE=0)  # requests leave every mail to the worker
    post_form(client, factories.seminar(capacity=5))
    assert smtp_server.messages == [] and outbox()[0].status == "pending"
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--rounds", "1"])
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in smtp_server.messages] == ["erika@example.org"]
    assert outbox()[0].status == "sent"
