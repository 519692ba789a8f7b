"""Writing a message to the participants of a seminar into the outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminars.audit.services import record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.registrations import delivery
from seminars.registrations.mails import links_in, manage_url, personal_message, text_to_html
from seminars.registrations.models import STATUS_CONFIRMED, STATUS_WAITLISTED, Registration

STAFF_MESSAGE = "staff_message"

AUDIENCES = {
    "confirmed": (STATUS_CONFIRMED,),
    "waitlisted": (STATUS_WAITLISTED,),
    "all": (STATUS_CONFIRMED, STATUS_WAITLISTED),
}


def recipients(seminar_id: int, audience: str) -> list[Registration]:
    if audience not in AUDIENCES:
        raise DomainError(_l("Unbekannte Empfängergruppe."), field="audience")
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.seminar_id == seminar_id,
                Registration.status.in_(AUDIENCES[audience]),
            )
            .order_by(Registration.last_name, Registration.id)
        )
    )


def body_for(registration: Registration, text: str) -> str:
    """The staff text as it reaches the person (``mails.personal_message``)."""
    return personal_message(registration, text, kind=STAFF_MESSAGE)


def send_to_participants(
    seminar_id: int, audience: str, subject: str, text: str, *, actor: Actor | None
) -> int:
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFoundError()
    people = recipients(seminar_id, audience)
    if not people:
        raise DomainError(_l("In dieser Gruppe ist niemand."), field="audience")
    # Clickable: the person's own link and the links staff wrote, never one inside a name.
    staff_links = links_in(text)
    for registration in people:
        body = body_for(registration, text)
        delivery.send(
            registration,
            kind=STAFF_MESSAGE,
            subject=subject,
            body_text=body,
            body_html=str(text_to_html(body, {manage_url(registration), *staff_links})),
        )
    after = {"audience": audience, "subject": subject, "recipients": len(people)}
    record(actor, "seminar.mail", seminar=seminar, after=after)
    return len(people)
