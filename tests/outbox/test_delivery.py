"""The outbox against a real SMTP server: kept while it is down, sent exactly once later."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

import seminars.outbox.services as outbox_services
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox import claims
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import Attachment, deliver, queue_mail

LEASE = timedelta(minutes=5)


def queue(number: int = 1, **fields) -> list[int]:
    ids = []
    for index in range(number):
        message = queue_mail(
            kind="test",
            recipient=f"person{index}@example.org",
            subject=f"Betreff {index} – Umlaute äöü",
            body_text=f"Text {index}\nhttp://seminare.test/x",
            body_html=f"<p>Text {index}</p>",
            **fields,
        )
        ids.append(message.id)
    db.session.commit()
    return ids


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def later(monkeypatch, minutes: int) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(outbox_services, "utcnow", lambda: moment)


def test_delivers_text_html_and_attachments(app, smtp_server):
    queue(
        attachments=[
            Attachment("seminar.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        ]
    )
    report = deliver()
    assert report.sent == 1
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Betreff 0 – Umlaute äöü"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_body(preferencelist=("plain",)).get_content().startswith("Text 0")
    assert "<p>Text 0</p>" in mail.get_body(preferencelist=("html",)).get_content()
    assert [a.get_filename() for a in mail.iter_attachments()] == ["seminar.ics"]
    [stored] = messages()
    assert stored.status == "sent" and stored.sent_at is not None


def test_server_down_keeps_mail_and_delivers_exactly_once_later(app, monkeypatch):
    from tests.conftest import SMTPRecorder, free_port

    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    queue(3)
    report = deliver()
    assert (report.sent, report.failed) == (0, 1)
    stored = messages()
    assert [m.status for m in stored] == ["pending"] * 3
    assert stored[0].attempts == 1 and stored[0].next_attempt_at > utcnow()
    assert deliver().sent == 0  # the failed one waits for its back-off

    from aiosmtpd.controller import Controller

    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later(monkeypatch, 2)
        assert deliver().sent == 3
        assert deliver().sent == 0
        later(monkeypatch, 600)
        assert deliver().sent == 0
    finally:
        controller.stop()
    assert sorted(m["To"] for m in recorder.messages) == [
        f"person{i}@example.org" for i in range(3)
    ]
    assert [m.status for m in messages()] == ["sent"] * 3


def test_back_off_grows_and_gives_up(app, monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, OUTBOX_MAX_ATTEMPTS=3)
    queue(1)
    minutes = 0
    gaps = []
    for _ in range(3):
        before = messages()[0].next_attempt_at
        minutes += 10_000
        later(monkeypatch, minutes)
        deliver()
        after = messages()[0]
        gaps.append(after.next_attempt_at - outbox_services.utcnow())
        assert after.next_attempt_at != before
    assert gaps[0] < gaps[1]
    final = messages()[0]
    assert final.status == "failed" and final.attempts == 3
    app.config["OUTBOX_MAX_ATTEMPTS"] = 20


def test_a_claimed_message_is_not_sent_by_a_second_sender(app, smtp_server):
    [message_id] = queue(1)
    held = claims.claim(message_id, utcnow(), LEASE)
    assert held is not None and held.message.id == message_id
    assert claims.claim(message_id, utcnow(), LEASE) is None
    assert claims.due_ids(None, utcnow(), 10) == []
    assert deliver().sent == 0


def test_a_sender_records_one_message_and_claims_the_next_in_one_transaction(app, smtp_server):
    """Five messages: one transaction finds them, one claims the first, then one for each
    (sent, next claimed), the last recording only the fifth: seven, not eleven."""
    queue(5)
    commits = []

    def count(connection) -> None:
        commits.append(connection)

    sa.event.listen(db.engine, "commit", count)
    try:
        report = deliver()
    finally:
        sa.event.remove(db.engine, "commit", count)
    assert report.sent == 5 and len(smtp_server.messages) == 5
    assert [m.status for m in messages()] == ["sent"] * 5
    assert len(commits) == 7


def test_a_message_taken_by_another_sender_meanwhile_is_skipped(app, smtp_server, monkeypatch):
    """The next message was claimed by someone else between two sends: the combined
    transaction claims nothing, the sender goes on with the one after it."""
    first, second, third = queue(3)
    real = claims.mark_sent_and_claim
    taken = []

    def meanwhile(held, now, next_id, lease):
        if next_id == second and not taken:
            taken.append(claims.claim(second, utcnow(), LEASE))  # another sender
        return real(held, now, next_id, lease)

    monkeypatch.setattr(claims, "mark_sent_and_claim", meanwhile)
    report = deliver()
    assert report.sent == 2
    assert [m["To"] for m in smtp_server.messages] == [
        "person0@example.org",
        "person2@example.org",
    ]
    assert [m.status for m in messages()] == ["sent", "sending", "sent"]


def test_a_lease_that_ran_out_is_taken_over(app, smtp_server, monkeypatch):
    [message_id] = queue(1)
    assert claims.claim(message_id, utcnow(), LEASE)  # a sender that died after claiming
    later(monkeypatch, 6)
    assert deliver().sent == 1
    assert len(smtp_server.messages) == 1


def test_rolled_back_mail_is_never_sent(app, smtp_server):
    queue_mail(kind="test", recipient="x@example.org", subject="s", body_text="t")
    db.session.rollback()
    assert outbox_services.send_committed().sent == 0
    assert messages() == [] and smtp_server.messages == []


def test_committed_mail_is_sent_right_after_the_commit(app, smtp_server):
    queue_mail(kind="test", recipient="x@example.org", subject="s", body_text="t")
    db.session.commit()
    assert outbox_services.send_committed().sent == 1
    assert outbox_services.send_committed().sent == 0


def test_outbox_send_command(app, smtp_server):
    queue(2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Gesendet: 2" in result.output


@pytest.mark.parametrize("header_attack", ["a@example.org\r\nBcc: evil@example.org"])
def test_header_injection_in_a_recipient_is_not_sent(app, smtp_server, header_attack):
    queue_mail(kind="test", recipient=header_attack, subject="s", body_text="t")
    db.session.commit()
    report = deliver()
    assert report.sent == 0 and report.failed == 1
    assert smtp_server.messages == []
