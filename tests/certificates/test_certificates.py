import io
import subprocess
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from seminars.certificates import pdf, services
from seminars.certificates.services import NotEligible
from seminars.core.pdf import static_only_fetcher
from seminars.core.timezone import utcnow
from seminars.extensions import db, limiter
from seminars.registrations import allocation, staff
from tests import factories
from tests.conftest import csrf_token_from


def attended_seminar(sessions=2, present_at=None, **fields):
    """A past seminar with one confirmed person who attended ``present_at`` sessions."""
    seminar = factories.seminar(
        "Gruppen leiten",
        starts_in=timedelta(days=-5),
        sessions=sessions,
        summary="Rollen in der Gruppe\nKonflikte lösen",
        **fields,
    )
    earlier = utcnow() - timedelta(days=20)
    registration = allocation.register(
        seminar.id, factories.applicant(1, first_name="Jürgen", last_name="Müller"), now=earlier
    ).registration
    db.session.commit()
    allocation.confirm(registration.id, now=earlier)
    db.session.commit()
    sheet = staff.attendance_of(seminar.id)
    for session in sheet.sessions[: sessions if present_at is None else present_at]:
        staff.record_attendance(seminar.id, session.id, {registration.id}, actor=None, now=utcnow())
    db.session.commit()
    return seminar, registration


def test_pdf_says_who_what_and_is_tagged_pdf_ua(app):
    seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    document = PdfReader(io.BytesIO(pdf.render_pdf(certificate)))
    text = document.pages[0].extract_text()
    assert "Jürgen Müller" in text and "Gruppen leiten" in text and certificate.code in text
    assert "Teilnahmebescheinigung" in document.metadata.title
    root = document.trailer["/Root"]
    assert root["/Lang"] == "de" and root["/MarkInfo"]["/Marked"]
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    assert factories.outbox_kinds(registration.id)[-1] == "certificate"


def test_qr_code_leads_to_the_verification_page(app, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    _seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    (tmp_path / "c.pdf").write_bytes(pdf.render_pdf(certificate))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "120",
            "-png",
            "-singlefile",
            str(tmp_path / "c.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]
    assert codes == [f"http://seminare.test/pruefen/{certificate.code}"]


def test_no_certificate_without_enough_attendance(app):
    _seminar, registration = attended_seminar(present_at=1)
    with pytest.raises(NotEligible, match="1 von 2"):
        services.issue(registration.id, actor=None, now=utcnow())


def test_per_seminar_minimum_attendance(app):
    _seminar, registration = attended_seminar(present_at=1, certificate_min_sessions=1)
    assert services.issue(registration.id, actor=None, now=utcnow()).code


def test_snapshot_survives_later_edits_and_reissue_keeps_history(app):
    seminar, registration = attended_seminar()
    first = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    seminar.title = "Ganz anderer Titel"
    registration.last_name = "Müller-Schmidt"
    db.session.commit()
    assert "Gruppen leiten" in PdfReader(io.BytesIO(pdf.render_pdf(first))).pages[0].extract_text()
    second = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    assert second.id != first.id and second.snapshot["name"] == "Jürgen Müller-Schmidt"
    db.session.refresh(first)
    assert not first.valid and second.code in first.revoked_reason
    assert services.verify(first.code).state == "revoked"
    assert services.verify(second.code).state == "valid"
    assert services.issue(registration.id, actor=None, now=utcnow()).id == second.id


def test_issue_all_and_zip(app):
    seminar, registration = attended_seminar()
    absent = allocation.register(
        seminar.id, factories.applicant(2), now=utcnow() - timedelta(days=20)
    )
    db.session.commit()
    allocation.confirm(absent.registration.id, now=utcnow() - timedelta(days=20))
    db.session.commit()
    result = services.issue_all(seminar.id, actor=None, now=utcnow())
    db.session.commit()
    assert (result.issued, result.skipped) == (1, 1)
    archive = zipfile.ZipFile(io.BytesIO(pdf.zip_of(services.for_seminar(seminar.id))))
    assert len(archive.namelist()) == 1 and archive.namelist()[0].endswith(".pdf")


def test_rendering_fetches_nothing_outside_the_static_folder(app):
    fetcher = static_only_fetcher(app.static_folder)
    for url in (
        "https://example.org/x.png",
        "file:///etc/passwd",
        f"file://{app.static_folder}/../config.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(f"file://{app.static_folder}/css/site.css")
    assert b"Selbsthilfe im Dialog" in response.read()
    response.close()
    # A data: URI (the QR codes) carries its content in the page: nothing is fetched.
    response = fetcher.fetch("data:text/plain;base64,UVI=")
    assert response.read() == b"QR"
    response.close()


@pytest.mark.parametrize("code", ["", "nonsense", "AAAA-AAAA-AAAA", "x" * 500, "\x00"])
def test_unknown_codes_are_unknown(client, code):
    response = client.get("/pruefen", query_string={"code": code})
    assert response.status_code == 200
    if code:
        assert "Unbekannt" in response.get_data(as_text=True)


def test_public_verification_shows_only_name_seminar_and_date(client, app):
    _seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    page = client.get(f"/pruefen/{certificate.code.lower()}").get_data(as_text=True)
    assert "Gültig" in page and "Jürgen Müller" in page and "Gruppen leiten" in page
    assert (
        registration.email not in page
        and "Erfurt" not in page.split("<main")[1].split("</main>")[0]
    )
    services.revoke(certificate.id, reason="Falsch ausgestellt", actor=None, now=utcnow())
    db.session.commit()
    assert "Widerrufen" in client.get(f"/pruefen/{certificate.code}").get_data(as_text=True)


def test_verification_is_rate_limited(client, app):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        statuses = [client.get("/pruefen/AAAA-BBBB-CCCC").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "30 per minute"
        limiter.reset()


def test_participant_and_staff_downloads(client, login, smtp_server):
    _seminar, registration = attended_seminar()
    login("staff")
    page = client.get(f"/verwaltung/anmeldungen/{registration.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    assert (
        client.post(
            f"/verwaltung/anmeldungen/{registration.id}/bescheinigung", data={"csrf_token": token}
        ).status_code
        == 303
    )
    certificate = services.active_certificate(registration.id)
    staff_pdf = client.get(f"/verwaltung/bescheinigungen/{certificate.id}.pdf")
    assert staff_pdf.mimetype == "application/pdf"
    mail = smtp_server.messages[-1]
    assert mail["Subject"].strip().startswith("Ihre Teilnahmebescheinigung")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    path = body.split("http://seminare.test")[1].split()[0]
    assert path.endswith("/bescheinigung.pdf")
    own = client.get(path)
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    client.post(
        f"/verwaltung/bescheinigungen/{certificate.id}/widerrufen",
        data={"reason": "Test", "csrf_token": token},
    )
    assert client.get(path).status_code == 404


def test_certificate_for_someone_who_did_not_attend_is_refused_with_a_reason(client, login):
    _seminar, registration = attended_seminar(present_at=0)
    login("staff")
    token = csrf_token_from(
        client.get(f"/verwaltung/anmeldungen/{registration.id}").get_data(as_text=True)
    )
    response = client.post(
        f"/verwaltung/anmeldungen/{registration.id}/bescheinigung",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Keine Bescheinigung: Anwesend bei 0 von 2" in response.get_data(as_text=True)


def _stored(certificate_id: int) -> bytes | None:
    from seminars.certificates.models import CertificatePdf

    db.session.expire_all()
    stored = db.session.get(CertificatePdf, certificate_id)
    return stored.pdf if stored is not None else None


def _no_rendering(*args, **kwargs):
    raise AssertionError("a download rendered the certificate again")


def test_the_pdf_is_rendered_once_when_issued_and_then_only_served(
    client, login, monkeypatch, smtp_server
):
    _seminar, registration = attended_seminar()
    seminar_id = registration.seminar_id
    login("staff")
    page = client.get(f"/verwaltung/anmeldungen/{registration.id}").get_data(as_text=True)
    issued = client.post(
        f"/verwaltung/anmeldungen/{registration.id}/bescheinigung",
        data={"csrf_token": csrf_token_from(page)},
    )
    assert issued.status_code == 303
    certificate = services.active_certificate(registration.id)
    stored = _stored(certificate.id)
    assert stored.startswith(b"%PDF")
    monkeypatch.setattr(pdf, "render_pdf", _no_rendering)
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    own_path = body.split("http://seminare.test")[1].split()[0]
    for path in (own_path, f"/verwaltung/bescheinigungen/{certificate.id}.pdf"):
        response = client.get(path)
        assert response.status_code == 200 and response.data == stored, path
    archive = client.get(f"/verwaltung/seminare/{seminar_id}/bescheinigungen.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert [files.read(name) for name in files.namelist()] == [stored]


def test_reissue_stores_a_new_pdf_and_revoking_drops_it(app, client, login):
    _seminar, registration = attended_seminar()
    first = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    first_pdf = _stored(first.id)
    registration.last_name = "Müller-Schmidt"
    db.session.commit()
    second = services.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    assert _stored(first.id) is None
    second_pdf = _stored(second.id)
    assert second_pdf != first_pdf
    assert "Müller-Schmidt" in PdfReader(io.BytesIO(second_pdf)).pages[0].extract_text()
    services.revoke(second.id, reason="Falsch ausgestellt", actor=None, now=utcnow())
    db.session.commit()
    assert _stored(second.id) is None
    login("staff")
    gone = client.get(f"/verwaltung/bescheinigungen/{second.id}.pdf")
    assert gone.status_code == 410 and "widerrufen" in gone.get_data(as_text=True)


def test_a_failed_rendering_issues_nothing(app, monkeypatch):
    from seminars.certificates.models import Certificate

    _seminar, registration = attended_seminar()

    def broken(certificate):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        services.issue(registration.id, actor=None, now=utcnow())
    db.session.rollback()
    assert db.session.scalars(select(Certificate)).all() == []
    assert "certificate" not in factories.outbox_kinds(registration.id)


def test_a_certificate_from_before_stored_pdfs_is_rendered_once(app, client, monkeypatch):
    from seminars.certificates.documents import drop_pdf
    from seminars.registrations.tokens import token_for

    _seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow(), send_mail=False)
    drop_pdf(certificate.id)  # as if issued before PDFs were kept
    db.session.commit()
    path = f"/anmeldung/{token_for(registration.id, registration.token_salt)}/bescheinigung.pdf"
    first = client.get(path)
    assert first.status_code == 200 and _stored(certificate.id) == first.data
    monkeypatch.setattr(pdf, "render_pdf", _no_rendering)
    assert client.get(path).data == first.data


def test_the_personal_page_links_the_certificate_while_it_is_valid(client):
    from seminars.registrations.tokens import token_for

    _seminar, registration = attended_seminar()
    manage = f"/anmeldung/{token_for(registration.id, registration.token_salt)}"
    link = f"{manage}/bescheinigung.pdf"
    assert link not in client.get(manage).get_data(as_text=True)
    certificate = services.issue(registration.id, actor=None, now=utcnow(), send_mail=False)
    db.session.commit()
    assert link in client.get(manage).get_data(as_text=True)
    services.revoke(certificate.id, reason="Versehen", actor=None, now=utcnow())
    db.session.commit()
    assert link not in client.get(manage).get_data(as_text=True)


def test_staff_are_told_the_code_of_an_issued_certificate_and_why_a_revocation_failed(
    client, login, smtp_server
):
    _seminar, registration = attended_seminar()
    login("staff")
    page = client.get(f"/verwaltung/anmeldungen/{registration.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    issued = client.post(
        f"/verwaltung/anmeldungen/{registration.id}/bescheinigung",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    certificate = services.active_certificate(registration.id)
    assert f"Bescheinigung {certificate.code} ist ausgestellt." in issued.get_data(as_text=True)
    without_reason = client.post(
        f"/verwaltung/bescheinigungen/{certificate.id}/widerrufen",
        data={"reason": " ", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Bitte geben Sie einen Grund an." in without_reason.get_data(as_text=True)
    db.session.expire_all()
    assert services.get_certificate(certificate.id).valid


def _locked_for_others(certificate_id: int, dialect: str) -> bool:
    """Whether another connection is kept from writing the certificate right now."""
    if dialect == "sqlite":
        import sqlite3

        other = sqlite3.connect(db.engine.url.database, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return True
        finally:
            other.close()
        return False
    from sqlalchemy.exc import OperationalError

    from seminars.certificates.models import Certificate

    with db.engine.connect() as other:
        try:
            other.execute(
                select(Certificate.id)
                .where(Certificate.id == certificate_id)
                .with_for_update(nowait=True)
            )
        except OperationalError:
            return True
        finally:
            other.rollback()
    return False


def test_a_download_that_renders_takes_the_lock_before_it_looks_again(
    app, client, monkeypatch, dialect
):
    """A GET that stores a PDF rendered late locks first (on SQLite: the write lock), so that
    a writer in between can neither make it fail nor store the PDF twice."""
    from seminars.certificates.documents import drop_pdf
    from seminars.registrations.tokens import token_for

    _seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow(), send_mail=False)
    drop_pdf(certificate.id)  # as if issued before PDFs were kept
    db.session.commit()
    real_render = pdf.render_pdf
    locked_while_rendering = []

    def render(certificate):
        locked_while_rendering.append(_locked_for_others(certificate.id, dialect))
        return real_render(certificate)

    monkeypatch.setattr(pdf, "render_pdf", render)
    path = f"/anmeldung/{token_for(registration.id, registration.token_salt)}/bescheinigung.pdf"
    response = client.get(path)
    assert response.status_code == 200 and _stored(certificate.id) == response.data
    assert locked_while_rendering == [True]


ISSUE_ONE = "Bescheinigung ausstellen (oder nach Korrektur neu ausstellen)"
ISSUE_ALL = "Bescheinigungen für alle ausstellen, die teilgenommen haben"


def test_issuing_is_offered_only_to_confirmed_participants_who_attended(client, login):
    seminar, attended = attended_seminar()
    absent = factories.registration(seminar)
    waiting = factories.registration(seminar, status="waitlisted")
    login("staff")

    def detail(registration) -> str:
        return client.get(f"/verwaltung/anmeldungen/{registration.id}").get_data(as_text=True)

    assert ISSUE_ONE in detail(attended)
    for someone in (absent, waiting):
        page = detail(someone)
        assert ISSUE_ONE not in page
        assert "Eine Bescheinigung bekommen nur bestätigte Teilnehmende" in page
    sheet = client.get(f"/verwaltung/seminare/{seminar.id}/anwesenheit").get_data(as_text=True)
    assert ISSUE_ALL in sheet


def test_issuing_for_all_is_not_offered_when_nobody_attended(client, login):
    seminar, _registration = attended_seminar(present_at=0)
    factories.registration(seminar, status="waitlisted")
    login("staff")
    sheet = client.get(f"/verwaltung/seminare/{seminar.id}/anwesenheit").get_data(as_text=True)
    assert ISSUE_ALL not in sheet


def test_issuing_for_all_counts_in_words_that_fit_the_number(client, login):
    seminar, _registration = attended_seminar()
    absent = allocation.register(
        seminar.id, factories.applicant(2), now=utcnow() - timedelta(days=20)
    )
    db.session.commit()
    allocation.confirm(absent.registration.id, now=utcnow() - timedelta(days=20))
    db.session.commit()
    login("staff")
    url = f"/verwaltung/seminare/{seminar.id}/anwesenheit"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    done = client.post(
        f"/verwaltung/seminare/{seminar.id}/bescheinigungen",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 Bescheinigung ausgestellt. 1 Person war nicht oft genug anwesend." in done
    again = client.post(
        f"/verwaltung/seminare/{seminar.id}/bescheinigungen",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "0 Bescheinigungen ausgestellt. 1 Person war nicht oft genug anwesend." in again
