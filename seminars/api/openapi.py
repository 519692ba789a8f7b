"""The OpenAPI 3.1 description of ``/api/v1``."""

from __future__ import annotations

from typing import Any

from seminars.catalogue.filters import MAX_PAGE, MAX_QUERY_LENGTH
from seminars.programme import availability
from seminars.programme.models import FORMATS, SEMINAR_STATUSES

_DATETIME = {"type": "string", "format": "date-time"}
_NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_LINK = {"type": "string", "format": "uri"}
_NULLABLE_LINK = {"type": ["string", "null"], "format": "uri"}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _filter_parameters(topic_keys: list[str], towns: list[str]) -> list[dict[str, Any]]:
    """The filters; topics and towns are those of the programme when the document is asked
    for (staff add topics, the programme adds towns)."""
    return [
        _query(
            "q",
            "Text search in title, summary and description.",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        ),
        _query(
            "topic",
            "Topic key, e.g. `gruppenleitung` (empty: any).",
            {"type": "string", "enum": [*topic_keys, ""]},
        ),
        _query(
            "format",
            "Format of the seminar (empty: any).",
            {"type": "string", "enum": [*FORMATS, ""]},
        ),
        _query(
            "month",
            "Month of the first session (Europe/Berlin), `YYYY-MM`, years 2000 to "
            "2100 (empty: any).",
            {"type": "string", "pattern": "^$|^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"},
        ),
        _query(
            "town",
            "Town of a venue of an upcoming seminar (empty: any).",
            {"type": "string", "enum": [*towns, ""]},
        ),
        _query(
            "free",
            "`1` for seminars that still have free places (empty: any).",
            {"type": "string", "enum": ["0", "1", "true", "false", ""]},
        ),
        _query(
            "page",
            "Page number, starting at 1.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        ),
    ]


_SCHEMAS: dict[str, Any] = {
    "Session": {
        "type": "object",
        "required": ["starts_at", "ends_at"],
        "properties": {"starts_at": _DATETIME, "ends_at": _DATETIME},
    },
    "Venue": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "street": {"type": "string"},
            "postcode": {"type": "string"},
            "town": {"type": "string"},
            "step_free_access": {"type": "boolean"},
            "accessible_toilet": {"type": "boolean"},
            "hearing_loop": {"type": "boolean"},
            "accessible_parking": {"type": "boolean"},
            "accessibility_notes": {"type": "string"},
        },
    },
    "Seminar": {
        "type": "object",
        "required": ["id", "code", "title", "topic", "format", "status", "sessions", "url"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "topic": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
            },
            "format": {"type": "string", "enum": list(FORMATS)},
            "status": {"type": "string", "enum": list(SEMINAR_STATUSES)},
            "starts_at": _DATETIME,
            "ends_at": _DATETIME,
            "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
            "venue": {"oneOf": [{"$ref": "#/components/schemas/Venue"}, {"type": "null"}]},
            "instructors": {"type": "array", "items": {"type": "string"}},
            "teaching_units": {"type": "integer"},
            "capacity": {"type": "integer"},
            "availability": {
                "type": "object",
                "properties": {
                    "state": {"type": "string", "enum": list(availability.STATES)},
                    "places_left": {"type": "integer", "minimum": 0},
                    "registration_opens_at": _NULLABLE_DATETIME,
                    "registration_closes_at": _NULLABLE_DATETIME,
                },
            },
            "free_of_charge": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
            "ical_url": {"type": "string", "format": "uri"},
        },
    },
    "PageLinks": {
        "type": "object",
        "description": (
            "Absolute links to pages of the same list, with the same filters and `per_page`; "
            "`prev` and `next` are null where there is no such page."
        ),
        "required": ["self", "first", "prev", "next", "last"],
        "properties": {
            "self": _LINK,
            "first": _LINK,
            "prev": _NULLABLE_LINK,
            "next": _NULLABLE_LINK,
            "last": _LINK,
        },
    },
    "SeminarList": {
        "type": "object",
        "required": ["items", "page", "per_page", "pages", "total", "links"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Seminar"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
            "links": {"$ref": "#/components/schemas/PageLinks"},
        },
    },
    "Problem": {
        "type": "object",
        "required": ["status", "title"],
        "properties": {
            "status": {"type": "integer"},
            "title": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "parameter": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    },
}


_LINK_HEADER: dict[str, Any] = {
    "description": (
        "Links to the first, previous, next and last page (RFC 8288), e.g. "
        '`<https://example.org/api/v1/seminars?page=3>; rel="next"`; `prev` and `next` only '
        "where such a page exists. The same links as `links` in the body."
    ),
    "required": True,
    "schema": {"type": "string"},
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def openapi_document(*, server_url: str, topic_keys: list[str], towns: list[str]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Selbsthilfe im Dialog – Seminarprogramm",
            "version": "1.0.0",
            "description": (
                "Published seminars of the programme for volunteers of self-help groups. "
                "Times are ISO 8601 in UTC; show them in Europe/Berlin. Language of names "
                "follows the Accept-Language header (German by default)."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/seminars": {
                "get": {
                    "operationId": "listSeminars",
                    "summary": "Upcoming published seminars, filtered and paginated.",
                    "parameters": _filter_parameters(topic_keys, towns)
                    + [
                        _query(
                            "per_page",
                            "Entries per page.",
                            {"type": "integer", "minimum": 1, "maximum": 100},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of seminars.",
                            "headers": {"Link": _LINK_HEADER},
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SeminarList"}
                                }
                            },
                        },
                        "400": _problem("A filter value was not understood."),
                    },
                }
            },
            "/seminars/{seminar_id}": {
                "get": {
                    "operationId": "getSeminar",
                    "summary": "One published or cancelled seminar.",
                    "parameters": [
                        {
                            "name": "seminar_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The seminar.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Seminar"}
                                }
                            },
                        },
                        "404": _problem("No such published seminar."),
                    },
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
