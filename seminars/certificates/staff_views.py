"""Certificates in the back office: issue, download, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.certificates import documents, pdf, services
from seminars.certificates.downloads import file_response, pdf_response
from seminars.core.actions import perform
from seminars.core.timezone import utcnow

bp = Blueprint("staff_certificates", __name__, url_prefix="/verwaltung")


@bp.post("/anmeldungen/<int:registration_id>/bescheinigung")
def issue_one(registration_id: int):
    perform(
        lambda: services.issue(registration_id, actor=current_actor(), now=utcnow()),
        lambda certificate: _("Bescheinigung %(code)s ist ausgestellt.", code=certificate.code),
    )
    return redirect(
        url_for("staff_registrations.registration", registration_id=registration_id), code=303
    )


@bp.post("/seminare/<int:seminar_id>/bescheinigungen")
def issue_all(seminar_id: int):
    result = services.issue_all(seminar_id, actor=current_actor(), now=utcnow())
    issued = ngettext(
        "%(num)d Bescheinigung ausgestellt.",
        "%(num)d Bescheinigungen ausgestellt.",
        result.issued,
    )
    if result.skipped:
        issued += " " + ngettext(
            "%(num)d Person war nicht oft genug anwesend.",
            "%(num)d Personen waren nicht oft genug anwesend.",
            result.skipped,
        )
    flash(issued, "success")
    return redirect(url_for("staff_registrations.attendance", seminar_id=seminar_id), code=303)


@bp.get("/bescheinigungen/<int:certificate_id>.pdf")
def download(certificate_id: int):
    certificate = services.get_certificate(certificate_id)
    # A certificate issued before PDFs were stored gets its PDF now; the unit of work keeps it.
    body = documents.pdf_of(certificate)
    return pdf_response(body, f"bescheinigung-{certificate.code}.pdf")


@bp.get("/seminare/<int:seminar_id>/bescheinigungen.zip")
def download_all(seminar_id: int):
    body = pdf.zip_of(services.for_seminar(seminar_id))  # renders missing PDFs as above
    return file_response(body, "application/zip", f"bescheinigungen-{seminar_id}.zip")


@bp.post("/bescheinigungen/<int:certificate_id>/widerrufen")
def revoke(certificate_id: int):
    target = services.get_certificate(certificate_id).registration_id
    perform(
        lambda: services.revoke(
            certificate_id,
            reason=request.form.get("reason", ""),
            actor=current_actor(),
            now=utcnow(),
        ),
        _("Die Bescheinigung ist widerrufen."),
    )
    if target:
        return redirect(url_for("staff_registrations.registration", registration_id=target), 303)
    return redirect(url_for("backoffice.dashboard"), code=303)
