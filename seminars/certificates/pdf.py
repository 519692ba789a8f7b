"""Certificates as tagged PDF/UA-1 documents (rendered by ``core/pdf.py``)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from flask import render_template
from flask_babel import force_locale

from seminars.certificates.models import Certificate
from seminars.core.pdf import html_to_pdf
from seminars.core.qr import qr_png_data_uri
from seminars.core.urls import external_url


def verification_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", code=certificate.code)


def page_context(certificate: Certificate) -> dict:
    """What the certificate's page shows (``certificates/_certificate_body.html``): for the
    certificate's own PDF and for the page it is enclosed as in a letter. Call it in the
    certificate's language."""
    url = verification_url(certificate)
    raw_day = certificate.snapshot.get("last_day")
    return {
        "certificate": certificate,
        "snap": certificate.snapshot,
        "url": url,
        "qr": qr_png_data_uri(url),
        "last_day": datetime.fromisoformat(raw_day) if raw_day else None,
    }


def render_html(certificate: Certificate) -> str:
    with force_locale(certificate.locale or "de"):
        return render_template("certificates/certificate.html", **page_context(certificate))


def render_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(render_html(certificate))


def zip_of(certificates: list[Certificate]) -> bytes:
    """The stored PDFs of ``certificates`` in one ZIP archive (nothing is rendered anew)."""
    from seminars.certificates.documents import pdf_of

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            name = "".join(ch if ch.isalnum() else "-" for ch in certificate.snapshot["name"])
            archive.writestr(f"bescheinigung-{name}-{certificate.code}.pdf", pdf_of(certificate))
    return buffer.getvalue()
