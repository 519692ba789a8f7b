"""Sending outbox messages over SMTP with Flask-Mail, with a timeout on every socket step.

Flask-Mail opens its connection without a timeout; a mail server that accepts and then never
answers would hold a request forever. ``MailTransport`` opens the connection itself with
``MAIL_TIMEOUT`` and hands Flask-Mail a ready host.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_mail import Connection, Message

from seminars.outbox.models import OutboxMessage


class MailTransportError(Exception):
    pass


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

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailTransport:
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=config["MAIL_DEFAULT_SENDER"],
            timeout=float(config["MAIL_TIMEOUT"]),
        )

    def connect(self) -> _TimedConnection:
        return _TimedConnection(self)


class _TimedConnection(Connection):
    def __init__(self, transport: MailTransport) -> None:
        super().__init__(current_app.extensions["mail"])
        self.transport = transport

    def configure_host(self) -> smtplib.SMTP:
        t = self.transport
        smtp_class = smtplib.SMTP_SSL if t.use_ssl else smtplib.SMTP
        host = smtp_class(t.server, t.port, timeout=t.timeout)
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
            extra_headers={"Auto-Submitted": "auto-generated"},
        )
        for attachment in message.attachments or []:
            mail.attach(
                filename=attachment["filename"],
                content_type=attachment["content_type"],
                data=attachment["data"],
            )
        super().send(mail)
