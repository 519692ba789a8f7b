"""Answers counted once by housekeeping give exactly the figures of the stored responses:
before, during and after counting, after staff review texts, and when responses arrive while
housekeeping counts."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.statistics import services as statistics
from seminars.surveys import answer_counts, review
from seminars.surveys.models import (
    SurveyAnswerCount,
    SurveyAnswerFold,
    SurveyQuestion,
    SurveyResponse,
)
from tests import factories
from tests.statistics.disclosure_world import build, response


def figures_of_every_filter(world) -> list:
    years = sorted({held.year for held in world.values()})
    filters = [statistics.Filters()]
    filters += [statistics.Filters(year=year) for year in years]
    filters += [statistics.Filters(topic="recht"), statistics.Filters(format="online")]
    filters += [statistics.Filters(seminar_id=held.id) for held in world.values()]
    return [statistics.statistics(f, now=utcnow()) for f in filters]


def figures_from_the_responses(world) -> list:
    """The figures with nothing counted: every response expanded, as before counting."""
    with db.session.begin_nested() as savepoint:
        db.session.execute(delete(SurveyAnswerCount))
        db.session.execute(update(SurveyAnswerFold).values(last_response_id=0))
        figures = figures_of_every_filter(world)
        savepoint.rollback()
    db.session.rollback()  # nothing else happened in this transaction
    return figures


def text_states(seminar_id: int) -> dict[str, int]:
    """The stored counts of a seminar's free-text answers, by review state."""
    rows = db.session.execute(
        select(SurveyAnswerCount.state, SurveyAnswerCount.n).where(
            SurveyAnswerCount.seminar_id == seminar_id,
            SurveyAnswerCount.key == "helped_most",
        )
    )
    return {state: n for state, n in rows}


def counted_up_to() -> int | None:
    return answer_counts.counted_up_to()


def test_figures_are_the_same_before_during_and_after_counting(app, monkeypatch):
    world = build()
    before = figures_of_every_filter(world)
    assert any(q.n for q in before[0].questions)  # the world has figures to compare
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswerCount)) == 0

    # Half counted: the first batch only.
    monkeypatch.setattr(answer_counts, "BATCH", 9)
    db.session.commit()
    assert answer_counts._count_batch() == 9
    db.session.commit()
    assert 0 < counted_up_to() < db.session.scalar(select(func.max(SurveyResponse.id)))
    assert figures_of_every_filter(world) == before

    assert (
        answer_counts.count_new_responses()
        == len(db.session.scalars(select(SurveyResponse.id)).all()) - 9
    )
    assert counted_up_to() == db.session.scalar(select(func.max(SurveyResponse.id)))
    assert figures_of_every_filter(world) == before
    # Counting again adds nothing.
    assert answer_counts.count_new_responses() == 0
    assert figures_of_every_filter(world) == before


def test_the_counts_hold_what_the_responses_say(app):
    seminar = factories.seminar("Gezählt", starts_in=timedelta(days=-3))
    db.session.add_all(
        [
            response(seminar.id, {"overall": 5, "recommend": True, "helped_most": "A"}),
            response(seminar.id, {"overall": 5, "recommend": False}),
            response(seminar.id, {"overall": 2}),
        ]
    )
    db.session.commit()
    assert answer_counts.count_new_responses() == 3
    rows = db.session.execute(
        select(
            SurveyAnswerCount.key,
            SurveyAnswerCount.value,
            SurveyAnswerCount.state,
            SurveyAnswerCount.n,
        ).where(SurveyAnswerCount.seminar_id == seminar.id)
    ).all()
    assert sorted(rows) == [
        ("helped_most", "", "waiting", 1),
        ("overall", "2", "", 1),
        ("overall", "5", "", 2),
        ("recommend", "false", "", 1),
        ("recommend", "true", "", 1),
    ]


def test_released_and_hidden_texts_move_in_the_counts(app):
    world = build()
    answer_counts.count_new_responses()
    text_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()
    with_text = db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.seminar_id == world["E"].id)
    ).all()
    with_text = [r for r in with_text if str(text_id) in r.answers]
    assert len(with_text) == 4  # enough for its texts to be shown
    review.release(with_text[0].id, text_id, actor=None)
    review.hide(with_text[1].id, text_id, actor=None)
    db.session.commit()
    # Released again after it was hidden: moved from hidden to released, not counted twice.
    review.release(with_text[1].id, text_id, actor=None)
    db.session.commit()
    states = text_states(world["E"].id)
    assert states == {"waiting": 2, "released": 2, "hidden": 0}
    assert figures_of_every_filter(world) == figures_from_the_responses(world)
    released = figures_of_every_filter(world)[0]
    assert len({q.key: q.texts for q in released.questions}["helped_most"]) == 2


def test_a_response_not_yet_counted_is_reviewed_without_touching_the_counts(app):
    world = build()
    answer_counts.count_new_responses()
    late = response(world["D"].id, {"overall": 3, "helped_most": "Spät"})
    db.session.add(late)
    db.session.commit()
    text_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()
    review.release(late.id, text_id, actor=None)
    db.session.commit()
    assert not db.session.scalar(
        select(func.count())
        .select_from(SurveyAnswerCount)
        .where(SurveyAnswerCount.state == "released")
    )
    assert figures_of_every_filter(world) == figures_from_the_responses(world)
    assert answer_counts.count_new_responses() == 1
    assert figures_of_every_filter(world) == figures_from_the_responses(world)


def _count_in_thread(app, errors: list) -> threading.Thread:
    def count() -> None:
        try:
            with app.app_context():
                answer_counts.count_new_responses()
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported by the test
            errors.append(error)

    thread = threading.Thread(target=count)
    thread.start()
    return thread


def _someone_waits_for_a_lock(timeout: float) -> bool:
    """Whether a connection to PostgreSQL waits for a lock (polled until ``timeout``)."""
    deadline = time.monotonic() + timeout
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                return True
            connection.rollback()
            time.sleep(0.02)
    return False


def test_a_response_still_being_written_is_not_passed_over(app, dialect):
    """A response whose transaction took its id first but commits last must be counted:
    counting waits for it instead of moving the mark past its id."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    world = build()
    answer_counts.count_new_responses()
    seminar_id = world["D"].id
    row = response(seminar_id, {"overall": 1})
    columns = {
        "seminar_id": seminar_id,
        "template_id": 1,
        "ballot": row.ballot,
        "answers": row.answers,
        "hidden": [],
        "released": [],
    }
    slow = db.engine.connect()
    slow_transaction = slow.begin()
    slow.execute(SurveyResponse.__table__.insert(), columns)  # takes the smaller id
    db.session.add(response(seminar_id, {"overall": 5}))
    db.session.commit()  # the larger id, committed first
    errors: list = []
    thread = _count_in_thread(app, errors)
    try:
        waited = _someone_waits_for_a_lock(timeout=5)
    finally:  # a failing test must not leave the response's transaction open
        slow_transaction.commit()
        slow.close()
    thread.join(timeout=30)
    assert waited  # counting waited for the response being written
    assert not thread.is_alive() and errors == []
    db.session.expire_all()
    assert counted_up_to() == db.session.scalar(select(func.max(SurveyResponse.id)))
    assert figures_of_every_filter(world) == figures_from_the_responses(world)


def test_a_question_added_with_an_answer_still_being_written_is_counted(app, dialect):
    """Counting knows the questions of every response it counts: it reads them once it holds
    the lock, not before it waits for the response still being written."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    world = build()
    answer_counts.count_new_responses()
    slow = db.engine.connect()
    slow_transaction = slow.begin()
    question_id = slow.execute(
        SurveyQuestion.__table__.insert().returning(SurveyQuestion.id),
        {
            "template_id": 1, "key": "new_key", "version": 1, "kind": "yes_no",
            "text_de": "Neu?", "text_en": "New?", "options": [], "position": 99,
            "online_only": False, "retired": False,
        },
    ).scalar_one()  # fmt: skip
    row = response(world["D"].id, {"overall": 4})
    slow.execute(
        SurveyResponse.__table__.insert(),
        {
            "seminar_id": world["D"].id, "template_id": 1, "ballot": row.ballot,
            "answers": {str(question_id): True}, "hidden": [], "released": [],
        },
    )  # fmt: skip
    errors: list = []
    thread = _count_in_thread(app, errors)
    try:
        waited = _someone_waits_for_a_lock(timeout=5)
    finally:
        slow_transaction.commit()
        slow.close()
    thread.join(timeout=30)
    try:
        assert waited and not thread.is_alive() and errors == []
        db.session.expire_all()
        stored = db.session.execute(
            select(SurveyAnswerCount.value, SurveyAnswerCount.n).where(
                SurveyAnswerCount.key == "new_key"
            )
        ).all()
        assert stored == [("true", 1)]
        assert figures_of_every_filter(world) == figures_from_the_responses(world)
    finally:
        db.session.rollback()
        db.session.execute(delete(SurveyAnswerCount).where(SurveyAnswerCount.key == "new_key"))
        db.session.execute(delete(SurveyResponse))
        db.session.execute(delete(SurveyQuestion).where(SurveyQuestion.key == "new_key"))
        db.session.commit()


def test_counting_gives_way_to_a_transaction_that_holds_the_responses_long(
    app, dialect, monkeypatch
):
    """While counting asks for its lock, new answers queue behind it: it waits only
    ``LOCK_WAIT`` and leaves the counting to the next run, so answers flow again."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    world = build()
    mark = counted_up_to()
    monkeypatch.setattr(answer_counts, "LOCK_WAIT", 300)
    holder = db.engine.connect()
    held = holder.begin()
    holder.execute(text("LOCK TABLE survey_response IN ROW EXCLUSIVE MODE"))  # as a writer
    released = threading.Timer(10, held.rollback)  # so that a failing test does not hang
    released.start()
    try:
        started = time.monotonic()
        assert answer_counts.count_new_responses() == 0
        gave_up_after = time.monotonic() - started
        still_held = held.is_active
    finally:
        released.cancel()
        if held.is_active:
            held.rollback()
        holder.close()
    assert still_held and gave_up_after < 5
    db.session.expire_all()
    assert counted_up_to() == mark
    assert answer_counts.count_new_responses() > 0  # the next run counts them
    assert figures_of_every_filter(world) == figures_from_the_responses(world)


def test_two_housekeeping_runs_at_once_count_each_response_once(app, dialect, monkeypatch):
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    world = build()
    for number in range(40):
        db.session.add(response(world["C"].id, {"overall": 1 + number % 5}))
    db.session.commit()
    monkeypatch.setattr(answer_counts, "BATCH", 2)
    errors: list = []
    threads = [_count_in_thread(app, errors) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads) and errors == []
    db.session.expire_all()
    assert counted_up_to() == db.session.scalar(select(func.max(SurveyResponse.id)))
    assert figures_of_every_filter(world) == figures_from_the_responses(world)


def test_two_decisions_about_one_text_at_once_move_its_count_once(app, dialect):
    """A double click on "release": the second request waits for the first and then finds
    the text released already, so the count moves once."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    world = build()
    answer_counts.count_new_responses()
    text_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()
    response_id = next(
        r.id
        for r in db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.seminar_id == world["E"].id)
        )
        if str(text_id) in r.answers
    )
    db.session.commit()
    decided, go = threading.Event(), threading.Event()
    errors: list = []

    def release(*, hold: bool) -> None:
        with app.app_context():
            try:
                review.release(response_id, text_id, actor=None)
                if hold:
                    decided.set()
                    go.wait(30)
                db.session.commit()
            except Exception as error:  # pragma: no cover - reported by the test
                errors.append(error)
                decided.set()
            finally:
                db.session.remove()

    first = threading.Thread(target=release, kwargs={"hold": True})
    first.start()
    assert decided.wait(30)
    second = threading.Thread(target=release, kwargs={"hold": False})
    second.start()
    try:
        waited = _someone_waits_for_a_lock(timeout=5)
    finally:  # a failing test must not leave the first request's transaction open
        go.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert waited  # the second request waited for the first
    assert not first.is_alive() and not second.is_alive() and errors == []
    db.session.expire_all()
    states = text_states(world["E"].id)
    assert states == {"waiting": 3, "released": 1}
    assert figures_of_every_filter(world) == figures_from_the_responses(world)


def test_without_the_mark_nothing_counts_twice(app):
    """The mark row deleted by hand: the figures read every response, and counting starts
    again from the first response."""
    world = build()
    before = figures_of_every_filter(world)
    answer_counts.count_new_responses()
    db.session.execute(delete(SurveyAnswerFold))
    db.session.commit()
    assert figures_of_every_filter(world) == before
    # A text released meanwhile is not moved in counts that are about to be emptied.
    text_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()
    counted = {"waiting": 4}
    assert text_states(world["E"].id) == counted
    answered = db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.seminar_id == world["E"].id)
    ).all()
    review.release(next(r.id for r in answered if str(text_id) in r.answers), text_id, actor=None)
    db.session.commit()
    assert text_states(world["E"].id) == counted
    answer_counts.count_new_responses()
    assert figures_of_every_filter(world) == figures_from_the_responses(world)
    assert text_states(world["E"].id) == {"waiting": 3, "released": 1}
    assert db.session.scalar(select(func.sum(SurveyAnswerCount.n))) == sum(
        len(r.answers) for r in db.session.scalars(select(SurveyResponse))
    )
