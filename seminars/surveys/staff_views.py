"""Back office of the evaluation: the questionnaire (admins) and the review of free text."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminars.accounts.access import current_actor
from seminars.core.actions import refusal_on
from seminars.core.i18n import current_language
from seminars.core.security import keep_personal_page_private
from seminars.extensions import db
from seminars.surveys import admin, review
from seminars.surveys.forms import QuestionForm
from seminars.surveys.models import SurveyQuestion

bp = Blueprint("staff_surveys", __name__, url_prefix="/verwaltung/befragung")


# Back office, and the free text is personal: never cached, never indexed.
bp.after_request(keep_personal_page_private)


@bp.get("")
def questionnaire():
    return render_template("surveys/questionnaire.html", questions=admin.questions())


@bp.route("/fragen/neu", methods=["GET", "POST"])
@bp.route("/fragen/<int:question_id>", methods=["GET", "POST"])
def question_edit(question_id: int | None = None):
    question = db.session.get(SurveyQuestion, question_id) if question_id else None
    if question_id and question is None:
        abort(404)
    form = QuestionForm(obj=question)
    if question is not None:
        form.key.data = question.key
    if form.validate_on_submit():
        data = admin.QuestionData(
            key=form.key.data,
            kind=form.kind.data,
            text_de=form.text_de.data.strip(),
            text_en=form.text_en.data.strip(),
            position=form.position.data or 0,
            online_only=form.online_only.data,
            retired=form.retired.data,
        )
        with refusal_on(form) as refused:
            admin.save_question(question_id, data, actor=current_actor())
        if not refused:
            flash(_("Die Frage ist gespeichert."), "success")
            return redirect(url_for(".questionnaire"), code=303)
    return render_template("surveys/question_form.html", form=form, question=question), (
        422 if form.errors else 200
    )


@bp.get("/freitexte")
def review_queue():
    queue = review.queue(
        request.args.get("zeigen") or review.WAITING,
        minimum=current_app.config["SURVEY_MIN_RESPONSES"],
    )
    return render_template(
        "surveys/review.html", queue=queue, locale=current_language(), shown=review.QUEUE_SHOWN
    )


def _back_to_queue():
    state = request.args.get("zeigen")
    return redirect(
        url_for(".review_queue", zeigen=state if state in review.STATES else None), code=303
    )


@bp.post("/freitexte/<int:response_id>/<int:question_id>/freigeben")
def release_text(response_id: int, question_id: int):
    # An unknown text is a 404 (the error handler), not a refusal: there is nothing to refuse.
    review.release(response_id, question_id, actor=current_actor())
    flash(_("Die Antwort ist freigegeben."), "success")
    return _back_to_queue()


@bp.post("/freitexte/<int:response_id>/<int:question_id>/ausblenden")
def hide_text(response_id: int, question_id: int):
    review.hide(response_id, question_id, actor=current_actor())
    flash(_("Die Antwort ist ausgeblendet."), "success")
    return _back_to_queue()
