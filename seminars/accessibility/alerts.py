"""Mails to staff about accessibility tasks that need attention now.

A need arriving for a seminar whose service is already requested or booked (the provider
must hear of it), or whose due date is near or past (it must be booked now), and the last
person leaving a service that is requested or booked (it must be cancelled): each goes to
the task's owner, or to the staff address while nobody owns it. The mail names the seminar,
the service and the count, never a person (the back office shows who, to those allowed).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from seminars.accessibility.kinds import kind_label
from seminars.accessibility.models import TASK_ENGAGED, ServiceTask
from seminars.accessibility.tasks import Change
from seminars.accounts.models import User
from seminars.core.timezone import berlin_date, utcnow
from seminars.core.urls import external_url
from seminars.extensions import db
from seminars.outbox.services import queue_mail
from seminars.programme.models import Seminar
from seminars.registrations.mails import text_to_html
from seminars.registrations.staff_notice import staff_address

NEED_ARRIVED = "service_need_arrived"
LAST_LEFT = "service_last_left"


def _due_soon(task: ServiceTask) -> bool:
    if task.due_on is None:
        return False
    horizon = berlin_date(utcnow()) + timedelta(days=current_app.config["SERVICE_DUE_SOON_DAYS"])
    return task.due_on <= horizon


def alert_reason(change: Change) -> str | None:
    """Why a change deserves a mail ("arrived" or "last_left"), or None."""
    task = change.task
    if change.arrived and (task.status in TASK_ENGAGED or _due_soon(task)):
        return "arrived"
    if change.last_left and task.status in TASK_ENGAGED:
        return "last_left"
    return None


def queue_alerts(found: list[Change]) -> None:
    for change in found:
        reason = alert_reason(change)
        if reason is not None:
            _queue(change, reason)


def _recipient(task: ServiceTask) -> str:
    if task.owner_id is not None:
        owner = db.session.scalar(select(User).where(User.id == task.owner_id))
        if owner is not None and owner.active and owner.email:
            return owner.email
    return staff_address()


def _queue(change: Change, reason: str) -> None:
    task = change.task
    seminar = db.session.get_one(Seminar, task.seminar_id)
    link = external_url("staff_accessibility.task", task_id=task.id)
    with force_locale("de"):
        service = kind_label(task.kind)
        if reason == "arrived":
            subject = _(
                "Neuer Bedarf: %(service)s, %(title)s", service=service, title=seminar.title
            )
        else:
            subject = _(
                "Nicht mehr benötigt: %(service)s, %(title)s", service=service, title=seminar.title
            )
        body_text = (
            render_template(
                "mail/staff_service_alert.txt",
                reason=reason,
                change=change,
                task=task,
                service=service,
                seminar=seminar,
                staff_url=link,
            ).strip()
            + "\n"
        )
        body_html = render_template(
            "mail/layout.html", subject=subject, body=text_to_html(body_text, [link])
        )
    queue_mail(
        kind=NEED_ARRIVED if reason == "arrived" else LAST_LEFT,
        recipient=_recipient(task),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        # Sent by the outbox worker: the registration that raised it answers without waiting.
        send_after_commit=False,
    )
