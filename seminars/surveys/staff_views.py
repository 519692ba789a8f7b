"""Back office of the evaluation: the questionnaire (admins) and the review of free text."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminars.accounts.access import current_actor
from seminars.core.actions import refusal_on
from seminars.core.i18n import current_language
from seminars.core.logs import unlogged
from seminars.core.rate_limits import per_user
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.extensions import db, limiter
from seminars.surveys import admin, links, paper_entry, review
from seminars.surveys.forms import PaperCodeForm, QuestionForm
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


# -- questionnaires returned by post ----------------------------------------------------------

# Both steps check a code: one count per account for both, so codes cannot be tried in bulk.
paper_rate_limit = limiter.shared_limit(
    lambda: current_app.config["SURVEY_PAPER_RATE_LIMIT"],
    scope="survey-paper-code",
    key_func=per_user,
    methods=["POST"],
)


def _code_page(form: PaperCodeForm):
    page = render_template(
        "surveys/paper_code.html",
        form=form,
        grace_days=current_app.config["SURVEY_PAPER_GRACE_DAYS"],
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/papier", methods=["GET", "POST"])
@unlogged
@paper_rate_limit
def paper_code():
    form = PaperCodeForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            code, survey = paper_entry.open_code(form.code.data, now=utcnow())
        if not refused:
            return render_template(
                "surveys/paper_answers.html",
                survey=survey,
                shown_code=links.show_code(code),
                locale=current_language(),
            )
    return _code_page(form)


@bp.post("/papier/antworten")
@unlogged
@paper_rate_limit
def paper_answers():
    form = PaperCodeForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            paper_entry.enter(form.code.data, request.form.to_dict(), now=utcnow())
        if not refused:
            flash(_("Die Antworten sind gespeichert. Der Code ist damit verbraucht."), "success")
            return redirect(url_for(".paper_code"), code=303)
    return _code_page(form)
