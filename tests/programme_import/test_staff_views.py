"""Importing the programme in the back office: upload, preview (nothing written), import."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from seminars.audit.models import AuditEntry
from seminars.extensions import db
from seminars.programme.models import Seminar
from seminars.programme_import import pending
from tests import factories
from tests.conftest import csrf_token_from
from tests.programme_import.test_import import ROW_ONLINE, ROW_PRESENCE, csv_file

UPLOAD = "/verwaltung/import"
CONFIRM = "/verwaltung/import/importieren"
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "beispiel-programm.xlsx"


def text(response) -> str:
    return response.get_data(as_text=True)


def seminar_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Seminar))


def upload(client, data: bytes, name: str = "programm.csv"):
    token = csrf_token_from(text(client.get(UPLOAD)))
    return client.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm(client, page: str):
    kept = re.search(r'name="token" value="([^"]*)"', page)
    assert kept, "no import button on the page"
    return client.post(
        CONFIRM,
        data={"csrf_token": csrf_token_from(page), "token": kept.group(1)},
    )


def uploads(app) -> list[Path]:
    return list((Path(app.instance_path) / "programme-uploads").glob("*.upload"))


@pytest.fixture(autouse=True)
def _instance_folder(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))


def test_preview_writes_nothing_and_import_writes_everything(app, client, login):
    login("staff")
    response = upload(client, csv_file(ROW_PRESENCE, ROW_ONLINE))
    page = text(response)
    assert response.status_code == 200
    assert "SID-2027-01" in page and "SID-2027-02" in page and "Importieren" in page
    assert seminar_count() == 0
    assert len(uploads(app)) == 1
    done = confirm(client, page)
    assert done.status_code == 303 and done.headers["Location"].endswith("/verwaltung/seminare")
    assert seminar_count() == 2
    assert uploads(app) == []  # deleted after the import
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "programme.import")
    ).one()
    assert entry.after["created"] == 2
    # The same preview cannot be imported twice.
    again = confirm(client, page)
    assert again.status_code == 303 and again.headers["Location"].endswith(UPLOAD)


def test_preview_shows_every_problem_and_offers_no_import(app, client, login):
    login("staff")
    bad = ROW_ONLINE.replace(";12;", ";viele;")
    response = upload(client, csv_file(ROW_PRESENCE, bad))
    page = text(response)
    assert response.status_code == 422
    assert "viele" in page and "capacity" in page
    assert 'name="token"' not in page
    assert seminar_count() == 0 and uploads(app) == []


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "p.csv"), (b"PK\x03\x04 no workbook", "p.xlsx"), (b"code;title\n", "p.pdf")],
)
def test_unreadable_files_are_refused_without_an_error(client, login, data, name):
    login("admin")
    response = upload(client, data, name)
    assert response.status_code == 422
    assert "Probleme gefunden" in text(response) or "Problem gefunden" in text(response)


def test_missing_file_is_asked_for(client, login):
    login("staff")
    token = csrf_token_from(text(client.get(UPLOAD)))
    response = client.post(UPLOAD, data={"csrf_token": token})
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Datei aus." in text(response)


def test_the_sample_xlsx_imports_through_the_page(client, login):
    login("staff")
    page = text(upload(client, SAMPLE.read_bytes(), "beispiel-programm.xlsx"))
    assert "BSP-2030-01" in page
    assert confirm(client, page).status_code == 303
    assert seminar_count() == 2


def test_a_newer_preview_replaces_the_older_one(app, client, login):
    login("staff")
    first = text(upload(client, csv_file(ROW_PRESENCE)))
    second = text(upload(client, csv_file(ROW_ONLINE)))
    assert len(uploads(app)) == 1
    refused = confirm(client, first)
    assert refused.headers["Location"].endswith(UPLOAD) and seminar_count() == 0
    assert confirm(client, second).status_code == 303
    assert db.session.scalars(select(Seminar.code)).all() == ["SID-2027-02"]


def test_another_session_cannot_import_someone_elses_upload(app, client, login):
    login("staff")
    page = text(upload(client, csv_file(ROW_PRESENCE)))
    token = re.search(r'name="token" value="([^"]*)"', page).group(1)
    other = app.test_client()
    account = factories.user("staff", email="zweite@akademie.example")
    login_page = text(other.get("/verwaltung/anmelden"))
    other.post(
        "/verwaltung/anmelden",
        data={
            "email": account.email,
            "password": factories.STRONG_PASSWORD,
            "csrf_token": csrf_token_from(login_page),
        },
    )
    csrf = csrf_token_from(text(other.get(UPLOAD)))
    response = other.post(CONFIRM, data={"csrf_token": csrf, "token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(UPLOAD)
    assert seminar_count() == 0


def test_an_old_upload_is_gone(app, client, login):
    login("staff")
    page = text(upload(client, csv_file(ROW_PRESENCE)))
    (kept,) = uploads(app)
    an_hour_ago = time.time() - pending.MAX_AGE.total_seconds() - 1
    os.utime(kept, (an_hour_ago, an_hour_ago))
    response = confirm(client, page)
    assert response.headers["Location"].endswith(UPLOAD)
    assert seminar_count() == 0 and uploads(app) == []


def test_steering_committee_may_not_import(client, login):
    login("steering")
    assert client.get(UPLOAD).status_code == 403


def test_a_token_with_any_characters_is_refused_without_an_error(client, login):
    login("staff")
    page = text(upload(client, csv_file(ROW_PRESENCE)))
    response = client.post(CONFIRM, data={"csrf_token": csrf_token_from(page), "token": "ä" * 32})
    assert response.status_code == 303 and response.headers["Location"].endswith(UPLOAD)
    assert seminar_count() == 0
