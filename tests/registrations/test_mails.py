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


EVIL = "https://evil.example/gewinn"


def test_no_mail_turns_what_people_typed_into_a_link(app):
    """A link that got past the forms (here written straight into the database) stays plain
    text in the HTML part of every mail; the links the application built stay clickable."""
    from seminars.mailing.services import send_to_participants
    from seminars.surveys import services as surveys
    from tests.surveys.test_surveys import finished_seminar

    seminar = factories.seminar("Vereinsrecht kompakt", capacity=3, town="Gera")
    registration = allocation.register(seminar.id, factories.applicant(), now=utcnow())
    registration = registration.registration
    db.session.commit()
    allocation.confirm(registration.id, now=utcnow())
    db.session.commit()
    registration.first_name = f"{EVIL} www.evil.example/x"
    registration.last_name = "http://seminare.test.evil.example/anmeldung/x"
    registration.offer_expires_at = utcnow() + timedelta(hours=48)
    db.session.commit()
    for kind in mails.KINDS:
        mails.queue(registration, kind, position=1)
    mails.queue_seminar_changed(registration, [f"Neuer Ort: {EVIL}"])
    db.session.commit()
    staff_link = "https://akademie.example/material.pdf"
    send_to_participants(
        seminar.id, "all", "Unterlagen", f"Hier die Unterlagen: {staff_link}", actor=None
    )
    db.session.commit()
    _ended, attendees = finished_seminar(3, attended=[0, 1, 2])
    attendees[0].first_name = EVIL
    db.session.commit()
    assert surveys.send_invitations(utcnow()) >= 1
    db.session.commit()
    messages = list(db.session.scalars(select(OutboxMessage)))
    kinds = {message.kind for message in messages}
    assert set(mails.KINDS) | {"staff_message", "survey_invitation"} <= kinds
    for message in messages:
        if EVIL not in message.body_text and "evil.example" not in message.body_text:
            continue
        links = re.findall(r'<a href="([^"]*)"', message.body_html)
        assert all(link.startswith("http://seminare.test/") or link == staff_link
                   for link in links), (message.kind, links)  # fmt: skip
        assert "evil" not in " ".join(links), message.kind
        assert EVIL in message.body_html  # still there, as text
    staff_mail = next(m for m in messages if m.kind == "staff_message")
    assert f'<a href="{staff_link}">' in staff_mail.body_html
    assert re.search(r'<a href="http://seminare\.test/anmeldung/[^"]+">', staff_mail.body_html)
    survey_mail = next(m for m in messages if m.kind == "survey_invitation" and EVIL in m.body_text)
    assert re.search(r'<a href="http://seminare\.test/befragung/[^"]+">', survey_mail.body_html)


def test_text_to_html_links_only_what_it_is_given(app):
    html = mails.text_to_html(
        "Hallo https://evil.example/a,\n\nhttp://seminare.test/anmeldung/abc\nhttps://x.example/?a=1&b=2",
        links=["http://seminare.test/anmeldung/abc", "https://x.example/?a=1&b=2"],
    )
    assert re.findall(r'<a href="([^"]*)"', str(html)) == [
        "http://seminare.test/anmeldung/abc",
        "https://x.example/?a=1&amp;b=2",
    ]
    own_only = str(mails.text_to_html("https://evil.example/x http://seminare.test/befragung/t"))
    assert re.findall(r'<a href="([^"]*)"', own_only) == ["http://seminare.test/befragung/t"]


def _last_mail(kind: str) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()


def test_before_the_seminar_the_link_is_to_view_change_or_cancel(app, registration):
    mails.queue(registration, mails.CONFIRMED)
    db.session.commit()
    assert "Ihre Anmeldung ansehen, ändern oder absagen:\nhttp" in _last_mail("confirmed").body_text


def test_after_the_seminar_the_link_is_only_to_view(app):
    seminar = factories.seminar(starts_in=timedelta(days=-3), sessions=2)
    registration = factories.registration(seminar)
    mails.queue(registration, mails.CERTIFICATE)
    db.session.commit()
    body = _last_mail("certificate").body_text
    assert "Ihre Anmeldung ansehen:\nhttp://seminare.test/anmeldung/" in body
    assert "absagen" not in body and "ändern" not in body
