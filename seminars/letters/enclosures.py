"""What goes in the envelope with a letter, as pages of the same tagged PDF.

``ENCLOSURES`` maps the kind of a letter (the ``kind`` of its outbox message) to a function
``(registration, message) -> Markup`` that returns the enclosure's pages as HTML. The letter
puts each one after its own text, starting on a new page (``.enclosure`` breaks the page);
a function that has nothing to enclose returns an empty ``Markup``. An enclosure brings its
own ``<style>`` for its elements, scoped under a class of its own, and may set a named
``@page`` for other margins. Adding one is one function and one entry here, e.g.
``"survey_invitation"``: the printed questionnaire (``surveys/paper.py``).

Each function runs inside the letter's ``force_locale`` (the registrant's language).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from seminars.certificates import pdf as certificate_pdf
from seminars.certificates.services import active_certificate
from seminars.outbox.models import OutboxMessage
from seminars.registrations.models import Registration
from seminars.surveys.paper import questionnaire_pages

Enclosure = Callable[[Registration, OutboxMessage], Markup]


def certificate(registration: Registration, message: OutboxMessage) -> Markup:
    """The person's current certificate as one page (no page when it was revoked)."""
    found = active_certificate(registration.id)
    if found is None:
        return Markup()
    with force_locale(found.locale or "de"):
        html = render_template(
            "letters/enclosures/certificate.html", **certificate_pdf.page_context(found)
        )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


ENCLOSURES: dict[str, Enclosure] = {
    "certificate": certificate,
    # The questionnaire with its code, again with the reminder (the same code).
    "survey_invitation": questionnaire_pages,
    "survey_reminder": questionnaire_pages,
}


def enclosures_for(registration: Registration, message: OutboxMessage) -> list[Markup]:
    enclose = ENCLOSURES.get(message.kind)
    if enclose is None:
        return []
    pages = enclose(registration, message)
    return [pages] if pages else []
