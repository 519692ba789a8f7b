"""Letters as tagged PDF/UA-1 documents (A4, DIN 5008 form B), one or many in one file.

Each letter is written in its registrant's language. The QR code and the printed address of
the person's own page are made from the registration when the letter is printed, never
stored: the outbox keeps only the letter's text, and that goes once the letter is posted.
Enclosures (a certificate, a questionnaire) follow the letter as pages of the same
document (``enclosures.py``). A batch starts every letter on a new page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from seminars.core.pdf import html_to_pdf
from seminars.core.qr import qr_png_data_uri
from seminars.letters.enclosures import enclosures_for
from seminars.letters.services import Letter
from seminars.outbox.models import OutboxMessage
from seminars.registrations.mails import manage_url
from seminars.registrations.models import Registration


def paragraphs(text: str) -> Markup:
    """The letter's text as paragraphs (escaped); a block of "- " lines becomes a list."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>\n".join(str(escape(line)) for line in lines) + "</p>")
    return Markup("\n".join(blocks))  # noqa: S704 - every part escaped above


def sender_line() -> str:
    """The academy's name and postal address (``ACADEMY_ADDRESS``, as on the privacy page),
    above the address window."""
    config = current_app.config
    parts = [config["ACADEMY_NAME"], *str(config["ACADEMY_ADDRESS"]).split(",")]
    return " · ".join(part.strip() for part in parts if part.strip())


def letter_html(
    message: OutboxMessage, registration: Registration | None, *, today: date
) -> Markup:
    """One letter as a part of a document, in the registrant's language."""
    locale = (registration.locale if registration is not None else None) or "de"
    with force_locale(locale):
        url = manage_url(registration) if registration is not None else ""
        return Markup(  # noqa: S704 - rendered by an autoescaping template
            render_template(
                "letters/_letter.html",
                message=message,
                registration=registration,
                address_lines=[line for line in message.recipient.split("\n") if line.strip()],
                sender_line=sender_line(),
                today=today,
                body=paragraphs(message.body_text),
                personal_url=url,
                qr=qr_png_data_uri(url) if url else "",
                large_print=bool(registration is not None and registration.need_large_print),
                enclosures=enclosures_for(registration, message) if registration else [],
            )
        )


def document_html(letters: Sequence[Letter], *, today: date) -> str:
    """One document of ``letters``: one letter is wholly in its registrant's language; a
    batch is in German, each letter marked with its own language."""
    if len(letters) == 1:
        message, registration = letters[0]
        with force_locale((registration.locale if registration else None) or "de"):
            title = _("Brief: %(subject)s", subject=message.subject)
            part = letter_html(message, registration, today=today)
            return render_template("letters/document.html", title=title, letters=[part])
    with force_locale("de"):
        title = _("Briefe zum Drucken vom %(date)s", date=today.strftime("%d.%m.%Y"))
        parts = [
            letter_html(message, registration, today=today) for message, registration in letters
        ]
        return render_template("letters/document.html", title=title, letters=parts)


def letters_pdf(letters: Sequence[Letter], *, today: date) -> bytes:
    return html_to_pdf(document_html(letters, today=today))
