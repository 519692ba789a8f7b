"""Staff answer requests for access and erasure (GDPR Art. 15 and 17)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.core.timezone import utcnow
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


@bp.route("/personendaten", methods=["GET", "POST"])
def person():
    query = _query() if request.method == "POST" else PersonQuery()
    data = services.export_person(query) if query.complete else None
    incomplete = request.method == "POST" and not query.complete
    return render_template("privacy/person.html", query=query, data=data, incomplete=incomplete)


@bp.post("/personendaten.json")
def export():
    body = json.dumps(services.export_person(_query()), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="personendaten.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/personendaten/loeschen")
def erase():
    count = services.erase_person(_query(), actor=current_actor(), now=utcnow())
    flash(
        ngettext(
            "%(num)d Anmeldung ist gelöscht (anonymisiert).",
            "%(num)d Anmeldungen sind gelöscht (anonymisiert).",
            count,
        ),
        "success",
    )
    return redirect(url_for("privacy.person"), code=303)
