"""Retention, access and erasure of personal data.

Free-text needs go soon after a seminar, personal data after a longer period, certificates'
names after their own. What stays is what the statistics need: county, status, attendance,
the pseudonymous person key and the survey answers (which never held a person).

This module decides when and for whom; it writes no other domain's rows. Every domain that
holds personal data answers through one small interface, its ``personal_data`` module (like
pretix's data shredders):

- ``export(registration_ids)``: what it holds about each registration, as plain data;
- ``erase(registrations, now=…)``: what erasure on request does beyond anonymising;
- ``anonymise(registration_ids, now=…, person_key=…)``: blank its rows (retention and
  erasure).

``HOLDERS`` asks them in this order (registrations first: erasure cancels upcoming seats,
whose mails the outbox then forgets with the others).

Interest subscriptions hold an address but belong to no registration: they are found by the
address searched for and the addresses of the person's registrations
(``interest/personal_data.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from seminars.audit import personal_data as audit_data
from seminars.audit import services as audit
from seminars.certificates import personal_data as certificates_data
from seminars.core.actor import Actor
from seminars.core.errors import DomainError
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.interest import personal_data as interest_data
from seminars.outbox import personal_data as outbox_data
from seminars.registrations import personal_data as registrations
from seminars.registrations.person_key import random_key
from seminars.registrations.personal_data import Person, PersonQuery
from seminars.surveys import personal_data as surveys_data

HOLDERS = (registrations, outbox_data, audit_data, surveys_data, certificates_data)


def delete_free_text_needs(now: datetime) -> int:
    """Free-text accessibility needs are deleted ``NEEDS_RETENTION_DAYS`` after the seminar.

    A batch job (housekeeping): one statement, in a unit of its own, committed at once."""
    cutoff = now - timedelta(days=current_app.config["NEEDS_RETENTION_DAYS"])
    with unit():
        return registrations.delete_free_text_needs(ended_before=cutoff)


def retention_cutoff(now: datetime) -> datetime:
    """Seminars that ended before this moment are past ``RETENTION_MONTHS``."""
    return now - timedelta(days=round(current_app.config["RETENTION_MONTHS"] * 30.44))


def anonymise_old_registrations(now: datetime) -> int:
    """``RETENTION_MONTHS`` after a seminar its registrations lose names, addresses, phone,
    group, remarks and needs, their mails lose address and text, their certificates the name
    and the link (the public check then says only that the certificate was issued); county,
    status, attendance and the person key stay for the statistics.

    A batch job (housekeeping): each seminar is one unit of work, so that a failure leaves
    no seminar half anonymised and keeps the seminars done before it done (the next run
    goes on from there)."""
    cutoff = retention_cutoff(now)
    by_seminar = registrations.due_for_anonymising(ended_before=cutoff)
    for ids in by_seminar.values():
        with unit():
            _anonymise(ids, now)
    return sum(len(ids) for ids in by_seminar.values())


def _anonymise(ids: list[int], now: datetime, *, person_key: str | None = None) -> None:
    for holder in HOLDERS:
        holder.anonymise(ids, now=now, person_key=person_key)


CHOOSE = _l("Die Suche hat mehrere Personen gefunden. Bitte wählen Sie die Person aus.")
GONE = _l("Diese Person wurde nicht (mehr) gefunden. Bitte suchen Sie noch einmal.")


FIRST_NAME = _l(
    "Bitte geben Sie auch den Vornamen an: Nachname und Postleitzahl allein finden oft "
    "mehrere Personen einer Familie."
)
INCOMPLETE = _l(
    "Bitte geben Sie eine E-Mail-Adresse, eine Telefonnummer oder Vorname, Nachname und "
    "Postleitzahl an."
)


def people(query: PersonQuery) -> list[tuple[str, list[dict]]]:
    """The people a search finds (``registrations.people``), each as its id and the export
    of its registrations (what the page shows, to choose from when there are several).
    Refuses a search that could not tell a person apart."""
    if query.lacks_first_name:
        raise DomainError(FIRST_NAME, field="first_name")
    if not query.complete:
        raise DomainError(INCOMPLETE)
    return [
        (found.id, _export([r.id for r in found.registrations]))
        for found in registrations.people(query)
    ]


def _chosen(query: PersonQuery | str, person: str) -> Person | None:
    """The registrations of the person staff chose (``person``: an id from ``people``).
    Without a choice the search must have found one person: export and erasure never act
    on two people at once."""
    found = registrations.people(query)
    if person:
        for candidate in found:
            if candidate.id == person:
                return candidate
        raise DomainError(GONE, field="person")
    if len(found) > 1:
        raise DomainError(CHOOSE, field="person")
    return found[0] if found else None


def _addresses(query: PersonQuery, chosen: Person | None) -> list[str]:
    """The e-mail addresses whose interest subscriptions belong to the person: the one
    searched for, and those of the person's registrations."""
    found = {query.email} if query.email else set()
    if chosen is not None:
        found |= {r.email_normalized for r in chosen.registrations if r.email_normalized}
    return sorted(found)


def subscriptions(query: PersonQuery) -> list[dict]:
    """The interest subscriptions of the address searched for (what the page shows)."""
    return interest_data.export(_addresses(query, None))


def _export(ids: list[int]) -> list[dict]:
    parts = [holder.export(ids) for holder in HOLDERS]
    entries = []
    for registration_id in ids:
        entry: dict = {}
        for part in parts:
            entry.update(part[registration_id])
        entries.append(entry)
    return entries


def export_person(query: PersonQuery | str, person: str = "") -> dict:
    """Everything stored about one person (found by e-mail address, phone number or name and
    postcode: ``PersonQuery``; ``person`` chooses one when the search found several), as
    plain data."""
    query = PersonQuery.of(query)
    chosen = _chosen(query, person)
    ids = [registration.id for registration in chosen.registrations] if chosen else []
    return {
        # What was searched for.
        "email": query.email,
        "phone": query.contact.strip() if query.phone_digits else "",
        "first_name": query.first_name.strip(),
        "last_name": query.last_name.strip(),
        "postcode": query.postcode.strip(),
        "registrations": _export(ids),
        "interest_subscriptions": interest_data.export(_addresses(query, chosen)),
        # Survey answers are stored without any link to a person, link or registration:
        # nobody, the academy included, can find out which answers were this person's.
        "survey_answers": "not linkable",
    }


def erase_person(
    query: PersonQuery | str, *, actor: Actor | None, now: datetime, person: str = ""
) -> int:
    """Erase one person on request, in one transaction: active registrations of seminars
    that have not ended are cancelled (seats pass on; the cancellation mail goes with every
    other mail to the person), survey links stop working, certificates are withdrawn and
    lose the name, audit entries lose the values, and every registration is anonymised
    under one new random person key, so that the figures stay as they were and nothing
    leads back to the address or the phone number. When the search found several people,
    only the one chosen (``person``) is erased. The caller commits (the request's unit
    of work)."""
    query = PersonQuery.of(query)
    chosen = _chosen(query, person)
    addresses = _addresses(query, chosen)
    if chosen is None:
        # Interest subscriptions end as if unsubscribed (their mails lose address and text).
        ended = interest_data.erase(addresses, now=now)
        if ended:
            audit.record(actor, "person.erase", after={"registrations": 0, "subscriptions": ended})
            db.session.flush()
        return 0
    found = chosen.registrations
    ids = [r.id for r in found]
    # Registrations first: their seminars are locked newest first before anything changes
    # (``registrations.personal_data.erase``); ending the subscriptions then finds their
    # places on new dates cancelled already.
    for holder in HOLDERS:
        holder.erase(found, now=now)
    ended = interest_data.erase(addresses, now=now)
    _anonymise(ids, now, person_key=random_key())
    after = {"registrations": len(ids)} | ({"subscriptions": ended} if ended else {})
    audit.record(actor, "person.erase", after=after)
    db.session.flush()
    db.session.expire_all()
    return len(ids)
