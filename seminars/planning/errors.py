"""The planning refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from seminars.core.errors import DomainError


class PlanningError(DomainError):
    status_code = 409


class ChangedMeanwhile(PlanningError):
    default_message = _l(
        "Jemand anderes hat dieses Seminar inzwischen geändert. Ihre Änderungen wurden nicht "
        "gespeichert; unten sehen Sie den neuen Stand."
    )
