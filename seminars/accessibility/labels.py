"""Words for the states of an accessibility task, German first."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from seminars.accessibility.kinds import kind_label

TASK_STATUS_LABELS = {
    "open": _l("offen"),
    "requested": _l("angefragt"),
    "booked": _l("gebucht"),
    "confirmed": _l("bestätigt"),
    "not_needed": _l("nicht benötigt"),
    "cancelled": _l("abgesagt"),
}

__all__ = ["kind_label", "task_status_label"]


def task_status_label(status: str) -> str:
    label = TASK_STATUS_LABELS.get(status)
    return str(label) if label is not None else status
