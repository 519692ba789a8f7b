from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.statistics import services as statistics
from seminars.surveys import admin, answer_counts
from seminars.surveys.models import SurveyAnswerCount, SurveyQuestion, SurveyResponse
from tests import factories
from tests.conftest import csrf_token_from, field_error


def restore_questionnaire():
    """The questionnaire rows are reference data kept between tests: put them back."""
    db.session.rollback()
    db.session.execute(
        SurveyQuestion.__table__.delete().where(
            (SurveyQuestion.version > 1) | (SurveyQuestion.key == "new_key")
        )
    )
    db.session.execute(SurveyQuestion.__table__.update().values(retired=False))
    db.session.execute(
        SurveyQuestion.__table__.update()
        .where(SurveyQuestion.key == "overall")
        .values(text_de="Wie zufrieden sind Sie insgesamt mit dem Seminar?")
    )
    db.session.commit()


def test_rewording_an_answered_question_makes_a_new_version(client, login):
    login("admin")
    overall = db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.key == "overall")
    ).one()
    seminar = factories.seminar(starts_in=timedelta(days=-2))
    for value in (4, 5, 3):
        db.session.add(
            SurveyResponse(
                seminar_id=seminar.id,
                template_id=1,
                ballot=factories.ballot(),
                answers={str(overall.id): value},
                hidden=[],
            )
        )
    db.session.commit()
    try:
        page = client.get(f"/verwaltung/befragung/fragen/{overall.id}").get_data(as_text=True)
        response = client.post(
            f"/verwaltung/befragung/fragen/{overall.id}",
            data={
                "key": "overall",
                "kind": "scale5",
                "text_de": "Wie zufrieden waren Sie insgesamt?",
                "text_en": "How satisfied were you overall?",
                "position": "10",
                "csrf_token": csrf_token_from(page),
            },
        )
        assert response.status_code == 303
        versions = db.session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.key == "overall")
            .order_by(SurveyQuestion.version)
        ).all()
        assert [(q.version, q.retired) for q in versions] == [(1, True), (2, False)]
        assert versions[0].text_de == "Wie zufrieden sind Sie insgesamt mit dem Seminar?"
        db.session.add(
            SurveyResponse(
                seminar_id=seminar.id,
                template_id=1,
                ballot=factories.ballot(),
                answers={str(versions[1].id): 5},
                hidden=[],
            )
        )
        db.session.commit()
        figures = statistics.statistics(statistics.Filters(), now=utcnow())
        by_key = next(q for q in figures.questions if q.key == "overall")
        assert by_key.n == 4 and by_key.text_de == "Wie zufrieden waren Sie insgesamt?"
        assert "Wie zufrieden waren Sie insgesamt?" in client.get("/verwaltung/befragung").get_data(
            as_text=True
        )
    finally:
        restore_questionnaire()


def test_unanswered_questions_change_in_place_and_keys_are_unique(client, login):
    login("admin")
    page = client.get("/verwaltung/befragung/fragen/neu").get_data(as_text=True)
    token = csrf_token_from(page)
    try:
        created = client.post(
            "/verwaltung/befragung/fragen/neu",
            data={
                "key": "new_key",
                "kind": "yes_no",
                "text_de": "Neu?",
                "text_en": "New?",
                "position": "95",
                "csrf_token": token,
            },
        )
        assert created.status_code == 303
        twice = client.post(
            "/verwaltung/befragung/fragen/neu",
            data={
                "key": "new_key",
                "kind": "yes_no",
                "text_de": "X",
                "text_en": "X",
                "csrf_token": token,
            },
        )
        assert twice.status_code == 422
        assert "Diesen Schlüssel hat schon eine Frage." in field_error(
            twice.get_data(as_text=True), "key"
        )
        question = db.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.key == "new_key")
        ).one()
        client.post(
            f"/verwaltung/befragung/fragen/{question.id}",
            data={
                "key": "new_key",
                "kind": "yes_no",
                "text_de": "Ganz neu?",
                "text_en": "Brand new?",
                "position": "95",
                "csrf_token": token,
            },
        )
        db.session.expire_all()
        assert db.session.scalars(
            select(SurveyQuestion.text_de).where(SurveyQuestion.key == "new_key")
        ).all() == ["Ganz neu?"]
    finally:
        restore_questionnaire()


def test_a_position_out_of_range_is_explained_not_stored(client, login):
    login("admin")
    page = client.get("/verwaltung/befragung/fragen/neu").get_data(as_text=True)
    try:
        response = client.post(
            "/verwaltung/befragung/fragen/neu",
            data={
                "key": "new_key",
                "kind": "yes_no",
                "text_de": "Neu?",
                "text_en": "New?",
                "position": str(10**30),
                "csrf_token": csrf_token_from(page),
            },
        )
        assert response.status_code == 422
        assert "Zwischen 0 und 1000." in response.get_data(as_text=True)
        assert (
            db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.key == "new_key")).all()
            == []
        )
    finally:
        restore_questionnaire()


def test_a_question_never_changes_its_kind_in_place(app):
    """Even unanswered: an answer whose form read the free-text question before the change
    may commit after it, and must not be read as a choice (a value in the figures, past
    the review)."""
    seminar = factories.seminar(starts_in=timedelta(days=-2))
    wording = {"key": "new_key", "text_de": "Was noch?", "text_en": "Anything else?"}
    try:
        first = admin.save_question(None, admin.QuestionData(kind="text", **wording), actor=None)
        db.session.commit()
        changed = admin.save_question(
            first.id, admin.QuestionData(kind="choice", **wording), actor=None
        )
        db.session.commit()
        db.session.expire_all()
        assert changed.id != first.id and changed.version == 2 and changed.kind == "choice"
        assert first.kind == "text" and first.retired
        db.session.add(
            SurveyResponse(
                seminar_id=seminar.id,
                template_id=1,
                ballot=factories.ballot(),
                answers={str(first.id): "Frau M. aus Celle"},
                hidden=[],
            )
        )
        db.session.commit()
        answer_counts.count_new_responses()
        values = db.session.scalars(
            select(SurveyAnswerCount.value).where(SurveyAnswerCount.key == "new_key")
        ).all()
        assert values == [""]  # counted as a text waiting for review, its words not copied
    finally:
        restore_questionnaire()


def test_only_the_newest_version_of_a_question_can_be_changed(app):
    """Else a change to an old version would make a second version of the key that is asked."""
    wording = {"key": "new_key", "text_de": "Was noch?", "text_en": "Anything else?"}
    try:
        first = admin.save_question(None, admin.QuestionData(kind="text", **wording), actor=None)
        second = admin.save_question(
            first.id, admin.QuestionData(kind="yes_no", **wording), actor=None
        )
        db.session.commit()
        with pytest.raises(DomainError, match="neuere Fassung"):
            admin.save_question(first.id, admin.QuestionData(kind="choice", **wording), actor=None)
        db.session.rollback()
        asked = db.session.scalars(
            select(SurveyQuestion.version).where(
                SurveyQuestion.key == "new_key", SurveyQuestion.retired.is_(False)
            )
        ).all()
        assert asked == [second.version] == [2]
    finally:
        restore_questionnaire()


def test_a_question_retired_keeps_its_kind_and_makes_no_new_version(app):
    wording = {"key": "new_key", "text_de": "Was noch?", "text_en": "Anything else?"}
    try:
        first = admin.save_question(None, admin.QuestionData(kind="text", **wording), actor=None)
        db.session.commit()
        retired = admin.save_question(
            first.id, admin.QuestionData(kind="choice", retired=True, **wording), actor=None
        )
        db.session.commit()
        assert retired.id == first.id and retired.kind == "text" and retired.retired
        assert db.session.scalars(
            select(SurveyQuestion.version).where(SurveyQuestion.key == "new_key")
        ).all() == [1]
    finally:
        restore_questionnaire()


def test_the_back_office_of_the_survey_is_neither_stored_nor_indexed(client, login):
    login("admin")
    for path in (
        "/verwaltung/befragung",
        "/verwaltung/befragung/fragen/neu",
        "/verwaltung/befragung/freitexte",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert response.headers["Referrer-Policy"] == "no-referrer"
