"""Mails to the academy's staff about what registrants changed themselves.

Staff read German; the mail names the seminar and which needs changed, never the free text
nor the person (both stay behind the back-office link, where access is checked).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from seminars.core.urls import external_url
from seminars.outbox.services import queue_mail
from seminars.programme.models import Seminar
from seminars.registrations.mails import text_to_html
from seminars.registrations.models import Registration
from seminars.registrations.needs import need_label

NEEDS_CHANGED = "staff_needs_changed"


def staff_address() -> str:
    return current_app.config["STAFF_NOTIFY_EMAIL"] or current_app.config["ACADEMY_EMAIL"]


def queue_needs_changed(
    registration: Registration,
    seminar: Seminar,
    *,
    added: list[str],
    removed: list[str],
    other_changed: bool,
) -> None:
    """Tell the staff that ``registration`` changed its needs (``added``/``removed``: need
    keys; ``other_changed``: the free text changed)."""
    link = external_url("staff_registrations.registration", registration_id=registration.id)
    with force_locale("de"):
        subject = _("Geänderte Bedarfe: %(title)s", title=seminar.title)
        body_text = (
            render_template(
                "mail/staff_needs_changed.txt",
                seminar=seminar,
                registration_id=registration.id,
                added=[need_label(key) for key in added],
                removed=[need_label(key) for key in removed],
                other_changed=other_changed,
                staff_url=link,
            ).strip()
            + "\n"
        )
        body_html = render_template(
            "mail/layout.html", subject=subject, body=text_to_html(body_text, [link])
        )
    queue_mail(
        kind=NEEDS_CHANGED,
        recipient=staff_address(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )
