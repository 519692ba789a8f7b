"""Every message that can reach someone by phone has sentences to read out (never a mail's
text with links and "this e-mail"): the call is rendered from ``calls/<kind>.txt``."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from seminars.outbox.models import CHANNEL_CALL
from seminars.registrations import delivery, mails

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "calls"


def phone_registrant(address: bool):
    where = {"street": "Anger 1", "postcode": "99084", "city": "Erfurt"} if address else {}
    values = {"street": "", "postcode": "", "city": "", "address_extra": "", **where}
    return SimpleNamespace(
        channel="phone", phone="0361 123456", email="", first_name="A", last_name="B", **values
    )


def kinds_by_phone() -> set[str]:
    return {
        kind
        for kind in mails.KINDS
        for address in (True, False)
        if delivery.channel_for(phone_registrant(address), kind) == CHANNEL_CALL
    }


def test_the_kinds_a_call_can_carry_are_the_expected_ones():
    assert kinds_by_phone() == {
        "confirmed",
        "waitlisted",
        "seat_offered",
        "new_date_offered",
        "offer_expired",
        "cancelled_by_you",
        "seminar_cancelled",
        "seminar_changed",
        "reminder",
        "certificate",  # only without an address: with one it goes by post
    }


@pytest.mark.parametrize("kind", sorted(kinds_by_phone()))
def test_every_kind_that_can_be_a_call_has_sentences_to_read_out(kind):
    assert (TEMPLATES / f"{kind}.txt").is_file(), f"templates/calls/{kind}.txt is missing"


def test_call_texts_carry_no_links_to_click(app):
    for path in TEMPLATES.glob("*.txt"):
        source = path.read_text(encoding="utf-8")
        assert "_url" not in source and "mail/" not in source, path.name


@pytest.mark.parametrize("kind", sorted(kinds_by_phone()))
def test_each_call_text_names_the_seminar_and_reads_out_without_links(app, kind):
    from datetime import timedelta

    from sqlalchemy import select

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.outbox.models import OutboxMessage
    from tests import factories

    seminar = factories.seminar("Gut zuhören")
    person = factories.registration(
        seminar, channel="phone", street="", postcode="", city="", status="offered"
    )
    person.offer_expires_at = utcnow().replace(hour=17, minute=0, second=0) + timedelta(days=2)
    extra = {"position": 2} if kind == "waitlisted" else {}
    if kind == "seminar_changed":
        extra = {"changes": ["Neuer Raum: 2.14"]}
    mails.queue(person, kind, **extra)
    db.session.commit()
    body = db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.registration_id == person.id)
    ).one()
    assert "„Gut zuhören“" in body and "hier ist" in body
    assert "http" not in body and "E-Mail" not in body and "Anmeldeseite" not in body
    if kind == "seat_offered":
        assert "Uhr entscheiden" in body
