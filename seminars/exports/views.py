"""Download routes for the exports."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort

from seminars.core.rate_limits import pdf_rate_limit
from seminars.exports import services

bp = Blueprint("exports", __name__, url_prefix="/verwaltung")

_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/seminare/<int:seminar_id>/teilnehmende.<fmt>")
def participants(seminar_id: int, fmt: str):
    if fmt not in _TYPES:
        abort(404)
    body, filename = services.participant_file(seminar_id, fmt)
    return _download(body, _TYPES[fmt], filename)


@bp.get("/seminare/<int:seminar_id>/unterschriften.pdf")
@pdf_rate_limit
def sign_in_sheet(seminar_id: int):
    return _download(
        services.sign_in_sheet_pdf(seminar_id),
        "application/pdf",
        f"unterschriften-{seminar_id}.pdf",
    )


@bp.get("/seminare.csv")
def seminar_overview():
    return _download(services.seminar_overview_csv(), _TYPES["csv"], "seminare.csv")
