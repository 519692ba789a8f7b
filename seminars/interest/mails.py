"""Mails to interest subscribers, written to the outbox in the subscriber's language.

Every one carries the one-click unsubscribe of RFC 8058 (``List-Unsubscribe`` with
``List-Unsubscribe-Post``) and names the unsubscribe link in its text. Templates:
``templates/mail/interest/<kind>.txt``; the HTML part is made from the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale

from seminars.interest.links import manage_url, unsubscribe_url
from seminars.interest.models import InterestSubscription
from seminars.outbox.services import queue_mail
from seminars.registrations.mails import text_to_html


@dataclass(frozen=True)
class Choice:
    """A subscription a mail is about, with its own links."""

    subscription: InterestSubscription
    manage_url: str
    unsubscribe_url: str


def queue(
    subscription: InterestSubscription,
    kind: str,
    subject: str,
    *,
    also: Sequence[InterestSubscription] = (),
    **extra,
) -> None:
    """Write the mail of ``kind`` to the subscriber (same transaction). ``subject`` is a
    callable or lazy string, evaluated in the subscriber's language.

    ``also``: further subscriptions of the same address the mail is about (the day's
    programme alert covers them all). The text gives each one's own links (``choices``); the
    language and the ``List-Unsubscribe`` header are the first one's, since the header can
    carry one subscription's link only (ending one of several is what a mail program's
    button can sensibly do)."""
    with force_locale(subscription.locale or "de"):
        links = {
            "manage_url": manage_url(subscription),
            "unsubscribe_url": unsubscribe_url(subscription),
        }
        choices = [
            Choice(item, manage_url(item), unsubscribe_url(item)) for item in (subscription, *also)
        ]
        context = {
            "subscription": subscription,
            "choices": choices,
            "academy": current_app.config["ACADEMY_NAME"],
            "academy_email": current_app.config["ACADEMY_EMAIL"],
            "academy_phone": current_app.config["ACADEMY_PHONE"],
            **links,
            **extra,
        }
        subject_text = str(subject(**extra) if callable(subject) else subject)
        body_text = render_template(f"mail/interest/{kind}.txt", **context).strip() + "\n"
        shown = set(links.values()) | set(extra.get("links", ()))
        shown |= {url for choice in choices for url in (choice.manage_url, choice.unsubscribe_url)}
        body_html = render_template(
            "mail/layout.html", subject=subject_text, body=text_to_html(body_text, shown)
        )
    message = queue_mail(
        kind=f"interest_{kind}",
        recipient=subscription.email,
        subject=subject_text,
        body_text=body_text,
        body_html=body_html,
    )
    message.subscription_id = subscription.id
    message.headers = {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
