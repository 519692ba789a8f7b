"""Survey answers counted once, so that figures need not expand every response again.

Housekeeping counts the stored responses in batches (``count_new_responses``): per seminar,
question key, value and, for free text, review state, into ``SurveyAnswerCount``, and
remembers the last response it counted (``SurveyAnswerFold``). The figures
(``queries.answer_totals``) read these counts and expand only the responses after that mark,
so they are exact at every moment, counted or not.

Why later and not when the answer arrives: the answering transaction writes its one row and
nothing else (``services.submit``), so that no other row carries its transaction id.

Two rules keep the counts exact:

- Counting takes a lock on the responses table that waits for every transaction still
  writing a response and keeps new ones out until it commits (PostgreSQL: ``SHARE ROW
  EXCLUSIVE``, which also keeps a second housekeeping run out; SQLite: the write
  transaction). So no response with a smaller id can appear after the mark has passed it.
  While the lock is asked for, new answers queue behind it; so counting waits at most
  ``LOCK_WAIT`` for a transaction that holds the table long (a manual ``VACUUM``, a stuck
  session) and then leaves the counting to the next run, rather than holding up every
  answer meanwhile.
- Staff releasing or hiding a text change the response first (which waits for a count in
  progress) and then move the answer between states here, if it was counted already
  (``move_text``).
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from seminars.core.locking import begin_write
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.surveys.models import (
    KIND_TEXT,
    SurveyAnswerCount,
    SurveyAnswerFold,
    SurveyQuestion,
    SurveyResponse,
)
from seminars.surveys.queries import HIDDEN, RELEASED, WAITING

# Responses counted per transaction: a short lock, and few rows to write.
BATCH = 2000
# How long counting waits for the responses table (PostgreSQL), in milliseconds.
LOCK_WAIT = 2000

# PostgreSQL's error when ``lock_timeout`` ran out.
LOCK_NOT_AVAILABLE = "55P03"

log = logging.getLogger(__name__)


Key = tuple[int, str, str, str]  # seminar id, question key, value, state


def stored_text(value) -> str:
    """An answer as the database's JSON expansion gives it as text (PostgreSQL's
    ``json_each_text``): ``true``/``false``, numbers as digits, strings as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def text_state(hidden: list | None, released: list | None, question_id: int) -> str:
    """The review state of a free-text answer, from its response's two lists."""
    if question_id in (hidden or []):
        return HIDDEN
    if question_id in (released or []):
        return RELEASED
    return WAITING


def counted_up_to() -> int | None:
    """The id of the last response counted; ``None`` when the mark is gone (emptied by hand),
    and with it whatever was counted: the next count starts again from the first response."""
    return db.session.scalar(
        select(SurveyAnswerFold.last_response_id).where(SurveyAnswerFold.id == 1)
    )


def _lock_responses() -> None:
    begin_write()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL lock_timeout = {int(LOCK_WAIT)}"))
        db.session.execute(text("LOCK TABLE survey_response IN SHARE ROW EXCLUSIVE MODE"))


def _add(counts: Counter[Key]) -> None:
    """Add (or, with negative numbers, take away) counts, in key order so that two
    transactions changing the same rows never wait on each other."""
    if not counts:
        return
    rows = [
        {"seminar_id": s, "key": k, "value": v, "state": st, "n": n}
        for (s, k, v, st), n in sorted(counts.items())
        if n
    ]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SurveyAnswerCount)
    statement = statement.on_conflict_do_update(
        index_elements=["seminar_id", "key", "value", "state"],
        set_={"n": SurveyAnswerCount.n + statement.excluded.n},
    )
    db.session.execute(statement, rows)


def _count_batch() -> int:
    """Count the next batch of responses; returns how many responses it passed."""
    _lock_responses()
    # Read under the lock: a question added just before an answer to it is known here.
    questions = {
        q.id: (q.key, q.kind)
        for q in db.session.execute(
            select(SurveyQuestion.id, SurveyQuestion.key, SurveyQuestion.kind)
        )
    }
    mark = counted_up_to()
    if mark is None:  # the mark is gone (emptied by hand): the counts start again from 0
        db.session.execute(delete(SurveyAnswerCount))
        db.session.add(SurveyAnswerFold(id=1, last_response_id=0))
        db.session.flush()
        mark = 0
    responses = db.session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.seminar_id,
            SurveyResponse.answers,
            SurveyResponse.hidden,
            SurveyResponse.released,
        )
        .where(SurveyResponse.id > mark)
        .order_by(SurveyResponse.id)
        .limit(BATCH)
    ).all()
    if not responses:
        return 0
    counts: Counter[Key] = Counter()
    for response in responses:
        if response.seminar_id is None:  # its seminar was deleted: in no figure
            continue
        for raw_id, value in (response.answers or {}).items():
            if not str(raw_id).isdigit() or int(raw_id) not in questions:
                continue  # as in the figures, which join the answers to their questions
            question_id = int(raw_id)
            key, kind = questions[question_id]
            if kind == KIND_TEXT:
                counts[
                    (
                        response.seminar_id,
                        key,
                        "",
                        text_state(response.hidden, response.released, question_id),
                    )
                ] += 1
            else:
                counts[(response.seminar_id, key, stored_text(value), "")] += 1
    _add(counts)
    db.session.execute(
        update(SurveyAnswerFold)
        .where(SurveyAnswerFold.id == 1)
        .values(last_response_id=responses[-1].id)
    )
    return len(responses)


def count_new_responses() -> int:
    """Count every response stored since the last run, a batch per transaction; returns how
    many responses were counted. Safe to run in several places at once. When the responses
    table (or a row the counts refer to) is held longer than ``LOCK_WAIT``, stops and leaves
    the rest to the next run."""
    total = 0
    while True:
        try:
            with unit():
                passed = _count_batch()
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            # Mostly the responses table; in a rare case a seminar row that a count refers to.
            log.warning(
                "survey answers not counted this time: a lock was held longer than %d ms",
                LOCK_WAIT,
            )
            return total
        total += passed
        if passed < BATCH:
            return total


def move_text(response: SurveyResponse, question: SurveyQuestion, before: str, after: str) -> None:
    """A text answer changed its review state: move it in the counts if it was counted.

    Call after the response's change was flushed (its lock waits for a count in progress,
    so the mark read here is final for this response)."""
    mark = counted_up_to()
    if before == after or response.seminar_id is None or mark is None or response.id > mark:
        return  # unchanged, in no figure, or not counted (yet, or any more)
    _add(
        Counter(
            {
                (response.seminar_id, question.key, "", before): -1,
                (response.seminar_id, question.key, "", after): 1,
            }
        )
    )
