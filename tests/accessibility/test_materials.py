"""Materials for download: upload checks, who sees and downloads them when, and that files
go with retention and with the seminar."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from seminars.accessibility import materials
from seminars.accessibility.models import ServiceMaterial, ServiceTask
from seminars.core.errors import DomainError, NotFoundError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.housekeeping import services as housekeeping
from seminars.planning.services import delete_seminar
from seminars.programme.models import SeminarSession
from seminars.registrations import allocation
from tests import factories
from tests.accessibility.helpers import PDF, docx, person, zip_without_document
from tests.conftest import csrf_token_from, field_error


def stored_files(app) -> set[str]:
    folder = Path(app.config["MATERIALS_FOLDER"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def upload(seminar, key="pdf", data=PDF, filename="handout.pdf", available_from=None):
    material = materials.upload(
        seminar.id,
        key,
        filename=filename,
        data=data,
        available_from=available_from or utcnow() - timedelta(days=1),
        actor=None,
        now=utcnow(),
    )
    db.session.commit()
    return material


@pytest.fixture(autouse=True)
def empty_folder(app):
    for name in stored_files(app):
        (Path(app.config["MATERIALS_FOLDER"]) / name).unlink()


# Upload checks.


@pytest.mark.parametrize(
    ("key", "filename", "data"),
    [
        ("pdf", "handout.pdf", b"<html>not a pdf</html>"),
        ("pdf", "handout.docx", PDF),  # the ending must fit the format too
        ("easy_read_pdf", "leicht.exe", PDF),
        ("docx", "handout.docx", zip_without_document()),
        ("docx", "handout.docx", b"PK\x03\x04 broken"),
        ("docx", "handout.pdf", docx()),
        ("pdf", "handout.pdf", b""),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(app, key, filename, data):
    seminar = factories.seminar()
    with pytest.raises(DomainError) as refused:
        materials.upload(
            seminar.id,
            key,
            filename=filename,
            data=data,
            available_from=None,
            actor=None,
            now=utcnow(),
        )
    assert refused.value.field == "file"
    db.session.rollback()
    assert stored_files(app) == set()


def test_a_file_over_the_limit_is_refused(app):
    with pytest.raises(DomainError):
        materials.check_file("pdf", "big.pdf", PDF + b"0" * materials.MAX_FILE_BYTES)


def test_a_good_file_is_stored_under_a_random_name(app):
    seminar = factories.seminar(starts_in=timedelta(days=30))
    material = materials.upload(
        seminar.id,
        "docx",
        filename="../../Unterlagen für alle.docx",
        data=docx(),
        available_from=None,
        actor=None,
        now=utcnow(),
    )
    db.session.commit()
    assert material.filename == "Unterlagen für alle.docx"
    assert "Unterlagen" not in material.stored_name and "/" not in material.stored_name
    assert stored_files(app) == {material.stored_name}
    assert material.content_type.endswith("wordprocessingml.document")
    first = db.session.scalar(
        select(SeminarSession.starts_at).where(SeminarSession.seminar_id == seminar.id)
    )
    days = app.config["MATERIALS_DAYS_BEFORE"]
    assert timedelta(days=days - 1) < first - material.available_from <= timedelta(days=days + 1)


def test_replacing_removes_the_old_file_and_deleting_the_new(app):
    seminar = factories.seminar()
    old = upload(seminar).stored_name
    replaced = upload(seminar, data=PDF + b"% second\n")
    assert replaced.stored_name != old
    assert stored_files(app) == {replaced.stored_name}
    assert len(db.session.scalars(select(ServiceMaterial)).all()) == 1
    materials.delete(seminar.id, replaced.id, actor=None)
    db.session.commit()
    assert stored_files(app) == set()
    assert db.session.scalars(select(ServiceMaterial)).all() == []


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(app):
    seminar = factories.seminar()
    materials.upload(
        seminar.id,
        "pdf",
        filename="a.pdf",
        data=PDF,
        available_from=None,
        actor=None,
        now=utcnow(),
    )
    assert len(stored_files(app)) == 1
    db.session.rollback()
    assert stored_files(app) == set()


# Who sees a material, and when.


def test_people_see_the_materials_for_their_needs_from_available_from_on(app):
    seminar = factories.seminar(starts_in=timedelta(days=30))
    large_print, _ = person(seminar, need_large_print=True)
    braille, _ = person(seminar, need_braille=True)
    easy_read, _ = person(seminar, need_easy_read=True)
    in_advance, _ = person(seminar, need_handouts_in_advance=True)
    nothing, _ = person(seminar, need_sign_language=True)
    pdf = upload(seminar, "pdf")
    word = upload(seminar, "docx", docx(), "h.docx")
    later = upload(seminar, "easy_read_pdf", available_from=utcnow() + timedelta(days=2))
    now = utcnow()

    def seen(registration, when=now):
        return [offered.id for offered in materials.materials_for(registration, when)]

    assert seen(large_print) == [pdf.id]
    assert seen(braille) == [word.id]
    assert seen(in_advance) == [pdf.id, word.id]
    assert seen(nothing) == []
    assert seen(easy_read) == []
    assert seen(easy_read, now + timedelta(days=3)) == [later.id]


def test_only_active_registrations_see_materials(app):
    seminar = factories.seminar(starts_in=timedelta(days=30), capacity=1, waitlist_capacity=3)
    holder, _ = person(seminar, need_large_print=True)
    waiting, _ = person(seminar, need_large_print=True)
    upload(seminar)
    assert waiting.status == "waitlisted"
    assert materials.materials_for(waiting, utcnow()) == []
    allocation.cancel(holder.id, now=utcnow())
    db.session.commit()
    assert materials.materials_for(holder, utcnow()) == []
    unconfirmed_seminar = factories.seminar(starts_in=timedelta(days=30))
    pending, _ = person(unconfirmed_seminar, confirm=False, need_large_print=True)
    upload(unconfirmed_seminar)
    assert pending.holds_seat and len(materials.materials_for(pending, utcnow())) == 1


def test_material_for_refuses_another_seminars_material(app):
    seminar, other = factories.seminar(), factories.seminar()
    registration, _ = person(seminar, need_large_print=True)
    theirs = upload(other)
    with pytest.raises(NotFoundError):
        materials.material_for(registration, theirs.id, utcnow())


# Retention and deletion.


def test_retention_deletes_materials_and_clears_task_notes(app):
    months = app.config["RETENTION_MONTHS"]
    old = factories.seminar(starts_in=timedelta(days=-(months * 31 + 10)))
    recent = factories.seminar(starts_in=timedelta(days=-10))
    for seminar in (old, recent):
        factories.registration(seminar)
        db.session.add(
            ServiceTask(seminar_id=seminar.id, kind="braille", note="Frau M. braucht A3", people=1)
        )
        db.session.commit()
        upload(seminar)
    kept = db.session.scalars(
        select(ServiceMaterial).where(ServiceMaterial.seminar_id == recent.id)
    ).one()
    report = housekeeping.run(utcnow())
    assert report.materials_deleted == 1
    db.session.expire_all()
    assert [m.id for m in db.session.scalars(select(ServiceMaterial))] == [kept.id]
    assert stored_files(app) == {kept.stored_name}
    tasks = {t.seminar_id: t for t in db.session.scalars(select(ServiceTask))}
    assert tasks[old.id].note == "" and tasks[old.id].people == 1
    assert tasks[recent.id].note == "Frau M. braucht A3"


def test_deleting_a_seminar_deletes_its_files(app):
    seminar = factories.seminar()
    upload(seminar)
    delete_seminar(seminar.id, actor=None)
    db.session.commit()
    assert stored_files(app) == set()


# The pages.


def _download(client, token, material_id):
    return client.get(f"/anmeldung/{token}/unterlagen/{material_id}")


def test_the_personal_page_links_the_material_and_the_download_is_an_attachment(app, client):
    seminar = factories.seminar(starts_in=timedelta(days=3))
    _registration, token = person(seminar, need_large_print=True)
    material = upload(seminar, filename="Große Schrift.pdf")
    page = client.get(f"/anmeldung/{token}").get_data(as_text=True)
    assert f'href="/anmeldung/{token}/unterlagen/{material.id}"' in page
    assert "Unterlagen als PDF" in page
    response = _download(client, token, material.id)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"Gro_e Schrift.pdf\"; filename*=UTF-8''Gro%C3%9Fe%20Schrift.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_non_ascii_name_is_given_in_utf8(app, client):
    seminar = factories.seminar()
    _registration, token = person(seminar, need_easy_read=True)
    material = upload(seminar, "easy_read_pdf")
    material.filename = "Leichte Sprache – Übersicht.pdf"
    db.session.commit()
    disposition = _download(client, token, material.id).headers["Content-Disposition"]
    assert "filename*=UTF-8''Leichte%20Sprache%20%E2%80%93%20%C3%9Cbersicht.pdf" in disposition


def test_downloads_are_refused_to_everyone_else(app, client):
    seminar = factories.seminar(starts_in=timedelta(days=30))
    _registration, token = person(seminar, need_large_print=True)
    _braille, braille_token = person(seminar, need_braille=True)
    cancelled, cancelled_token = person(seminar, need_large_print=True)
    other_seminar = factories.seminar()
    _stranger, stranger_token = person(other_seminar, need_large_print=True)
    material = upload(seminar)
    later = upload(seminar, "docx", docx(), "w.docx", utcnow() + timedelta(days=5))
    allocation.cancel(cancelled.id, now=utcnow())
    db.session.commit()
    assert _download(client, token, material.id).status_code == 200
    assert _download(client, braille_token, material.id).status_code == 404  # wrong need
    assert _download(client, braille_token, later.id).status_code == 404  # not yet
    assert _download(client, cancelled_token, material.id).status_code == 404
    assert _download(client, stranger_token, material.id).status_code == 404
    assert _download(client, "x" * 43, material.id).status_code == 404


def _materials_page(client, seminar):
    return client.get(f"/verwaltung/seminare/{seminar.id}/unterlagen")


def test_staff_upload_a_file_on_the_page(app, client, login):
    seminar = factories.seminar(starts_in=timedelta(days=30))
    login("staff")
    page = _materials_page(client, seminar).get_data(as_text=True)
    response = client.post(
        f"/verwaltung/seminare/{seminar.id}/unterlagen",
        data={
            "csrf_token": csrf_token_from(page),
            "format": "docx",
            "docx-file": (io.BytesIO(docx()), "Braille.docx"),
            "docx-available_from": "2026-01-01",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    material = db.session.scalars(select(ServiceMaterial)).one()
    assert (material.format, material.filename) == ("docx", "Braille.docx")
    assert material.available_from.year == 2025  # midnight in Berlin is 23:00 UTC
    page = _materials_page(client, seminar).get_data(as_text=True)
    assert "Braille.docx" in page and "Datei löschen: Unterlagen als Word-Datei" in page


def test_a_bad_file_gets_a_message_under_the_field(app, client, login):
    seminar = factories.seminar()
    login("staff")
    page = _materials_page(client, seminar).get_data(as_text=True)
    response = client.post(
        f"/verwaltung/seminare/{seminar.id}/unterlagen",
        data={
            "csrf_token": csrf_token_from(page),
            "format": "pdf",
            "pdf-file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "handout.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bitte laden Sie eine PDF-Datei hoch" in field_error(html, "pdf-file")
    assert db.session.scalars(select(ServiceMaterial)).all() == []
    assert stored_files(app) == set()


def test_the_steering_committee_may_not_open_the_materials_page(app, client, login):
    seminar = factories.seminar()
    login("steering")
    assert _materials_page(client, seminar).status_code == 403


def test_staff_delete_a_file(app, client, login):
    seminar = factories.seminar()
    material = upload(seminar)
    login("staff")
    page = _materials_page(client, seminar).get_data(as_text=True)
    response = client.post(
        f"/verwaltung/seminare/{seminar.id}/unterlagen/{material.id}/loeschen",
        data={"csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    assert db.session.scalars(select(ServiceMaterial)).all() == []
    assert stored_files(app) == set()
