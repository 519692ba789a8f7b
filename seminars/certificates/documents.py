"""The stored PDF of each certificate: rendered once when it is issued, then only served.

Rendering takes from half a second to several seconds, so a download never renders: the
participant's link, the staff download and the ZIP all read ``certificate_pdf``. Issuing
renders inside the issuing transaction (a certificate never exists without its PDF);
revoking or replacing a certificate deletes its PDF.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, select

from seminars.certificates import pdf
from seminars.certificates.models import Certificate, CertificatePdf
from seminars.core import direct_reads
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.locking import lock_row
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import tokens
from seminars.registrations.models import Registration
from seminars.registrations.services import UnknownLink


class CertificateRevoked(DomainError):
    status_code = 410
    default_message = _l("Diese Bescheinigung ist widerrufen; es gibt sie nicht mehr als PDF.")


def store_pdf(certificate: Certificate, *, now: datetime) -> CertificatePdf:
    """Render the certificate and keep the PDF (replacing one stored before)."""
    stored = db.session.get(CertificatePdf, certificate.id)
    body = pdf.render_pdf(certificate)
    if stored is None:
        stored = CertificatePdf(certificate_id=certificate.id, pdf=body, rendered_at=now)
        db.session.add(stored)
    else:
        stored.pdf, stored.rendered_at = body, now
    db.session.flush()
    return stored


def drop_pdf(certificate_id: int) -> None:
    db.session.execute(
        delete(CertificatePdf).where(CertificatePdf.certificate_id == certificate_id)
    )


def pdf_of(certificate: Certificate) -> bytes:
    """The stored PDF of a valid certificate.

    A certificate issued before PDFs were stored gets its PDF rendered and kept now, once (a
    download is a GET: the request's unit of work commits it). A revoked certificate has none.
    """
    _refuse_without_pdf(certificate)
    stored = db.session.get(CertificatePdf, certificate.id)
    if stored is None:
        stored = _render_missing(certificate.id)
    return stored.pdf


# The participant's download, read as one statement outside the request's unit of work.
_OWN_PDF = (
    select(Registration.id, Certificate.id, Certificate.code, CertificatePdf.pdf)
    .select_from(Registration)
    .outerjoin(
        Certificate,
        and_(Certificate.registration_id == Registration.id, Certificate.revoked_at.is_(None)),
    )
    .outerjoin(CertificatePdf, CertificatePdf.certificate_id == Certificate.id)
    .where(Registration.token_hash == bindparam("token_hash"))
    .limit(1)
)


def own_pdf(token: str) -> tuple[str, bytes]:
    """The code and stored PDF of the current certificate of the registration behind a
    participant's personal link. Raises ``UnknownLink`` for a link that leads nowhere and
    ``NotFoundError`` while there is no valid certificate.

    The download is served as often as the trivial routes, so the PDF is read with one
    direct statement (``core/direct_reads``), not through the request's session. Only a
    certificate from before stored PDFs goes through the session, which renders and keeps
    its PDF once."""
    if not tokens.looks_like_token(token):
        raise UnknownLink()
    row = direct_reads.read_one(_OWN_PDF, {"token_hash": tokens.token_hash(token)})
    if row is None:
        raise UnknownLink()
    _registration_id, certificate_id, code, body = row
    if certificate_id is None:
        raise NotFoundError(_l("Für diese Anmeldung gibt es noch keine Bescheinigung."))
    if body is None:  # issued before PDFs were stored: rendered and kept now, once
        certificate = db.session.get(Certificate, certificate_id)
        if certificate is None:  # erased since the first read
            raise UnknownLink()
        body = pdf_of(certificate)
    return code, bytes(body)


def _refuse_without_pdf(certificate: Certificate) -> None:
    if not certificate.valid:
        raise CertificateRevoked()
    if certificate.anonymised_at is not None:
        raise CertificateRevoked(
            _l("Diese Bescheinigung ist nach Ablauf der Aufbewahrungsfrist gelöscht.")
        )


def _render_missing(certificate_id: int) -> CertificatePdf:
    """Render and keep the PDF of a certificate from before stored PDFs. This GET writes: it
    locks the certificate first (on SQLite the write lock, before anything is read again),
    then looks again, since a download at the same time may have stored it, or a revocation
    removed the certificate's right to one."""
    certificate = lock_row(Certificate, certificate_id)
    _refuse_without_pdf(certificate)
    stored = db.session.get(CertificatePdf, certificate_id)
    return stored if stored is not None else store_pdf(certificate, now=utcnow())
