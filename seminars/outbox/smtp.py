"""Sending outbox messages over SMTP with Flask-Mail, bounded in time.

Flask-Mail opens its connection without a timeout; a mail server that accepts and then never
answers would hold a request forever. ``MailTransport`` opens the connection itself: every
socket step may take ``MAIL_TIMEOUT`` at most, and, when a deadline is given (a request sends
its mails), no step runs past it, however many steps and messages there are.

Every message carries a ``Message-ID`` derived from its outbox row, so that a message sent
again (the sender could not record that it went out) is recognisably the same mail.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_mail import Connection, Message

from seminars.outbox.models import OutboxMessage


class MailTransportError(Exception):
    pass


class MailDeadlinePassed(TimeoutError):
    """The time a request may spend on mail is over; what is left waits in the outbox."""


@dataclass(frozen=True)
class MailTransport:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    sender: str
    timeout: float
    message_id_domain: str
    message_id_key: bytes

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailTransport:
        sender = config["MAIL_DEFAULT_SENDER"]
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=sender,
            timeout=float(config["MAIL_TIMEOUT"]),
            message_id_domain=_domain_of(sender) or config["CALENDAR_UID_DOMAIN"],
            message_id_key=str(config["SECRET_KEY"]).encode(),
        )

    def connect(self, deadline: float | None = None) -> _TimedConnection:
        """A connection whose steps end by ``deadline`` (``time.monotonic()``) if given."""
        return _TimedConnection(self, deadline)

    def message_id(self, message: OutboxMessage) -> str:
        """The same for every attempt at one outbox message, different for every other."""
        created = message.created_at.strftime("%Y%m%dT%H%M%S")
        digest = hmac.new(
            self.message_id_key, f"outbox:{message.id}:{created}".encode(), hashlib.sha256
        ).hexdigest()[:20]
        return f"<outbox.{message.id}.{digest}@{self.message_id_domain}>"


def _domain_of(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] if "@" in address else ""


class _Deadline:
    """Bounds every read and write of an ``smtplib`` connection by a step timeout and by an
    overall deadline, so that a server answering every step slowly cannot add them up."""

    deadline: float | None = None
    step_timeout: float = 10.0
    sock: Any

    def _step_timeout(self) -> float:
        if self.deadline is None:
            return self.step_timeout
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise MailDeadlinePassed("the time for sending mail is over")
        return min(self.step_timeout, remaining)

    def _arm(self) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._step_timeout())

    def send(self, s) -> None:
        self._arm()
        super().send(s)  # type: ignore[misc]

    def getreply(self) -> tuple[int, bytes]:
        self._arm()
        return super().getreply()  # type: ignore[misc]


class _SMTP(_Deadline, smtplib.SMTP):
    def __init__(self, host: str, port: int, *, timeout: float, deadline: float | None) -> None:
        self.step_timeout, self.deadline = timeout, deadline
        super().__init__(host, port, timeout=self._step_timeout())


class _SMTP_SSL(_Deadline, smtplib.SMTP_SSL):
    def __init__(self, host: str, port: int, *, timeout: float, deadline: float | None) -> None:
        self.step_timeout, self.deadline = timeout, deadline
        super().__init__(host, port, timeout=self._step_timeout())


class _TimedConnection(Connection):
    def __init__(self, transport: MailTransport, deadline: float | None) -> None:
        super().__init__(current_app.extensions["mail"])
        self.transport = transport
        self.deadline = deadline

    def configure_host(self) -> smtplib.SMTP:
        t = self.transport
        smtp_class = _SMTP_SSL if t.use_ssl else _SMTP
        host = smtp_class(t.server, t.port, timeout=t.timeout, deadline=self.deadline)
        if t.use_tls:
            host.starttls()
        if t.username and t.password:
            host.login(t.username, t.password)
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is None:
            return
        try:
            if exc_type is None:
                self.host.quit()
            else:
                self.host.close()
        except (smtplib.SMTPException, OSError):
            self.host.close()

    def send(self, message: OutboxMessage) -> None:  # type: ignore[override]
        mail = Message(
            subject=message.subject,
            recipients=[message.recipient],
            body=message.body_text,
            html=message.body_html or None,
            sender=self.transport.sender,
            extra_headers={"Auto-Submitted": "auto-generated", **(message.headers or {})},
        )
        mail.msgId = self.transport.message_id(message)
        for attachment in message.attachments or []:
            mail.attach(
                filename=attachment["filename"],
                content_type=attachment["content_type"],
                data=attachment["data"],
            )
        super().send(mail)
