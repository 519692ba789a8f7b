"""Staff answer requests for access and erasure (GDPR Art. 15 and 17)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.core.timezone import utcnow
from seminars.privacy import services

bp = Blueprint("privacy", __name__, url_prefix="/verwaltung")


# The address travels in the body of POST requests, never in a URL: URLs end up in access
# logs, proxy logs and the browser history.


@bp.route("/personendaten", methods=["GET", "POST"])
def person():
    email = request.form.get("email", "").strip()[:254] if request.method == "POST" else ""
    data = services.export_person(email) if email else None
    return render_template("privacy/person.html", email=email, data=data)


@bp.post("/personendaten.json")
def export():
    email = request.form.get("email", "").strip()[:254]
    body = json.dumps(services.export_person(email), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="personendaten.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/personendaten/loeschen")
def erase():
    email = request.form.get("email", "")[:254]
    count = services.erase_person(email, actor=current_actor(), now=utcnow())
    flash(
        ngettext(
            "%(num)d Anmeldung ist gelöscht (anonymisiert).",
            "%(num)d Anmeldungen sind gelöscht (anonymisiert).",
            count,
        ),
        "success",
    )
    return redirect(url_for("privacy.person"), code=303)
