"""A mail server's permanent refusal (5xx) is final at once; a temporary one (4xx) is retried
with back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminars.core.timezone import utcnow
from seminars.outbox.services import deliver
from tests.outbox.test_delivery import later, messages, queue


@pytest.mark.parametrize(
    "answer", ["550 5.1.1 Mailbox unavailable", "553 5.1.3 Address not allowed"]
)
def test_a_permanent_refusal_is_given_up_at_once_with_its_reason(
    app, scripted_smtp_server, monkeypatch, answer
):
    scripted_smtp_server.refuse["person1@example.org"] = answer
    queue(3)
    report = deliver()
    assert (report.sent, report.failed, report.given_up) == (2, 1, 1)
    refused = messages()[1]
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error == answer
    assert refused.recipient == "person1@example.org"  # staff see which address was refused
    later(monkeypatch, 60 * 24 * 7)
    assert deliver().sent == 0
    assert messages()[1].attempts == 1  # never tried again
    assert sorted(m["To"] for m in scripted_smtp_server.messages) == [
        "person0@example.org",
        "person2@example.org",
    ]


def test_a_refusal_at_the_end_of_the_data_is_final_too(app, scripted_smtp_server, monkeypatch):
    async def refuse_content(server, session, envelope):
        return "554 5.6.0 Message content rejected"

    monkeypatch.setattr(scripted_smtp_server, "handle_DATA", refuse_content)
    queue(1)
    assert deliver().given_up == 1
    [stored] = messages()
    assert stored.status == "failed" and stored.last_error.startswith("554")


def test_a_temporary_refusal_is_retried_with_back_off(app, scripted_smtp_server, monkeypatch):
    scripted_smtp_server.refuse["person0@example.org"] = "451 4.3.0 Try again later"
    queue(1)
    report = deliver()
    assert (report.failed, report.given_up) == (1, 0)
    [stored] = messages()
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert stored.last_error == "451 4.3.0 Try again later"
    assert stored.next_attempt_at > utcnow() + timedelta(seconds=30)
    assert deliver().failed == 0  # waits for its back-off

    later(monkeypatch, 2)
    assert deliver().failed == 1
    assert messages()[0].attempts == 2
    del scripted_smtp_server.refuse["person0@example.org"]
    later(monkeypatch, 5)
    assert deliver().sent == 1
    assert [m["To"] for m in scripted_smtp_server.messages] == ["person0@example.org"]
    assert messages()[0].status == "sent"
