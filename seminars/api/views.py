"""``/api/v1``: the published programme as JSON, with the catalogue's filters."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _

from seminars.api.openapi import openapi_document
from seminars.api.paging import link_header, page_links
from seminars.api.serializers import seminar_json
from seminars.catalogue import services
from seminars.catalogue.filters import FilterProblem, parse_filters
from seminars.catalogue.page_cache import cached_page
from seminars.core.i18n import current_language
from seminars.core.timezone import utcnow
from seminars.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)

_PER_PAGE = re.compile(r"[0-9]{1,3}")


def _json_entry(entry) -> dict:
    return seminar_json(
        entry,
        locale=current_language(),
        url=url_for("catalogue.detail", seminar_id=entry.seminar.id, _external=True),
        ical_url=url_for("feeds.seminar_calendar", seminar_id=entry.seminar.id, _external=True),
    )


def _bad_request(problems: list[FilterProblem]):
    body = {
        "status": 400,
        "title": _("Die Anfrage ist fehlerhaft"),
        "errors": [{"parameter": p.parameter, "message": p.message} for p in problems],
    }
    return jsonify(body), 400


def _page_size(problems: list[FilterProblem]) -> int:
    largest = current_app.config["API_PAGE_SIZE_MAX"]
    raw = request.args.get("per_page")
    if raw is None:
        return min(current_app.config["CATALOGUE_PAGE_SIZE"], largest)
    if _PER_PAGE.fullmatch(raw) and 1 <= int(raw) <= largest:
        return int(raw)
    problems.append(
        FilterProblem("per_page", _("per_page muss zwischen 1 und %(n)d liegen.", n=largest))
    )
    return 1


@bp.get("/seminars")
@cached_page
def seminars():
    choices = services.filter_choices()
    filters, problems = parse_filters(
        request.args, topic_keys=choices.topic_keys, towns=choices.towns, exact=True
    )
    page_size = _page_size(problems)
    if problems:
        return _bad_request(problems)
    page = services.list_seminars(filters, now=utcnow(), page_size=page_size)
    links = page_links(
        page,
        filters,
        per_page=page_size if "per_page" in request.args else None,
        url_for_args=lambda args: url_for("api.seminars", _external=True, **args),
    )
    response = jsonify(
        {
            "items": [_json_entry(entry) for entry in page.entries],
            "page": page.page,
            "per_page": page.page_size,
            "pages": page.pages,
            "total": page.total,
            "links": links,
        }
    )
    response.headers["Link"] = link_header(links)
    return response


@bp.get("/seminars/<int:seminar_id>")
def seminar(seminar_id: int):
    return jsonify(_json_entry(services.get_public_seminar(seminar_id, now=utcnow())))


@bp.get("/openapi.json")
def openapi():
    choices = services.filter_choices()
    return jsonify(
        openapi_document(
            server_url=url_for("api.seminars", _external=True)[: -len("/seminars")],
            topic_keys=sorted(choices.topic_keys),
            towns=sorted(choices.towns),
        )
    )
