"""The rules for changing a planned seminar that concern the people registered: no new
sessions in the past once people are registered, a reason to tell nobody, and the seminar as
it will look (for the mail shown before saving)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.core.i18n import format_session_range
from seminars.extensions import db
from seminars.planning.change_notice import ChangeNotice
from seminars.planning.errors import PlanningError
from seminars.programme.models import Seminar, Venue
from seminars.programme.session_text import Span
from seminars.registrations.models import ACTIVE_STATUSES, Registration

if TYPE_CHECKING:
    from seminars.planning.services import SeminarData


def planned(before: dict, data: SeminarData) -> dict:
    return {
        **before,
        "sessions": list(data.sessions),
        "venue_id": data.venue_id,
        "meeting_url": data.meeting_url,
    }


def check_past(seminar_id: int, before: dict, spans: list[Span], now: datetime) -> list[Span]:
    """Sessions in the past that the change adds or moves. With active registrations they
    are refused (nobody can come to them); without, they are allowed (planning after the
    fact, e.g. entering last year's records) and returned for a warning."""
    past = [span for span in spans if span not in before["sessions"] and span[0] < now]
    if past and has_participants(seminar_id):
        raise PlanningError(
            _l(
                "Es gibt schon Anmeldungen: Termine in der Vergangenheit sind nicht möglich "
                "(%(sessions)s).",
                sessions="; ".join(format_session_range(*span) for span in past),
            ),
            field="sessions",
        )
    return past


def has_participants(seminar_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.seminar_id == seminar_id, Registration.status.in_(ACTIVE_STATUSES))
        )
    )


def check_quiet(notice: ChangeNotice, notify: bool, quiet_reason: str) -> None:
    if not notify and notice.told and not quiet_reason.strip():
        raise PlanningError(
            _l("Bitte geben Sie an, warum niemand benachrichtigt wird."), field="quiet_reason"
        )


def as_planned(seminar: Seminar, data: SeminarData, fields: Iterable[str]) -> SimpleNamespace:
    """The seminar as it will look after the change (``fields`` of ``data`` set on it), for
    the mail text shown before saving; nothing is written."""
    values = {column.key: getattr(seminar, column.key) for column in Seminar.__table__.columns}
    values.update({name: getattr(data, name) for name in (*fields, "capacity")})
    values["venue"] = db.session.get(Venue, data.venue_id) if data.venue_id else None
    values["sessions"] = [SimpleNamespace(starts_at=s, ends_at=e) for s, e in data.sessions]
    values["instructors"] = [SimpleNamespace(name=name) for name in data.instructors]
    planned = SimpleNamespace(**values)
    # The mails ask the seminar whether it has taken place; the same rule as the model's.
    planned.has_taken_place = lambda now: Seminar.has_taken_place(planned, now)  # type: ignore[arg-type]
    return planned


def new_past_sessions(spans: list[Span], now: datetime) -> list[Span]:
    """The sessions of a new seminar that lie in the past (a new seminar has no
    registrations: allowed, with a warning)."""
    return [span for span in spans if span[0] < now]
