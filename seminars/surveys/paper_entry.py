"""Typing in questionnaires that came back by post.

Staff type the code printed on the questionnaire, then its answers; the response is stored
by the same ``services.submit`` as an online answer (ballot: the HMAC of the normalised code),
so it counts once and the code cannot be used again, online or on paper.

Deliberately no audit entry: an entry "a paper questionnaire was typed in" (with or without
the seminar) pins the moment a response was written. On PostgreSQL the response row carries
its transaction's id (xmin), which would equal or neighbour the entry's; in a plain copy the
response ids are sequential and the review's entries name response ids with their time. Either
way the response would be known to have come on paper, and in a seminar with one participant
without e-mail that names the person. The code itself proves the questionnaire came from an
invitee; the page is open to staff and administrators only, and rate-limited per account.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from seminars.core.errors import DomainError
from seminars.surveys import links, services
from seminars.surveys.models import SurveyResponse

FIELD = "code"
NOT_A_CODE = _l(
    "Das ist kein gültiger Code. Er hat 12 Zeichen, zum Beispiel ABCD-EFGH-JKMN; "
    "Groß- und Kleinschreibung, Leerzeichen und Striche spielen keine Rolle."
)
UNKNOWN = _l("Diesen Code kennen wir nicht. Bitte prüfen Sie ihn Zeichen für Zeichen.")
USED = _l("Mit diesem Code wurde schon geantwortet (online oder auf Papier). Er gilt nur einmal.")
CLOSED = _l(
    "Die Befragung zu diesem Seminar ist beendet, auch die Frist für Fragebögen auf dem "
    "Postweg ist vorbei."
)


class PaperCodeRefused(DomainError):
    status_code = 422


def grace() -> timedelta:
    return timedelta(days=current_app.config["SURVEY_PAPER_GRACE_DAYS"])


def _refused(message) -> PaperCodeRefused:
    return PaperCodeRefused(message, field=FIELD)


def open_code(typed: str, *, now: datetime) -> tuple[str, services.OpenSurvey]:
    """The normalised code and its questionnaire, if the code may still be typed in: known,
    not used, and the survey not closed longer than the grace days for letters."""
    code = links.normalise_code(typed or "")
    if code is None:
        raise _refused(NOT_A_CODE)
    try:
        return code, services.open_survey(code, now=now, grace=grace())
    except services.UnknownSurveyLink:
        raise _refused(UNKNOWN) from None
    except services.SurveyAnswered:
        raise _refused(USED) from None
    except services.SurveyClosed:
        raise _refused(CLOSED) from None


def enter(typed: str, raw_answers: dict[str, str], *, now: datetime) -> SurveyResponse:
    """Store the typed-in answers of one returned questionnaire (the same write as online)."""
    code, _survey = open_code(typed, now=now)
    try:
        return services.submit(code, raw_answers, now=now, grace=grace())
    except services.SurveyAnswered:
        raise _refused(USED) from None
    except services.SurveyClosed:
        raise _refused(CLOSED) from None
