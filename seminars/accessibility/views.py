"""The registrant's materials, behind the personal link of their registration."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response

from seminars.accessibility import files, materials
from seminars.core.errors import NotFoundError
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.registrations.services import find_by_token

bp = Blueprint("accessibility", __name__)
bp.after_request(keep_personal_page_private)


@bp.get("/anmeldung/<token>/unterlagen/<int:material_id>")
def material(token: str, material_id: int):
    registration = find_by_token(token)
    found = materials.material_for(registration, material_id, now=utcnow())
    try:
        body = files.path_of(found.stored_name).read_bytes()
    except (OSError, ValueError) as error:
        raise NotFoundError() from error
    response = Response(body, mimetype=found.content_type)
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in found.filename)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(found.filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
