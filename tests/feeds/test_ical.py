from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from seminars.extensions import db
from seminars.programme.models import (
    FORMAT_ONLINE,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    SeminarSession,
)
from tests import factories


def events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    return [c for c in calendar.walk("VEVENT")]


def test_programme_feed_has_one_event_per_session(client):
    two_days = factories.seminar("Zweitägig", sessions=2, town="Jena")
    factories.seminar("Online", seminar_format=FORMAT_ONLINE, meeting_url="https://meet.example/x")
    factories.seminar("Entwurf", status=STATUS_DRAFT)
    factories.seminar("Abgesagt", status=STATUS_CANCELLED)
    factories.seminar("Lange vorbei", starts_in=timedelta(days=-400))
    first_session = db.session.scalars(
        select(SeminarSession)
        .where(SeminarSession.seminar_id == two_days.id)
        .order_by(SeminarSession.starts_at)
    ).first()
    found = events(client.get("/seminare.ics"))
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries == [
        "Abgesagt",
        "Online",
        "Zweitägig (Teil 1 von 2)",
        "Zweitägig (Teil 2 von 2)",
    ]
    first = next(e for e in found if str(e["SUMMARY"]).startswith("Zweitägig (Teil 1"))
    assert first["DTSTART"].dt == first_session.starts_at
    assert first["DTEND"].dt == first_session.ends_at
    assert "Jena" in str(first["LOCATION"])
    assert str(first["UID"]).startswith(f"seminar-{two_days.id}-session-")
    online = next(e for e in found if str(e["SUMMARY"]) == "Online")
    assert str(online["LOCATION"]) == "Online"
    assert "meet.example" not in client.get("/seminare.ics").get_data(as_text=True)
    cancelled = next(e for e in found if str(e["SUMMARY"]) == "Abgesagt")
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_uids_are_stable_between_requests(client):
    factories.seminar(sessions=3)
    first = [str(e["UID"]) for e in events(client.get("/seminare.ics"))]
    second = [str(e["UID"]) for e in events(client.get("/seminare.ics"))]
    assert first == second and len(set(first)) == 3


def test_single_seminar_feed(client):
    item = factories.seminar("Einzeln")
    factories.seminar("Anderes")
    found = events(client.get(f"/seminare/{item.id}.ics"))
    assert [str(e["SUMMARY"]) for e in found] == ["Einzeln"]


def test_single_feed_of_unknown_or_draft_seminar_is_404(client):
    draft = factories.seminar(status=STATUS_DRAFT)
    assert client.get(f"/seminare/{draft.id}.ics").status_code == 404
    assert client.get("/seminare/424242.ics").status_code == 404
