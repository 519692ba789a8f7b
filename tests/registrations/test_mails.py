import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.registrations import allocation, mails
from tests import factories


@pytest.fixture
def registration(app):
    seminar = factories.seminar("Vereinsrecht kompakt", capacity=3, town="Gera", sessions=2)
    result = allocation.register(seminar.id, factories.applicant(), now=utcnow())
    db.session.commit()
    return result.registration


@pytest.mark.parametrize("kind", mails.KINDS)
def test_every_kind_renders_text_and_html_with_the_personal_link(app, registration, kind):
    registration.offer_expires_at = utcnow() + timedelta(hours=48)
    extra = {"position": 3} if kind == mails.WAITLISTED else {}
    if kind == mails.PENDING_LIMIT:
        extra = {"requested": "Öffentlichkeitsarbeit für Gruppen"}
    if kind == mails.SEMINAR_CHANGED:
        mails.queue_seminar_changed(registration, ["Neuer Ort: Bürgerhaus Gera"])
    else:
        mails.queue(registration, kind, **extra)
    db.session.commit()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    assert "Vereinsrecht kompakt" in message.subject
    assert message.body_text.startswith("Guten Tag Erika Muster")
    assert "Gera" in message.body_text and "{{" not in message.body_text
    assert '<html lang="de">' in message.body_html
    if kind not in (mails.OFFER_EXPIRED, mails.CANCELLED_BY_YOU, mails.SEMINAR_CANCELLED):
        link = re.search(r"http://seminare\.test/anmeldung/[A-Za-z0-9_-]{43}", message.body_text)
        assert link, message.body_text
        assert f'href="{link.group(0)}"' in message.body_html
    if kind == mails.SEMINAR_CHANGED:
        assert "- Neuer Ort: Bürgerhaus Gera" in message.body_text
    if kind == mails.WAITLISTED:
        assert "Platz 3 der Warteliste" in message.body_text
    if kind == mails.PENDING_LIMIT:
        assert message.body_text.count("„Öffentlichkeitsarbeit für Gruppen“") == 2


def test_html_part_escapes_what_people_typed(app):
    seminar = factories.seminar()
    result = allocation.register(
        seminar.id, factories.applicant(first_name="<script>alert(1)</script>"), now=utcnow()
    )
    db.session.commit()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == result.registration.id)
    ).one()
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html
