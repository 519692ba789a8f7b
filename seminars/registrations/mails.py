"""Mails to registrants, written to the outbox in the registrant's language.

Each kind has one plain-text template (``templates/mail/<kind>.txt``); the HTML part is made
from the same text (paragraphs and clickable links), so both parts always say the same. Only
the links the application built are clickable; anything a person typed stays plain text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from seminars.core.timezone import utcnow
from seminars.core.urls import external_url, own_site_link
from seminars.outbox.models import CHANNEL_CALL, CHANNEL_EMAIL, CHANNEL_LETTER
from seminars.outbox.services import Attachment
from seminars.programme.ical import calendar_for
from seminars.programme.models import Seminar
from seminars.programme.queries import loaded_seminar_for_mails
from seminars.registrations import delivery, service_notes, tokens
from seminars.registrations.models import Registration

CONFIRM_REQUEST = "confirm_request"
ALREADY_REGISTERED = "already_registered"
# The address holds as many unconfirmed registrations as it may: confirm one of them first.
PENDING_LIMIT = "pending_limit"
CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
SEAT_OFFERED = "seat_offered"
# A seat on a new date of a full seminar, for someone from its waitlist or interest list.
NEW_DATE_OFFERED = "new_date_offered"
OFFER_EXPIRED = "offer_expired"
CANCELLED_BY_YOU = "cancelled_by_you"
SEMINAR_CANCELLED = "seminar_cancelled"
SEMINAR_CHANGED = "seminar_changed"
REMINDER = "reminder"
CERTIFICATE = "certificate"
KINDS = (
    CONFIRM_REQUEST,
    ALREADY_REGISTERED,
    PENDING_LIMIT,
    CONFIRMED,
    WAITLISTED,
    SEAT_OFFERED,
    NEW_DATE_OFFERED,
    OFFER_EXPIRED,
    CANCELLED_BY_YOU,
    SEMINAR_CANCELLED,
    SEMINAR_CHANGED,
    REMINDER,
    CERTIFICATE,
)
# The kinds that offer a seat (they wait for an answer; a call about one records it).
OFFER_KINDS = (SEAT_OFFERED, NEW_DATE_OFFERED)


def offer_kind(registration: Registration) -> str:
    """A place on a new date (from the old date's waitlist or its interest list) is offered
    with its own message: it tells what accepting and declining mean for the old date."""
    if registration.moved_from_id is not None or registration.interest_subscription_id is not None:
        return NEW_DATE_OFFERED
    return SEAT_OFFERED


def _subject(kind: str, title: str) -> str:
    subjects = {
        CONFIRM_REQUEST: _("Bitte bestätigen Sie Ihre Anmeldung: %(title)s", title=title),
        ALREADY_REGISTERED: _("Sie sind bereits angemeldet: %(title)s", title=title),
        PENDING_LIMIT: _("Bitte bestätigen Sie zuerst Ihre Anmeldung: %(title)s", title=title),
        CONFIRMED: _("Anmeldung bestätigt: %(title)s", title=title),
        WAITLISTED: _("Sie stehen auf der Warteliste: %(title)s", title=title),
        SEAT_OFFERED: _("Ein Platz ist für Sie frei: %(title)s", title=title),
        NEW_DATE_OFFERED: _("Neuer Termin – ein Platz für Sie: %(title)s", title=title),
        OFFER_EXPIRED: _("Platzangebot abgelaufen: %(title)s", title=title),
        CANCELLED_BY_YOU: _("Abmeldung bestätigt: %(title)s", title=title),
        SEMINAR_CANCELLED: _("Seminar abgesagt: %(title)s", title=title),
        SEMINAR_CHANGED: _("Änderung beim Seminar: %(title)s", title=title),
        REMINDER: _("Erinnerung: %(title)s", title=title),
        CERTIFICATE: _("Ihre Teilnahmebescheinigung: %(title)s", title=title),
    }
    return subjects[kind]


def salutation(registration: Registration) -> str:
    """The mail's first line, by name where the name is known (in the current locale)."""
    name = f"{registration.first_name or ''} {registration.last_name or ''}".strip()
    return _("Guten Tag %(name)s,", name=name) if name else _("Guten Tag,")


def manage_url(registration: Registration) -> str:
    token = tokens.token_for(registration.id, registration.token_salt)
    return external_url("registrations.manage", token=token)


def _seminar_for_mail(seminar_id: int) -> Seminar:
    # Several mails of one transaction (a cancelled seminar, a new registration whose details
    # were read before its lock) load the seminar once.
    return loaded_seminar_for_mails(seminar_id)


_URL = re.compile(r"https?://[^\s<>\"]+")


def links_in(text: str) -> set[str]:
    """The web addresses written in ``text`` (as ``text_to_html`` would find them)."""
    return set(_URL.findall(text))


def text_to_html(text: str, links: Iterable[str] | None = None) -> Markup:
    """Paragraphs from plain text, everything escaped.

    Only links the application built become clickable: exactly those in ``links`` or, when
    none are given, plain links to this site. An address someone typed into a name or another
    field stays text, even when it looks like a link.
    """
    clickable = own_site_link() if links is None else frozenset(links).__contains__

    def link(match: re.Match) -> str:
        shown = match.group(0)
        if not clickable(html.unescape(shown)):
            return shown
        return f'<a href="{shown}">{shown}</a>'

    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        linked = _URL.sub(link, str(escape(block)))
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(paragraphs))


def _context(registration: Registration, seminar, links: dict[str, str], extra: dict) -> dict:
    return {
        "registration": registration,
        # After the seminar the personal page can only show the registration.
        "taken_place": seminar.has_taken_place(utcnow()),
        "seminar": seminar,
        **links,
        "academy": current_app.config["ACADEMY_NAME"],
        "academy_email": current_app.config["ACADEMY_EMAIL"],
        "academy_phone": current_app.config["ACADEMY_PHONE"],
        **extra,
    }


def queue(registration: Registration, kind: str, **extra) -> None:
    """Write the message of ``kind`` for ``registration`` to the outbox (same transaction),
    on the person's channel (``delivery.py``): a mail, a letter or a call."""
    channel = delivery.channel_for(registration, kind)
    if channel is None:
        return
    seminar = _seminar_for_mail(registration.seminar_id)
    with force_locale(registration.locale or "de"):
        links = {
            "manage_url": manage_url(registration),
            "seminar_url": external_url("catalogue.detail", seminar_id=seminar.id),
            "certificate_url": external_url(
                "certificates.download_own",
                token=tokens.token_for(registration.id, registration.token_salt),
            ),
        }
        if kind in (CONFIRMED, REMINDER):
            # What is booked for the person's needs, in their language.
            extra = {**extra, "booked_services": service_notes.booked_services_of(registration)}
        extra = {**extra, "letter": channel == CHANNEL_LETTER}
        context = _context(registration, seminar, links, extra)
        subject = _subject(kind, seminar.title)
        if channel == CHANNEL_CALL:
            # What staff read out on the phone (every kind that can become a call has one).
            body_text = render_template(f"calls/{kind}.txt", **context).strip() + "\n"
        else:
            body_text = render_template(f"mail/{kind}.txt", **context).strip() + "\n"
        body_html = ""
        attachments = []
        if channel == CHANNEL_EMAIL:
            body_html = render_template(
                "mail/layout.html", subject=subject, body=text_to_html(body_text, links.values())
            )
            if kind == CONFIRMED:
                attachments.append(
                    Attachment("seminar.ics", "text/calendar", calendar_for([seminar]).decode())
                )
    delivery.send(
        registration,
        kind=kind,
        channel=channel,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
    )


def queue_seminar_changed(registration: Registration, changes: Sequence[str | LazyString]) -> None:
    """``changes`` are best lazy strings: they are read in the registrant's language."""
    queue(registration, SEMINAR_CHANGED, changes=changes)


def seminar_changed_preview(
    registration: Registration, seminar, changes: Sequence[str | LazyString]
) -> str:
    """The text ``queue_seminar_changed`` would write, for the page staff see before they
    save: ``registration`` is an unsaved stand-in (its status picks the text), ``seminar``
    the seminar as it will be; the personal link is a placeholder."""
    with force_locale(registration.locale or "de"):
        links = {
            "manage_url": _("[persönlicher Link zur Anmeldeseite]"),
            "seminar_url": external_url("catalogue.detail", seminar_id=seminar.id),
            "certificate_url": "",
        }
        context = _context(registration, seminar, links, {"changes": changes})
        return render_template(f"mail/{SEMINAR_CHANGED}.txt", **context).strip() + "\n"


def personal_message(registration: Registration, text: str, *, kind: str) -> str:
    """A text staff wrote, addressed to the person in their language, as it goes out on the
    person's channel: a mail ends with the personal link, a letter points to the QR code
    printed with it, a call is said, without any address to read out."""
    channel = delivery.channel_for(registration, kind)
    with force_locale(registration.locale or "de"):
        greeting = salutation(registration)
        academy = current_app.config["ACADEMY_NAME"]
        if channel == CHANNEL_CALL:
            return f"{greeting} {_('hier ist %(academy)s.', academy=academy)}\n\n{text.strip()}\n"
        if channel == CHANNEL_LETTER:
            where = _("Ihre Anmeldung finden Sie über den QR-Code am Ende dieses Briefes.")
            return f"{greeting}\n\n{text.strip()}\n\n{where}\n\n{academy}\n"
        link = _("Ihre Anmeldung können Sie hier ansehen:")
    return f"{greeting}\n\n{text.strip()}\n\n{link}\n{manage_url(registration)}\n\n{academy}\n"
