"""Catalogue entries as JSON-ready dictionaries. Never includes the meeting link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from seminars.catalogue.services import CatalogueEntry


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def seminar_json(entry: CatalogueEntry, *, locale: str, url: str, ical_url: str) -> dict[str, Any]:
    seminar = entry.seminar
    venue = seminar.venue
    return {
        "id": seminar.id,
        "code": seminar.code,
        "title": seminar.title,
        "summary": seminar.summary,
        "topic": {"key": seminar.topic.key, "name": seminar.topic.name(locale)},
        "format": seminar.format,
        "status": seminar.status,
        "starts_at": _iso(entry.starts_at),
        "ends_at": _iso(entry.ends_at),
        "sessions": [
            {"starts_at": _iso(s.starts_at), "ends_at": _iso(s.ends_at)} for s in seminar.sessions
        ],
        "venue": None
        if venue is None
        else {
            "name": venue.name,
            "street": venue.street,
            "postcode": venue.postcode,
            "town": venue.town,
            "step_free_access": venue.step_free_access,
            "accessible_toilet": venue.accessible_toilet,
            "hearing_loop": venue.hearing_loop,
            "accessible_parking": venue.accessible_parking,
            "accessibility_notes": venue.accessibility_notes,
        },
        "instructors": [instructor.name for instructor in seminar.instructors],
        "teaching_units": seminar.teaching_units,
        "capacity": seminar.capacity,
        "availability": {
            "state": entry.availability.state,
            "places_left": entry.availability.places_left,
            "registration_opens_at": _iso(seminar.registration_opens_at),
            "registration_closes_at": _iso(seminar.registration_closes_at),
        },
        "free_of_charge": True,
        "url": url,
        "ical_url": ical_url,
    }
