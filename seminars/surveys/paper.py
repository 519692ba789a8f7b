"""The printed questionnaire that goes with a survey letter.

``questionnaire_pages(registration, message)`` is the enclosure of a letter of kind
``survey_invitation`` (and of its reminder): pages of plain HTML and CSS, real text in the
person's language, which WeasyPrint turns into a tagged PDF with the letter. It prints the
code the person's invitation was written with; a registration invited by e-mail gets none.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from seminars.extensions import db
from seminars.programme.models import FORMAT_IN_PERSON, Seminar
from seminars.registrations.models import Registration
from seminars.surveys import links
from seminars.surveys.models import SurveyInvitation
from seminars.surveys.services import current_questions


def questionnaire_pages(registration: Registration, message=None) -> Markup:
    """The questionnaire for ``registration``'s paper code, or nothing when the person was
    not invited on paper (``message``, the letter, is not needed: the code is derived)."""
    code = links.paper_code(registration.seminar_id, registration.id)
    invitation = db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.token_hash == links.token_hash(code))
    ).one_or_none()
    seminar = db.session.get(Seminar, registration.seminar_id)
    if invitation is None or seminar is None:
        return Markup("")
    locale = registration.locale or "de"
    questions = current_questions(invitation.template_id, online=seminar.format != FORMAT_IN_PERSON)
    with force_locale(locale):
        html = render_template(
            "surveys/paper_questionnaire.html",
            seminar=seminar,
            code=links.show_code(code),
            closes=invitation.closes_at,
            questions=questions,
            locale=locale,
            academy=current_app.config["ACADEMY_NAME"],
            address=current_app.config["ACADEMY_ADDRESS"],
        )
    return Markup(html)  # noqa: S704 - rendered by Jinja with autoescaping
