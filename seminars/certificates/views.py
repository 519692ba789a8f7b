"""Certificates in public: the check of a code, and the participant's download."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from seminars.certificates import documents, services
from seminars.certificates.downloads import pdf_response
from seminars.core.errors import NotFoundError
from seminars.extensions import limiter
from seminars.registrations.services import find_by_token

bp = Blueprint("certificates", __name__)


@bp.get("/pruefen")
@bp.get("/pruefen/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify(code: str | None = None):
    code = code or request.args.get("code", "")
    result = services.verify(code) if code else None
    return render_template("certificates/verify.html", code=code[:40], result=result)


@bp.get("/anmeldung/<token>/bescheinigung.pdf")
def download_own(token: str):
    registration = find_by_token(token)
    certificate = services.active_certificate(registration.id)
    if certificate is None:
        raise NotFoundError(_("Für diese Anmeldung gibt es noch keine Bescheinigung."))
    # A certificate issued before PDFs were stored gets its PDF now; the unit of work keeps it.
    body = documents.pdf_of(certificate)
    return pdf_response(body, f"bescheinigung-{certificate.code}.pdf")
