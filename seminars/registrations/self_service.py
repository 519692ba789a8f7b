"""What registrants change themselves through their personal link: their name, phone, group,
county, needs and remarks, how they hear from us (e-mail or post) and their postal address,
until ``SELF_SERVICE_CHANGE_HOURS`` before the first session.

The e-mail address stays: the link belongs to it, and one address registers once per
seminar. Whoever wants another address cancels and registers again, or asks the academy.
Every change is written to the audit log (free texts only as "changed"); a change of needs
is told to the staff (``staff_notice``), who may have to book or cancel support.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.audit.services import changes, record
from seminars.core.errors import DomainError
from seminars.extensions import db
from seminars.programme.models import STATUS_CANCELLED as SEMINAR_CANCELLED
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations import allocation, delivery, seat_state, staff_notice
from seminars.registrations.channels import CHANNEL_PHONE, CHANNEL_POST, own_choices
from seminars.registrations.models import ACTIVE_STATUSES, Registration
from seminars.registrations.needs import NEED_KEYS, OTHER_NEEDS
from seminars.registrations.services import find_by_token

CONTACT_FIELDS = ("first_name", "last_name", "phone", "organisation", "county")
# How the academy writes to the person, and where letters go.
CHANNEL_FIELDS = ("channel", "address_extra", "street", "postcode", "city")
# Free texts: the audit log says that they changed, not what they say (they may tell of
# health or disability).
FREE_TEXT_FIELDS = (OTHER_NEEDS, "remarks")
OWN_FIELDS = (*CONTACT_FIELDS, *CHANNEL_FIELDS, *NEED_KEYS, *FREE_TEXT_FIELDS)


class ChangeClosed(DomainError):
    """The registration can no longer be changed through the personal link."""

    status_code = 409
    default_message = _l("Ihre Angaben lassen sich hier nicht mehr ändern.")


@dataclass(frozen=True)
class ChangePage:
    registration: Registration
    seminar: Seminar
    # Until when changes are possible (None: the seminar has no dates yet).
    until: datetime | None
    # Why changes are not possible (None: they are).
    closed_because: LazyString | None

    @property
    def allowed(self) -> bool:
        return self.closed_because is None


def _first_start(seminar_id: int) -> datetime | None:
    return db.session.scalar(
        select(func.min(SeminarSession.starts_at)).where(SeminarSession.seminar_id == seminar_id)
    )


def change_page(token: str, *, now: datetime) -> ChangePage:
    """The registration behind ``token`` and whether (until when) it can be changed."""
    registration = find_by_token(token)
    seminar = db.session.get(Seminar, registration.seminar_id)
    assert seminar is not None  # the foreign key keeps it
    start = _first_start(seminar.id)
    until = None
    if start is not None:
        until = start - timedelta(hours=current_app.config["SELF_SERVICE_CHANGE_HOURS"])
    reason: LazyString | None = None
    if registration.status not in ACTIVE_STATUSES:
        reason = _l(
            "Diese Anmeldung ist nicht mehr aktiv. Deshalb lassen sich die Angaben nicht mehr "
            "ändern."
        )
    elif seminar.status == SEMINAR_CANCELLED:
        reason = _l(
            "Das Seminar wurde abgesagt. Deshalb lassen sich die Angaben nicht mehr ändern."
        )
    elif until is not None and now >= until:
        reason = _l(
            "So kurz vor dem Seminar lassen sich die Angaben hier nicht mehr ändern. Bitte "
            "wenden Sie sich an die Akademie, wenn sich etwas geändert hat."
        )
    return ChangePage(registration, seminar, until, reason)


def _check_channel(registration: Registration, wanted: Mapping[str, object]) -> None:
    """Only the channels offered (``channels.own_choices``), with what each needs."""
    channel = wanted["channel"]
    if channel not in own_choices(registration):
        raise DomainError(_l("Bitte wählen Sie einen Eintrag aus."), field="channel")
    if channel == CHANNEL_POST and not all(wanted[k] for k in ("street", "postcode", "city")):
        raise DomainError(
            _l("Für Briefe brauchen wir Straße und Hausnummer, Postleitzahl und Ort."),
            field="street",
        )
    if channel == CHANNEL_PHONE and not wanted["phone"]:
        raise DomainError(_l("Für Anrufe brauchen wir die Telefonnummer."), field="phone")


def change_own_details(token: str, values: Mapping[str, object], *, now: datetime) -> Registration:
    """Change what the registrant may change (``OWN_FIELDS``, all given in ``values``).

    Refused with ``ChangeClosed`` when the registration has ended or the deadline passed;
    a personal assistant that needs a seat nobody has is refused by ``allocation``.
    """
    page = change_page(token, now=now)
    if not page.allowed:
        raise ChangeClosed(page.closed_because)
    registration = page.registration
    before = {name: getattr(registration, name) for name in OWN_FIELDS}
    wanted = {name: values[name] for name in OWN_FIELDS}
    wanted["county"] = wanted["county"] or None
    _check_channel(registration, wanted)
    if any(bool(wanted[key]) != getattr(registration, key) for key in NEED_KEYS):
        # Needs change the seminar's accessibility tasks, which are reconciled under the
        # seminar's lock before the commit: take it now, before writing, as seat changes
        # do (the same order everywhere: no deadlock with a seat change of this person).
        seat_state.hold_seminar_lock(registration.seminar_id)
    if bool(wanted["need_personal_assistant"]) != registration.need_personal_assistant:
        # Takes the seminar's lock first, before anything is written; may refuse.
        allocation.change_assistant(
            registration.id, bool(wanted["need_personal_assistant"]), now=now
        )
    for name in OWN_FIELDS:
        setattr(registration, name, wanted[name])
    db.session.flush()
    delivery.follow_contact_change(registration, now=now)
    after = {name: getattr(registration, name) for name in OWN_FIELDS}
    if before == after:
        return registration
    old, new = changes(
        {k: v for k, v in before.items() if k not in FREE_TEXT_FIELDS},
        {k: v for k, v in after.items() if k not in FREE_TEXT_FIELDS},
    )
    for name in FREE_TEXT_FIELDS:
        if before[name] != after[name]:
            new[f"{name}_changed"] = True
    record(None, "registration.self_update", registration=registration, before=old, after=new)
    needs_changed = [key for key in NEED_KEYS if before[key] != after[key]]
    if needs_changed or before[OTHER_NEEDS] != after[OTHER_NEEDS]:
        staff_notice.queue_needs_changed(
            registration,
            page.seminar,
            added=[key for key in needs_changed if after[key]],
            removed=[key for key in needs_changed if not after[key]],
            other_changed=before[OTHER_NEEDS] != after[OTHER_NEEDS],
        )
    return registration
