"""Which failures of one message are final, and how to word them for staff.

A mail server answers 4xx when it might take the message later (mailbox busy, greylisting)
and 5xx when it never will (no such mailbox, address refused): a 5xx is not retried. A
message that cannot even be written (a line break in an address) is final too.
"""

from __future__ import annotations

import smtplib

from flask_mail import BadHeaderError


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _answers(exc: Exception) -> list[tuple[int, str]]:
    """The SMTP answers (code, text) that refused the message, if it was the server."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [(int(code), _text(text)) for code, text in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [(int(exc.smtp_code), _text(exc.smtp_error))]
    return []


def is_permanent(exc: Exception) -> bool:
    """Whether sending this message again can never succeed."""
    if isinstance(exc, BadHeaderError | UnicodeError):
        return True
    answers = _answers(exc)
    return bool(answers) and all(500 <= code < 600 for code, _ in answers)


def describe(exc: Exception) -> str:
    """The reason as the mail server gave it (``550 5.1.1 no such user``), else the error."""
    answers = _answers(exc)
    if answers:
        return "; ".join(f"{code} {text}".strip() for code, text in answers)[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
