"""Certificates as file downloads: never kept by a browser or a cache (they carry a name)."""

from __future__ import annotations

from flask import Response


def file_response(body: bytes, mimetype: str, filename: str, *, attachment: bool = True):
    response = Response(body, mimetype=mimetype)
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def pdf_response(body: bytes, filename: str) -> Response:
    return file_response(body, "application/pdf", filename)
