"""Survey answers as rows the database counts itself: one row per answer given.

Disclosure control starts here. The smallest unit that ever enters a figure is one question
(by its key, over all its versions) in one seminar. ``answers`` marks every row with
``safe = 1`` when at least ``minimum`` people answered that question in that seminar; figures
count only safe rows, so every figure is a sum of whole units of at least ``minimum`` people,
and so is the difference of any two figures.
"""

from __future__ import annotations

from sqlalchemy import (
    CompoundSelect,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Subquery

from seminars.extensions import db
from seminars.surveys.models import (
    KIND_TEXT,
    SurveyAnswerCount,
    SurveyAnswerFold,
    SurveyQuestion,
    SurveyResponse,
)

# Review states of a free-text answer (``state`` column of ``answers``; None for other kinds).
WAITING = "waiting"
RELEASED = "released"
HIDDEN = "hidden"
STATES = (WAITING, RELEASED, HIDDEN)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def answer_pairs():
    """(key, value) rows of every response's answers, as a table the database expands."""
    if _postgresql():
        # The column is ``json``: expanded as it is stored, without first converting every
        # response to ``jsonb`` (a third of the time of the statistics' largest query).
        expanded = func.json_each_text(SurveyResponse.answers)
    else:
        expanded = func.json_each(SurveyResponse.answers)
    return expanded.table_valued("key", "value", name="pairs")


def listed(json_list, question_id) -> ColumnElement[bool]:
    """Whether a JSON list of question ids (``hidden``, ``released``) holds the question."""
    if _postgresql():
        from sqlalchemy.dialects.postgresql import JSONB

        return cast(json_list, JSONB).contains(func.jsonb_build_array(question_id))
    items = func.json_each(json_list).table_valued("value").alias("items")
    return exists(select(1).select_from(items).where(cast(items.c.value, Integer) == question_id))


def _answer_rows(seminars=None, *, text_only: bool = False):
    """One row per answer given: the columns every query below starts from."""
    pairs = answer_pairs()
    state = case(
        (SurveyQuestion.kind != KIND_TEXT, None),
        (listed(SurveyResponse.hidden, SurveyQuestion.id), HIDDEN),
        (listed(SurveyResponse.released, SurveyQuestion.id), RELEASED),
        else_=WAITING,
    )
    stmt = select(
        SurveyResponse.id.label("response_id"),
        SurveyResponse.seminar_id.label("seminar_id"),
        SurveyQuestion.id.label("question_id"),
        SurveyQuestion.key.label("key"),
        SurveyQuestion.kind.label("kind"),
        pairs.c.value.label("value"),
        state.label("state"),
    ).select_from(SurveyResponse)
    if seminars is not None:
        stmt = stmt.add_columns(
            seminars.c.year.label("year"), seminars.c.topic_id.label("topic_id")
        )
        stmt = stmt.join(seminars, seminars.c.id == SurveyResponse.seminar_id)
    # Answer keys are question ids written by the survey form; an integer join finds them fast.
    stmt = stmt.join(pairs, true()).join(
        SurveyQuestion, SurveyQuestion.id == cast(pairs.c.key, Integer)
    )
    if text_only:
        stmt = stmt.where(SurveyQuestion.kind == KIND_TEXT)
    return stmt


def _safe(unit_size, minimum: int):
    return case((unit_size >= minimum, 1), else_=0).label("safe")


def answers(minimum: int, *, seminars=None, text_only: bool = False) -> Subquery:
    """One row per answer: response, seminar, question (id, key, kind), value, review state
    and ``safe``. With ``seminars`` (a subquery with an ``id`` column), only answers about
    those seminars."""
    rows = _answer_rows(seminars, text_only=text_only)
    unit_size = func.count().over(partition_by=(SurveyResponse.seminar_id, SurveyQuestion.key))
    return rows.add_columns(_safe(unit_size, minimum)).subquery("answers")


def _new_counts(seminars):
    """Answers of the responses not yet in ``SurveyAnswerCount``, counted as it counts."""
    rows = _answer_rows().subquery("rows")
    value = case((rows.c.kind == KIND_TEXT, None), else_=rows.c.value)
    counted_up_to = (
        select(SurveyAnswerFold.last_response_id).where(SurveyAnswerFold.id == 1).scalar_subquery()
    )
    return (
        select(
            rows.c.seminar_id,
            seminars.c.year,
            seminars.c.topic_id,
            rows.c.key,
            value.label("value"),
            rows.c.state,
            func.count().label("n"),
        )
        .join(seminars, seminars.c.id == rows.c.seminar_id)
        .where(rows.c.response_id > func.coalesce(counted_up_to, 0))
        .group_by(
            rows.c.seminar_id, seminars.c.year, seminars.c.topic_id, rows.c.key, value, rows.c.state
        )
    )


def _stored_counts(seminars):
    """The answers already counted (``answer_counts``), as ``_new_counts`` gives them: no
    value for free text, no state for other kinds."""
    stored = SurveyAnswerCount
    return (
        select(
            stored.seminar_id,
            seminars.c.year,
            seminars.c.topic_id,
            stored.key,
            func.nullif(stored.value, "").label("value"),
            func.nullif(stored.state, "").label("state"),
            stored.n,
        )
        .join(seminars, seminars.c.id == stored.seminar_id)
        # Without the mark nothing counts as counted (``_new_counts`` reads every response).
        .where(stored.n > 0, select(SurveyAnswerFold.id).where(SurveyAnswerFold.id == 1).exists())
    )


def answer_totals(minimum: int, *, seminars) -> CompoundSelect:
    """What the figures need of the answers about ``seminars`` (a subquery with ``id``,
    ``year`` and ``topic_id``), counted by the database in whole units (one question in one
    seminar, as in ``answers``):

    - a unit of at least ``minimum`` answers (``safe`` = 1) is counted per year, topic, key,
      value (None for free text) and review state;
    - smaller units (``safe`` = 0) are only counted per key: ``seminars`` says in how many
      seminars the key was too small (year, topic, value and state are None, ``n`` 0).

    The answers come from the counts housekeeping keeps (``answer_counts``) and, for the
    responses it has not counted yet, from the responses themselves. The rows returned are
    few (years x topics x questions x values), whatever the number of seminars."""
    counted = union_all(_stored_counts(seminars), _new_counts(seminars)).cte("counted")
    # The size of each unit (a subquery in each part: as one shared CTE, the planner misjudged
    # its rows and scanned it once per group).
    units = (
        select(counted.c.seminar_id, counted.c.key, func.sum(counted.c.n).label("size"))
        .group_by(counted.c.seminar_id, counted.c.key)
        .subquery("units")
    )
    safe_counts = (
        select(
            counted.c.year,
            counted.c.topic_id,
            counted.c.key,
            literal(1).label("safe"),
            counted.c.value,
            counted.c.state,
            func.sum(counted.c.n).label("n"),
            literal(0).label("seminars"),
        )
        .join(
            units,
            and_(units.c.seminar_id == counted.c.seminar_id, units.c.key == counted.c.key),
        )
        .where(units.c.size >= minimum)
        .group_by(
            counted.c.year, counted.c.topic_id, counted.c.key, counted.c.value, counted.c.state
        )
    )
    small_units = (
        select(
            null().label("year"),
            null().label("topic_id"),
            units.c.key,
            literal(0).label("safe"),
            null().label("value"),
            null().label("state"),
            literal(0).label("n"),
            func.count().label("seminars"),
        )
        .where(units.c.size < minimum)
        .group_by(units.c.key)
    )
    return union_all(safe_counts, small_units)
