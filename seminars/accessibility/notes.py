"""What the registrant is told: the services booked for their needs, and the people to tell
when a service cannot be provided.

``booked_services_of`` and ``materials_for`` answer registrations' ``service_notes``
(connected in ``create_app``). ``tell_unavailable`` writes a prepared, edited text to every
active registration with the need of a task that cannot be provided, in each person's
language, and closes the task as cancelled.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminars.accessibility.kinds import KINDS, kind, kind_label
from seminars.accessibility.models import (
    TASK_CANCELLED,
    TASK_CLOSED,
    TASK_PROVIDED,
    ServiceTask,
)
from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_row
from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.registrations import delivery
from seminars.registrations.mails import manage_url, personal_message, text_to_html
from seminars.registrations.models import ACTIVE_STATUSES, STATUS_CONFIRMED, Registration

SERVICE_UNAVAILABLE = "service_unavailable"
# The languages a registration can have; the page offers one text for each.
LANGUAGES = ("de", "en")


def booked_services_of(registration: Registration) -> list[str]:
    """One sentence per need of the person whose service is booked or confirmed, in the
    current language; nothing while the registration holds no seat."""
    if registration.id is None:
        return []
    if not (registration.status == STATUS_CONFIRMED or registration.holds_seat):
        return []
    wanted = [item.key for item in KINDS if getattr(registration, item.need)]
    if not wanted:
        return []
    provided = set(
        db.session.scalars(
            select(ServiceTask.kind).where(
                ServiceTask.seminar_id == registration.seminar_id,
                ServiceTask.kind.in_(wanted),
                ServiceTask.status.in_(TASK_PROVIDED),
            )
        )
    )
    return [str(item.booked_text) for item in KINDS if item.key in provided]


def affected(task: ServiceTask) -> list[Registration]:
    """The active registrations (with a seat, waiting or offered one) with the task's need."""
    found = kind(task.kind)
    if found is None:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.seminar_id == task.seminar_id,
                Registration.status.in_(ACTIVE_STATUSES),
                getattr(Registration, found.need).is_(True),
            )
            .order_by(Registration.id)
        )
    )


def prepared_text(task: ServiceTask, seminar: Seminar, language: str) -> str:
    """The polite text staff start from, in ``language``."""
    with force_locale(language):
        return _(
            "leider können wir für das Seminar „%(title)s“ die Leistung „%(service)s“ nicht "
            "bereitstellen, obwohl wir uns sehr darum bemüht haben. Das tut uns leid.\n\n"
            "Bitte sagen Sie uns, ob Sie trotzdem teilnehmen möchten oder was wir stattdessen "
            "für Sie tun können. Sie erreichen uns per E-Mail unter %(email)s oder telefonisch "
            "unter %(phone)s. Wenn Sie unter diesen Umständen nicht teilnehmen möchten, "
            "können Sie sich über Ihre Anmeldeseite abmelden.",
            title=seminar.title,
            service=kind_label(task.kind),
            email=current_app.config["ACADEMY_EMAIL"],
            phone=current_app.config["ACADEMY_PHONE"],
        )


def task_for_notice(task_id: int) -> tuple[ServiceTask, Seminar]:
    task = db.session.get(ServiceTask, task_id)
    if task is None:
        raise NotFoundError()
    seminar = db.session.get(Seminar, task.seminar_id)
    if seminar is None:
        raise NotFoundError()
    return task, seminar


def mail_body(registration: Registration, text: str) -> str:
    """The staff text as it reaches the person (``mails.personal_message``)."""
    return personal_message(registration, text, kind=SERVICE_UNAVAILABLE)


def tell_unavailable(
    task_id: int, texts: dict[str, str], *, actor: Actor | None, now: datetime
) -> int:
    """Mail ``texts[language]`` to every affected person in their language, close the task
    as cancelled (unless it is closed already), and note it in the change log. Returns how
    many were told."""
    task = lock_row(ServiceTask, task_id)
    if task is None:
        raise NotFoundError()
    seminar = db.session.get(Seminar, task.seminar_id)
    if seminar is None:
        raise NotFoundError()
    for language in LANGUAGES:
        if not (texts.get(language) or "").strip():
            raise DomainError(_l("Bitte schreiben Sie einen Text."), field=f"text_{language}")
    people = affected(task)
    if not people:
        raise DomainError(_l("Niemand mit diesem Bedarf ist angemeldet."))
    for registration in people:
        language = registration.locale if registration.locale in LANGUAGES else "de"
        body = mail_body(registration, texts[language])
        with force_locale(language):
            subject = _(
                "Nicht möglich: %(service)s, %(title)s",
                service=kind_label(task.kind),
                title=seminar.title,
            )
        delivery.send(
            registration,
            kind=SERVICE_UNAVAILABLE,
            subject=subject,
            body_text=body,
            body_html=str(text_to_html(body, {manage_url(registration)})),
        )
    before_status = task.status
    if task.status not in TASK_CLOSED:
        task.status = TASK_CANCELLED
        task.status_changed_at = now
    record(
        actor,
        "service_task.tell_unavailable",
        seminar=seminar,
        before={"task": task.kind, "status": before_status},
        after={"task": task.kind, "status": task.status, "recipients": len(people)},
    )
    db.session.flush()
    return len(people)
