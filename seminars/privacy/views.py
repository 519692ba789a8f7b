"""Staff answer requests for access and erasure (GDPR Art. 15 and 17)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.core.unit_of_work import discard
from seminars.privacy import services
from seminars.privacy.services import PersonQuery

bp = Blueprint("privacy", __name__, url_prefix="/verwaltung")


# What staff search for (address, phone number, name, postcode) travels in the body of POST
# requests, never in a URL: URLs end up in access logs, proxy logs and the browser history.

_LIMITS = {"contact": 254, "first_name": 100, "last_name": 100, "postcode": 10}


def _query() -> PersonQuery:
    return PersonQuery(
        **{name: " ".join(request.form.get(name, "").split())[:n] for name, n in _LIMITS.items()}
    )


def _person() -> str:
    """The person staff chose when the search found several (an id from ``people``)."""
    return request.form.get("person", "").strip()[:32]


def _page(query: PersonQuery, person: str = "", error: DomainError | None = None):
    """The search form; after a search the people found: one person with the buttons for
    export and erasure, several to choose from first (``person``, the one chosen)."""
    found = chosen = None
    subscriptions: list[dict] = []
    if request.method == "POST":
        try:
            found = services.people(query)
        except DomainError as refused:
            error = refused
        else:
            subscriptions = services.subscriptions(query)
    if found:
        single = found[0] if len(found) == 1 else None
        chosen = single or next((item for item in found if item[0] == person), None)
        if chosen is None and error is None and (person or request.form.get("choosing")):
            error = DomainError(services.GONE if person else services.CHOOSE, field="person")
    page = render_template(
        "privacy/person.html",
        query=query,
        found=found,
        chosen=chosen,
        error=error,
        subscriptions=subscriptions,
    )
    return page, 422 if error is not None else 200


@bp.route("/personendaten", methods=["GET", "POST"])
def person():
    if request.method == "GET":
        return _page(PersonQuery())
    return _page(_query(), _person())


@bp.post("/personendaten.json")
def export():
    query = _query()
    try:
        data = services.export_person(query, _person())
    except DomainError as error:
        return _page(query, _person(), error)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="personendaten.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/personendaten/loeschen")
def erase():
    query = _query()
    subscriptions = len(services.subscriptions(query))
    try:
        count = services.erase_person(query, actor=current_actor(), now=utcnow(), person=_person())
    except DomainError as error:
        discard()
        return _page(query, _person(), error)
    flash(
        ngettext(
            "%(num)d Anmeldung ist gelöscht (anonymisiert).",
            "%(num)d Anmeldungen sind gelöscht (anonymisiert).",
            count,
        ),
        "success",
    )
    if subscriptions:
        flash(
            ngettext(
                "%(num)d Benachrichtigung über neue Seminare ist beendet.",
                "%(num)d Benachrichtigungen über neue Seminare sind beendet.",
                subscriptions,
            ),
            "success",
        )
    return redirect(url_for("privacy.person"), code=303)
