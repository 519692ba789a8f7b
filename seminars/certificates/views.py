"""Certificates: the public check, the participant's download, and staff actions."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from seminars.certificates import documents, pdf, services
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.timezone import utcnow
from seminars.extensions import db, limiter
from seminars.registrations.services import find_by_token

bp = Blueprint("certificates", __name__)


def _pdf_response(body: bytes, filename: str, *, attachment: bool = True) -> Response:
    response = Response(body, mimetype="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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
    body = documents.pdf_of(certificate)
    db.session.commit()  # keeps a PDF rendered now for a certificate issued before storing
    return _pdf_response(body, f"bescheinigung-{certificate.code}.pdf")


def _actor():
    return current_user._get_current_object()


@bp.post("/verwaltung/anmeldungen/<int:registration_id>/bescheinigung")
def issue_one(registration_id: int):
    try:
        certificate = services.issue(registration_id, actor=_actor(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(_("Keine Bescheinigung: %(reason)s", reason=str(error.message)), "warning")
    else:
        db.session.commit()
        flash(_("Bescheinigung %(code)s ist ausgestellt.", code=certificate.code), "success")
    return redirect(
        url_for("staff_registrations.registration", registration_id=registration_id), code=303
    )


@bp.post("/verwaltung/seminare/<int:seminar_id>/bescheinigungen")
def issue_all(seminar_id: int):
    result = services.issue_all(seminar_id, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(
        _(
            "%(issued)d Bescheinigungen ausgestellt; %(skipped)d Personen waren nicht oft genug "
            "anwesend.",
            issued=result.issued,
            skipped=result.skipped,
        ),
        "success",
    )
    return redirect(url_for("staff_registrations.attendance", seminar_id=seminar_id), code=303)


@bp.get("/verwaltung/bescheinigungen/<int:certificate_id>.pdf")
def download(certificate_id: int):
    certificate = services.get_certificate(certificate_id)
    body = documents.pdf_of(certificate)
    db.session.commit()  # as above
    return _pdf_response(body, f"bescheinigung-{certificate.code}.pdf")


@bp.get("/verwaltung/seminare/<int:seminar_id>/bescheinigungen.zip")
def download_all(seminar_id: int):
    certificates = services.for_seminar(seminar_id)
    response = Response(pdf.zip_of(certificates), mimetype="application/zip")
    db.session.commit()  # as above
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bescheinigungen-{seminar_id}.zip"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/verwaltung/bescheinigungen/<int:certificate_id>/widerrufen")
def revoke(certificate_id: int):
    certificate = services.get_certificate(certificate_id)
    try:
        services.revoke(
            certificate_id, reason=request.form.get("reason", ""), actor=_actor(), now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "warning")
    else:
        db.session.commit()
        flash(_("Die Bescheinigung ist widerrufen."), "success")
    target = certificate.registration_id
    if target:
        return redirect(url_for("staff_registrations.registration", registration_id=target), 303)
    return redirect(url_for("backoffice.dashboard"), code=303)
