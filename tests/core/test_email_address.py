"""One normalisation of e-mail addresses, for staff accounts, registrations and privacy."""

import pytest

from seminars.accounts.services import authenticate, create_user
from seminars.core.email_address import normalise_email
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.privacy.services import export_person
from seminars.registrations import allocation
from tests import factories


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("erika@example.org", "erika@example.org"),
        ("  Erika.Muster@Example.ORG \n", "erika.muster@example.org"),
        ("\tERIKA+Seminar@BEISPIEL.de", "erika+seminar@beispiel.de"),
        ("", ""),
    ],
)
def test_addresses_lose_surrounding_space_and_case(typed, stored):
    assert normalise_email(typed) == stored


def test_each_call_site_finds_an_address_in_any_spelling(app):
    now = utcnow()
    create_user(
        email=" Staff@Example.ORG", role="staff", password=factories.STRONG_PASSWORD, actor=None
    )
    assert authenticate("STAFF@example.org ", factories.STRONG_PASSWORD, now=now) is not None

    seminar = factories.seminar()
    first = allocation.register(
        seminar.id, factories.applicant(email=" Erika@Example.ORG"), now=now
    )
    again = allocation.register(seminar.id, factories.applicant(email="erika@example.org"), now=now)
    db.session.commit()
    assert first.registration.email_normalized == "erika@example.org"
    assert (again.created, again.registration.id) == (False, first.registration.id)

    exported = export_person("ERIKA@example.org  ")
    assert exported["email"] == "erika@example.org"
    assert [r["email"] for r in exported["registrations"]] == ["Erika@Example.ORG"]
