"""The evaluation form behind the single-use link, the questionnaire and the review of free
text."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from seminars.core.errors import DomainError
from seminars.core.forms import Form
from seminars.core.i18n import current_language
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.surveys import admin, review, services
from seminars.surveys.models import KIND_SCALE, KIND_TEXT, KIND_YES_NO, SurveyQuestion

bp = Blueprint("surveys", __name__)


@bp.after_request
def keep_private(response):
    # Survey links are keys; the admin pages are back office. Neither is cached or indexed.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/befragung/<token>")
def answer(token: str):
    survey = services.open_survey(token, now=utcnow())
    return render_template("surveys/answer.html", survey=survey, token=token,
                           locale=current_language())  # fmt: skip


@bp.post("/befragung/<token>")
def submit(token: str):
    services.submit(token, request.form.to_dict(), now=utcnow())
    db.session.commit()
    return redirect(url_for("surveys.thanks"), code=303)


@bp.get("/befragung/danke")
def thanks():
    return render_template("surveys/thanks.html")


class QuestionForm(Form):
    key = StringField(
        _l("Schlüssel (bleibt über alle Fassungen gleich)"),
        validators=[DataRequired(_l("Bitte geben Sie einen Schlüssel an.")), Length(max=40),
                    Regexp(r"^[a-z0-9_]+$", message=_l("Nur Kleinbuchstaben, Ziffern und _."))],
    )  # fmt: skip
    kind = SelectField(_l("Art"), choices=lambda: [
        (KIND_SCALE, _l("Skala von 1 bis 5")), (KIND_YES_NO, _l("Ja oder Nein")),
        (KIND_TEXT, _l("Freitext")),
    ])  # fmt: skip
    text_de = TextAreaField(_l("Frage (Deutsch)"), validators=[
        DataRequired(_l("Bitte geben Sie die Frage an.")), Length(max=500)])  # fmt: skip
    text_en = TextAreaField(_l("Frage (Englisch)"), validators=[
        DataRequired(_l("Bitte geben Sie die Frage an.")), Length(max=500)])  # fmt: skip
    position = IntegerField(_l("Reihenfolge"), default=100, validators=[
        Optional(), NumberRange(min=0, max=1000, message=_l("Zwischen 0 und 1000."))])  # fmt: skip
    online_only = BooleanField(_l("Nur bei Online-Seminaren fragen"))
    retired = BooleanField(_l("Nicht mehr fragen"))


@bp.get("/verwaltung/befragung")
def questionnaire():
    return render_template("surveys/questionnaire.html", questions=admin.questions())


@bp.route("/verwaltung/befragung/fragen/neu", methods=["GET", "POST"])
@bp.route("/verwaltung/befragung/fragen/<int:question_id>", methods=["GET", "POST"])
def question_edit(question_id: int | None = None):
    question = db.session.get(SurveyQuestion, question_id) if question_id else None
    if question_id and question is None:
        abort(404)
    form = QuestionForm(obj=question)
    if question is not None:
        form.key.data = question.key
    if form.validate_on_submit():
        data = admin.QuestionData(
            key=form.key.data, kind=form.kind.data, text_de=form.text_de.data.strip(),
            text_en=form.text_en.data.strip(), position=form.position.data or 0,
            online_only=form.online_only.data, retired=form.retired.data,
        )  # fmt: skip
        try:
            admin.save_question(question_id, data, actor=current_user._get_current_object())
        except DomainError as error:
            db.session.rollback()
            form.key.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Die Frage ist gespeichert."), "success")
            return redirect(url_for("surveys.questionnaire"), code=303)
    return render_template("surveys/question_form.html", form=form, question=question), (
        422 if form.errors else 200
    )


@bp.get("/verwaltung/befragung/freitexte")
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
        url_for("surveys.review_queue", zeigen=state if state in review.STATES else None),
        code=303,
    )


@bp.post("/verwaltung/befragung/freitexte/<int:response_id>/<int:question_id>/freigeben")
def release_text(response_id: int, question_id: int):
    review.release(response_id, question_id, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Die Antwort ist freigegeben."), "success")
    return _back_to_queue()


@bp.post("/verwaltung/befragung/freitexte/<int:response_id>/<int:question_id>/ausblenden")
def hide_text(response_id: int, question_id: int):
    review.hide(response_id, question_id, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Die Antwort ist ausgeblendet."), "success")
    return _back_to_queue()
