"""Telling people that a seminar changed: which changes concern whom, how many are told, and
the mails (queued on save, or rendered for the page staff see before they save).

New dates, a new place or a new meeting link go to everyone confirmed. People on the
waitlist (waiting, or holding a seat offer) hear of new dates and a new place; not of a new
meeting link, which they do not see before they have a seat. Unconfirmed registrations are
not told: their address is not confirmed yet, and the confirmation shows the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.extensions import db
from seminars.programme.models import Venue
from seminars.registrations import mails
from seminars.registrations.models import (
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_WAITLISTED,
    Registration,
)

WAITING_STATUSES = (STATUS_WAITLISTED, STATUS_OFFERED)
TOLD_STATUSES = (STATUS_CONFIRMED, *WAITING_STATUSES)


@dataclass
class ChangeNotice:
    """What changed, in the words of the mail, and how many people are told."""

    # What confirmed people read, and what people on the waitlist read (empty: not told);
    # lazy, so that each mail says it in its reader's language.
    changes: list[LazyString] = field(default_factory=list)
    waiting_changes: list[LazyString] = field(default_factory=list)
    confirmed: int = 0
    waiting: int = 0

    @property
    def told(self) -> int:
        return self.confirmed + self.waiting


def _described(before: dict, after: dict) -> tuple[list[LazyString], list[LazyString]]:
    for_all = []
    if before["sessions"] != after["sessions"]:
        for_all.append(_l("Neue Termine"))
    if before["venue_id"] != after["venue_id"]:
        venue = db.session.get(Venue, after["venue_id"]) if after["venue_id"] else None
        place = venue.name + ", " + venue.address_line if venue else _l("online")
        for_all.append(_l("Neuer Ort: %(place)s", place=place))
    for_confirmed = list(for_all)
    if before["meeting_url"] != after["meeting_url"]:
        for_confirmed.append(_l("Neuer Zugangslink zur Online-Teilnahme (auf Ihrer Anmeldeseite)"))
    return for_confirmed, for_all


def notice_for(seminar_id: int, before: dict, after: dict) -> ChangeNotice:
    """The notice for a change from snapshot ``before`` to ``after`` (both as
    ``planning.services.snapshot`` makes them); nobody is counted when nothing they hear of
    changed."""
    for_confirmed, for_waiting = _described(before, after)
    if not for_confirmed:
        return ChangeNotice()
    counted = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.seminar_id == seminar_id, Registration.status.in_(TOLD_STATUSES))
        .group_by(Registration.status)
    )
    counts = {status: number for status, number in counted}
    return ChangeNotice(
        changes=for_confirmed,
        waiting_changes=for_waiting,
        confirmed=counts.get(STATUS_CONFIRMED, 0),
        waiting=sum(counts.get(s, 0) for s in WAITING_STATUSES) if for_waiting else 0,
    )


def send(seminar_id: int, notice: ChangeNotice) -> int:
    """Queue the change mail to everyone the notice concerns; how many mails."""
    if not notice.told:
        return 0
    people = db.session.scalars(
        select(Registration)
        .where(Registration.seminar_id == seminar_id, Registration.status.in_(TOLD_STATUSES))
        .order_by(Registration.id)
    ).all()
    sent = 0
    for registration in people:
        changes = (
            notice.changes if registration.status == STATUS_CONFIRMED else notice.waiting_changes
        )
        if changes:
            mails.queue_seminar_changed(registration, changes)
            sent += 1
    return sent


def mail_texts(seminar, notice: ChangeNotice) -> dict[str, str]:
    """The mail text each group would get, by status ("confirmed", "waitlisted"), for the
    page before saving: ``seminar`` as it will be, a stand-in person."""
    texts = {}
    groups = ((STATUS_CONFIRMED, notice.confirmed, notice.changes),) + (
        (STATUS_WAITLISTED, notice.waiting, notice.waiting_changes),
    )
    for status, count, changes in groups:
        if count and changes:
            with force_locale("de"):  # the mail is shown as most people get it: in German
                stand_in = Registration(
                    first_name=_("Vorname"), last_name=_("Nachname"), status=status, locale="de"
                )
            texts[status] = mails.seminar_changed_preview(stand_in, seminar, changes)
    return texts
