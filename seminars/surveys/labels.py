"""Words for the five-point scale."""

from __future__ import annotations

from flask_babel import gettext as _


def scale_labels() -> list[tuple[int, str]]:
    return [
        (1, _("sehr schlecht")),
        (2, _("schlecht")),
        (3, _("mittel")),
        (4, _("gut")),
        (5, _("sehr gut")),
    ]
