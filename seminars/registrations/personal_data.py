"""What registrations hold about a person, for privacy (``privacy/services.py``): find a
person's registrations, export them, cancel the upcoming ones on erasure, blank them.

Every domain that holds personal data has a module like this one with ``export``,
``erase`` and ``anonymise`` (like pretix's data shredders); privacy decides when and for
whom, and never writes another domain's rows itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import and_, func, or_, select, update

from seminars.core.changed_rows import changed_rows
from seminars.core.email_address import normalise_email
from seminars.extensions import db
from seminars.programme.models import Seminar, SeminarSession
from seminars.programme.queries import seminars_ended_before
from seminars.registrations import allocation, seat_state
from seminars.registrations import anonymise as blank
from seminars.registrations.models import ACTIVE_STATUSES, Attendance, Registration
from seminars.registrations.needs import needs_of
from seminars.registrations.person_key import keys_without_email
from seminars.registrations.person_key import person_key as person_key_of
from seminars.registrations.phone_numbers import normalise_phone, stored_forms


@dataclass(frozen=True)
class PersonQuery:
    """Who staff look for: an e-mail address or a phone number (``contact``), and/or the
    first name, last name and postcode (for people without e-mail). What is given must all
    match. A last name with a postcode alone is not enough: it finds a whole family."""

    contact: str = ""
    first_name: str = ""
    last_name: str = ""
    postcode: str = ""

    @classmethod
    def of(cls, query: PersonQuery | str) -> PersonQuery:
        return query if isinstance(query, PersonQuery) else cls(contact=query)

    @property
    def email(self) -> str:
        return normalise_email(self.contact) if "@" in self.contact else ""

    @property
    def phone_digits(self) -> str:
        """The number as a number (``normalise_phone``); empty for an e-mail address."""
        return "" if self.email else normalise_phone(self.contact)

    @property
    def by_contact(self) -> bool:
        return bool(self.email or len(self.phone_digits) >= 3)

    @property
    def by_name(self) -> bool:
        return bool(self.first_name.strip() and self.last_name.strip() and self.postcode.strip())

    @property
    def complete(self) -> bool:
        """Enough to find a person: an address, a phone number, or full name and postcode."""
        return self.by_contact or self.by_name

    @property
    def lacks_first_name(self) -> bool:
        """Last name and postcode without the first name (refused: that finds a family)."""
        return (
            not self.by_contact
            and not self.first_name.strip()
            and bool(self.last_name.strip() and self.postcode.strip())
        )


@dataclass(frozen=True)
class Person:
    """The registrations a search found that belong to one person: one person key and one
    name (``id`` names the group, the same from one request to the next)."""

    id: str
    registrations: list[Registration]


def _phone_column():
    # The form lets a phone number hold digits, spaces and + ( ) / - only; the "+" stays,
    # ``stored_forms`` lists the ways a number may be written with it.
    column = Registration.phone
    for ch in " ()/-":
        column = func.replace(column, ch, "")
    return column


def _name(registration: Registration) -> str:
    return " ".join(f"{registration.first_name} {registration.last_name}".casefold().split())


def people(query: PersonQuery | str) -> list[Person]:
    """The registrations ``of_person`` finds, as people: registrations under different person
    keys, or with different names under one key (a family sharing one e-mail address), are
    different people. Anonymised registrations (no name left) belong to the one name under
    their key; under a key with several names they are a person of their own."""
    groups: dict[tuple[str, str], list[Registration]] = {}
    by_key: dict[str, list[Registration]] = {}
    for registration in of_person(query):
        by_key.setdefault(registration.person_key, []).append(registration)
    for key, found in by_key.items():
        names = {_name(r) for r in found if _name(r)}
        for registration in found:
            name = _name(registration) if len(names) > 1 else ""
            groups.setdefault((key, name), []).append(registration)
    ordered = sorted(groups.items(), key=lambda item: (item[1][0].seminar_id, item[1][0].id))
    return [
        Person(id=hashlib.sha256(f"{key}|{name}".encode()).hexdigest()[:16], registrations=found)
        for (key, name), found in ordered
    ]


def of_person(query: PersonQuery | str) -> list[Registration]:
    """Every registration found, also those retention anonymised already (found by the
    person key), in seminar order (erasure locks their seminars newest first). They may be
    several people's: ``people`` tells them apart.

    ``query`` is a ``PersonQuery`` or an e-mail address. Registrations under the person key
    of one found are the same person's (e.g. one anonymised already)."""
    query = PersonQuery.of(query)
    if not query.complete:
        return []
    conditions = []
    keys = []
    if query.email:
        conditions.append(Registration.email_normalized == query.email)
        keys.append(person_key_of(query.email))
    elif query.phone_digits:
        conditions.append(_phone_column().in_(stored_forms(query.phone_digits)))
    if query.last_name.strip():
        conditions.append(func.lower(Registration.last_name) == query.last_name.strip().lower())
    if query.first_name.strip():
        conditions.append(func.lower(Registration.first_name) == query.first_name.strip().lower())
    if query.postcode.strip():
        conditions.append(Registration.postcode == query.postcode.strip())
    found = set(db.session.scalars(select(Registration.person_key).where(and_(*conditions))))
    if not query.email and query.phone_digits and query.by_name:
        # Someone without e-mail, anonymised by retention: their key from name, postcode and
        # phone number (``key_without_email``).
        keys.extend(
            keys_without_email(
                SimpleNamespace(
                    first_name=query.first_name,
                    last_name=query.last_name,
                    postcode=query.postcode,
                    phone=query.contact,
                )
            )
        )
    keys.extend(found)
    if not keys:
        return []
    return list(
        db.session.scalars(
            select(Registration)
            .where(or_(and_(*conditions), Registration.person_key.in_(keys)))
            .order_by(Registration.seminar_id, Registration.id)
        )
    )


def due_for_anonymising(*, ended_before: datetime) -> dict[int, list[int]]:
    """Registrations of seminars that ended before the cutoff and still hold personal data,
    by seminar (retention anonymises seminar by seminar)."""
    due = select(Registration.seminar_id, Registration.id).where(
        Registration.seminar_id.in_(seminars_ended_before(ended_before)),
        Registration.anonymised_at.is_(None),
    )
    by_seminar: dict[int, list[int]] = {}
    for seminar_id, registration_id in db.session.execute(due.order_by(Registration.id)):
        by_seminar.setdefault(seminar_id, []).append(registration_id)
    return by_seminar


def delete_free_text_needs(*, ended_before: datetime) -> int:
    """Blank the free-text needs of registrations of seminars that ended before the cutoff."""
    return changed_rows(
        update(Registration)
        .where(
            Registration.seminar_id.in_(seminars_ended_before(ended_before)),
            Registration.needs_other != "",
        )
        .values(needs_other="")
        .execution_options(synchronize_session=False)
    )


def export(registration_ids: Sequence[int]) -> dict[int, dict]:
    """Each registration as plain data: its seminar, what the person entered, its times and
    the sessions attended."""
    result = {}
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        # The ids are the person's registrations, just found; registrations are never
        # deleted (erasure blanks them, and a seminar with registrations cannot be deleted).
        assert registration is not None
        seminar = db.session.get(Seminar, registration.seminar_id)
        attended = db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.registration_id == registration.id, Attendance.present.is_(True)
            )
        ).all()
        result[registration_id] = {
            "seminar": {"code": seminar.code, "title": seminar.title} if seminar else None,
            "status": registration.status,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "phone": registration.phone,
            "channel": registration.channel,
            "postal_address": {
                "address_extra": registration.address_extra,
                "street": registration.street,
                "postcode": registration.postcode,
                "city": registration.city,
            },
            "organisation": registration.organisation,
            "county": registration.county,
            "needs": needs_of(registration),
            "remarks": registration.remarks,
            "locale": registration.locale,
            "consent_at": _iso(registration.consent_at),
            "created_at": _iso(registration.created_at),
            "confirmed_at": _iso(registration.confirmed_at),
            "cancelled_at": _iso(registration.cancelled_at),
            "registered_by_staff": registration.registered_by_staff,
            "anonymised_at": _iso(registration.anonymised_at),
            "person_key": registration.person_key,
            # While unconfirmed: the keyed hash of the client address it came from.
            "client_address_pseudonym": registration.client_key,
            "attended_sessions": list(attended),
        }
    return result


def erase(registrations: Sequence[Registration], *, now: datetime) -> None:
    """Active registrations of seminars that have not ended are cancelled (the seat passes
    on); past seminars keep their participants, as figures. Their seminars are locked
    first, newest first (descending id: a new date before its old one, as accepting a place
    on a new date does), so that erasure and an accepted offer never wait for each other."""
    ended = set(
        db.session.scalars(
            seminars_ended_before(now).where(
                SeminarSession.seminar_id.in_({r.seminar_id for r in registrations})
            )
        )
    )
    due = [r for r in registrations if r.status in ACTIVE_STATUSES and r.seminar_id not in ended]
    for seminar_id in sorted({r.seminar_id for r in due}, reverse=True):
        seat_state.lock_seminar(seminar_id)
    for registration in sorted(due, key=lambda r: (-r.seminar_id, r.id)):
        db.session.refresh(registration)  # as it is now, inside the lock
        if registration.status in ACTIVE_STATUSES:
            allocation.cancel(registration.id, now=now)
    db.session.flush()


def anonymise(
    registration_ids: Sequence[int], *, now: datetime, person_key: str | None = None
) -> None:
    blank.anonymise(list(registration_ids), now, person_key=person_key)


def _iso(value):
    return value.isoformat() if value else None
