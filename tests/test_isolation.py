"""Tests leave no trace in the reference rows the migrations insert."""

from sqlalchemy import select

from seminars.extensions import db
from seminars.programme.models import Topic
from seminars.surveys.models import SurveyQuestion
from tests.conftest import _empty_tables


def test_changed_reference_rows_are_restored_after_a_test(app):
    before_topics = [
        (t.id, t.name_de) for t in db.session.scalars(select(Topic).order_by(Topic.id))
    ]
    question = db.session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.id)).first()
    question_id, question_kind = question.id, question.kind
    db.session.scalars(select(Topic)).first().name_de = "Verändert"
    question.kind = "text" if question_kind != "text" else "scale5"
    db.session.add(Topic(key="neu", name_de="Neu", name_en="New", position=99))
    db.session.commit()
    db.session.remove()

    _empty_tables()  # what the app fixture does after every test

    after = [(t.id, t.name_de) for t in db.session.scalars(select(Topic).order_by(Topic.id))]
    assert after == before_topics
    assert db.session.get(SurveyQuestion, question_id).kind == question_kind
