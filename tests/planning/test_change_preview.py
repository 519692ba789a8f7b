"""The page staff see before a change that tells people is saved, and its round trip."""

import html
import re
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.planning import services
from seminars.programme.models import Seminar
from seminars.programme.session_text import format_sessions
from seminars.registrations import allocation
from tests import factories
from tests.conftest import csrf_token_from
from tests.field_errors import field_error


def morning(days: int = 30):
    """A start the form can write (the session ends the same day, Berlin time)."""
    return (utcnow() + timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)


def seminar_with_people(confirmed=1, waiting=1):
    seminar = factories.seminar(capacity=confirmed, seminar_format="online", starts_at=morning())
    now = utcnow()
    for _ in range(confirmed + waiting):
        registration = allocation.register(seminar.id, factories.applicant(), now=now)
        db.session.commit()
        allocation.confirm(registration.registration.id, now=now)
        db.session.commit()
    return services.get_seminar(seminar.id)


def edit_form(client, seminar, **changes) -> dict:
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    values = {
        "code": seminar.code,
        "title": seminar.title,
        "topic_id": str(seminar.topic_id),
        "format": "online",
        "venue_id": "0",
        "sessions": format_sessions((s.starts_at, s.ends_at) for s in seminar.sessions),
        "capacity": str(seminar.capacity),
        "waitlist_capacity": str(seminar.waitlist_capacity),
        "teaching_units": str(seminar.teaching_units),
        "version": str(seminar.version),
        "csrf_token": token,
    }
    values.update(changes)
    return values


def moved(seminar, days=7) -> str:
    return format_sessions(
        (s.starts_at + timedelta(days=days), s.ends_at + timedelta(days=days))
        for s in seminar.sessions
    )


def hidden_fields(page: str) -> MultiDict:
    """The hidden inputs of the preview page's form, as the browser sends them."""
    start = page.index('<form method="post" action="/verwaltung/seminare/')
    form = page[start : page.index("</form>", start)]
    fields = MultiDict()
    for tag in re.findall(r"<input[^>]*>", form):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        assert attributes["type"] == "hidden"
        fields.add(html.unescape(attributes["name"]), html.unescape(attributes["value"]))
    return fields


def step(fields: MultiDict, value: str) -> MultiDict:
    sent = fields.copy()
    sent.add("step", value)
    return sent


def changed_mails() -> int:
    return len(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "seminar_changed")
        ).all()
    )


def test_new_dates_first_show_who_is_told_and_the_mail(client, login):
    login("staff")
    seminar = seminar_with_people(confirmed=1, waiting=2)
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    shown = client.post(url, data=edit_form(client, seminar, sessions=moved(seminar)))
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "Änderung prüfen" in page
    assert "1 bestätigte Person" in page and "2 Personen auf der Warteliste" in page
    assert "beim folgenden Seminar hat sich etwas geändert" in page
    assert "weiterhin auf der Warteliste" in page
    assert "Speichern und benachrichtigen" in page
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).version == seminar.version  # nothing saved
    assert changed_mails() == 0


def test_the_preview_sends_the_form_on_unchanged_and_saves_on_confirming(client, login):
    login("staff")
    seminar = seminar_with_people()
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    two_lines = moved(seminar) + "\n" + moved(seminar, 8)
    sent = edit_form(client, seminar, sessions=two_lines, title='Neu: "Vereinsrecht" & mehr')
    page = client.post(url, data=sent).get_data(as_text=True)
    carried = hidden_fields(page)
    assert carried.to_dict() == {**sent, "csrf_token": carried["csrf_token"]}
    back = client.post(url, data=step(carried, "back"))
    assert back.status_code == 200
    assert 'value="Neu: &#34;Vereinsrecht&#34; &amp; mehr"' in back.get_data(as_text=True)
    assert changed_mails() == 0
    saved = client.post(url, data=step(carried, "save"))
    assert saved.status_code == 303
    db.session.expire_all()
    seminar = db.session.get(Seminar, seminar.id)
    assert seminar.title == 'Neu: "Vereinsrecht" & mehr'
    assert len(services.get_seminar(seminar.id).sessions) == 2
    assert changed_mails() == 2


def test_a_change_saved_meanwhile_still_ends_in_a_conflict(client, login):
    login("staff")
    seminar = seminar_with_people()
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    page = client.post(url, data=edit_form(client, seminar, sessions=moved(seminar)))
    carried = hidden_fields(page.get_data(as_text=True))
    other = edit_form(client, seminar, title="Von jemand anderem")
    assert client.post(url, data=other).status_code == 303
    conflict = client.post(url, data=step(carried, "save"))
    assert conflict.status_code == 409
    assert "inzwischen geändert" in conflict.get_data(as_text=True)
    assert changed_mails() == 0


def test_telling_nobody_needs_a_reason_under_its_field(client, login):
    login("staff")
    seminar = seminar_with_people()
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    quiet = edit_form(client, seminar, sessions=moved(seminar), quiet="y")
    refused = client.post(url, data=quiet)
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "quiet_reason") == (
        "Bitte geben Sie an, warum niemand benachrichtigt wird."
    )
    saved = client.post(url, data={**quiet, "quiet_reason": "Alle schon angerufen"})
    assert saved.status_code == 303 and changed_mails() == 0


def test_sessions_in_the_past_are_refused_under_the_sessions(client, login):
    login("staff")
    seminar = seminar_with_people()
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    refused = client.post(url, data=edit_form(client, seminar, sessions=moved(seminar, -60)))
    assert refused.status_code == 422
    assert "Vergangenheit" in field_error(refused.get_data(as_text=True), "sessions")


def test_a_draft_with_past_sessions_is_saved_with_a_warning(client, login):
    login("staff")
    seminar = services.get_seminar(
        factories.seminar(seminar_format="online", status="draft", starts_at=morning()).id
    )
    url = f"/verwaltung/seminare/{seminar.id}/bearbeiten"
    saved = client.post(url, data=edit_form(client, seminar, sessions=moved(seminar, -400)))
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "liegen in der Vergangenheit" in shown
