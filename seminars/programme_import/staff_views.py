"""Importing the programme from a file in the back office: upload, preview, import.

The upload is checked and shown row by row; nothing is written. The file waits outside the
database (``pending.py``) under a token that only this session knows, until "Importieren"
imports it all or nothing, as ``flask import-programme`` does.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from seminars.accounts.access import current_actor
from seminars.programme_import import pending, services
from seminars.programme_import.forms import ConfirmForm, UploadForm
from seminars.programme_import.readers import MAX_FILE_BYTES

bp = Blueprint("programme_import", __name__, url_prefix="/verwaltung/import")
_SESSION_KEY = "programme_import"


def _folder() -> Path:
    return Path(current_app.instance_path) / "programme-uploads"


def _upload_name(raw: str | None) -> str:
    # Only the ending decides how the file is read; the name is shown and audited.
    return (secure_filename(raw or "") or "programm")[-100:]


@bp.route("", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("programme_import/upload.html", form=form), (
            422 if form.errors else 200
        )
    filename = _upload_name(form.file.data.filename)
    data = form.file.data.read(MAX_FILE_BYTES + 1)  # one byte more is enough to refuse it
    preview = services.preview_programme(filename, data)
    token = ""
    if preview.ok:
        previous = session.get(_SESSION_KEY) or {}
        pending.forget(_folder(), previous.get("token", ""))
        token = pending.keep(_folder(), data)
        session[_SESSION_KEY] = {"token": token, "file": filename, "user": current_actor().id}
    return render_template(
        "programme_import/preview.html",
        preview=preview,
        filename=filename,
        form=ConfirmForm(token=token),
        upload_form=UploadForm(formdata=None),
    ), (200 if preview.ok else 422)


@bp.post("/importieren")
def confirm():
    form = ConfirmForm()
    kept = session.get(_SESSION_KEY) or {}
    data = None
    if (
        form.validate_on_submit()
        and kept.get("user") == current_actor().id
        and hmac.compare_digest(
            str(kept.get("token", "")).encode(), (form.token.data or "").encode()
        )
    ):
        data = pending.load(_folder(), kept["token"])
    if data is None:
        flash(
            _(
                "Die Vorschau ist abgelaufen oder wurde durch eine neuere ersetzt. Bitte laden "
                "Sie die Datei noch einmal hoch."
            ),
            "warning",
        )
        return redirect(url_for("programme_import.upload"), code=303)
    result = services.import_upload(kept["file"], data, actor=current_actor())
    if not result.ok:
        # The database changed since the preview (a topic was removed, say): show why.
        return render_template(
            "programme_import/preview.html",
            preview=services.preview_programme(kept["file"], data),
            filename=kept["file"],
            form=ConfirmForm(token=""),
            upload_form=UploadForm(formdata=None),
        ), 422
    pending.forget(_folder(), kept["token"])
    session.pop(_SESSION_KEY, None)
    flash(
        _(
            "Import fertig: %(created)d Seminar(e) neu, %(updated)d aktualisiert.",
            created=result.created,
            updated=result.updated,
        ),
        "success",
    )
    return redirect(url_for("planning.seminars"), code=303)
