"""Words for roles."""

from __future__ import annotations

from flask_babel import gettext as _

from seminars.accounts.models import ROLE_ADMIN, ROLE_STAFF, ROLE_STEERING


def role_label(role: str) -> str:
    return {
        ROLE_ADMIN: _("Administration"),
        ROLE_STAFF: _("Mitarbeitende der Akademie"),
        ROLE_STEERING: _("Steuerkreis"),
    }.get(role, role)
