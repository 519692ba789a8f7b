"""Certificates in public: the check of a code, and the participant's download."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from seminars.certificates import documents, services
from seminars.certificates.downloads import pdf_response
from seminars.extensions import limiter

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
    # A certificate issued before PDFs were stored gets its PDF now; the unit of work keeps it.
    code, body = documents.own_pdf(token)
    return pdf_response(body, f"bescheinigung-{code}.pdf")
