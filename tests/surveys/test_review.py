"""Free text reaches the steering committee only after staff read and released it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.core.errors import NotFoundError
from seminars.extensions import db
from seminars.surveys import review
from seminars.surveys.models import SurveyQuestion, SurveyResponse
from tests import factories
from tests.conftest import csrf_token_from
from tests.statistics.disclosure_world import response

NAMING = "Antwort von Erika Muster – die Gruppe für Alkoholkranke in Gera hat mir geholfen"


def text_question() -> int:
    return db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()


def seminar_with_texts(texts: list[str], *, others: int = 0, title: str = "Gehalten"):
    """A held seminar whose respondents wrote these texts; ``others`` answered no text."""
    seminar = factories.seminar(title, starts_in=timedelta(days=-5))
    rows = [response(seminar.id, {"overall": 4, "helped_most": text}) for text in texts]
    rows += [response(seminar.id, {"overall": 5}) for _ in range(others)]
    db.session.add_all(rows)
    db.session.commit()
    return seminar, [row.id for row in rows[: len(texts)]]


def post_action(client, page_path: str, action: str):
    page = client.get(page_path).get_data(as_text=True)
    assert f'action="{action}"' in page
    return client.post(action, data={"csrf_token": csrf_token_from(page)})


def test_new_texts_wait_and_steering_sees_only_how_many(client, login):
    seminar_with_texts([NAMING, "Der Austausch", "Die Pausen"])
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "3 Antworten warten auf Durchsicht." in page
    assert "Erika" not in page and "Austausch" not in page and "Pausen" not in page
    assert client.get("/verwaltung/befragung/freitexte").status_code == 403
    assert "Freitexte" not in page  # no way into the queue from the navigation either


def test_staff_release_and_hide_in_the_queue(client, login):
    _seminar, (naming, kind, plain) = seminar_with_texts([NAMING, "Der Austausch", "Die Pausen"])
    question = text_question()
    staff = login("staff")
    queue = client.get("/verwaltung/befragung/freitexte").get_data(as_text=True)
    assert "3 Antworten warten auf Durchsicht." in queue and "Erika Muster" in queue
    base = f"/verwaltung/befragung/freitexte/{naming}/{question}"
    hidden = post_action(client, "/verwaltung/befragung/freitexte", f"{base}/ausblenden")
    assert hidden.status_code == 303
    released = post_action(
        client,
        "/verwaltung/befragung/freitexte",
        f"/verwaltung/befragung/freitexte/{kind}/{question}/freigeben",
    )
    assert released.status_code == 303
    queue = client.get("/verwaltung/befragung/freitexte").get_data(as_text=True)
    assert "1 Antwort wartet auf Durchsicht." in queue and "Erika" not in queue
    assert "Die Pausen" in queue
    # The decisions are audited with the ids only: no text, no seminar, no person.
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("survey.%")).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.after, e.actor_id) for e in entries] == [
        ("survey.hide_text", {"response": naming, "question": question}, staff.id),
        ("survey.release_text", {"response": kind, "question": question}, staff.id),
    ]
    assert all(e.seminar_id is None and e.registration_id is None and not e.note for e in entries)
    stored = {r.id: (r.released, r.hidden) for r in db.session.scalars(select(SurveyResponse))}
    assert stored[naming] == ([], [question]) and stored[kind] == ([question], [])
    assert stored[plain] == ([], [])

    client.post("/verwaltung/abmelden", data={"csrf_token": csrf_token_from(queue)})
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "Der Austausch" in page
    assert "Erika" not in page and "Die Pausen" not in page
    assert "1 Antwort wartet auf Durchsicht." in page


def test_texts_from_too_few_respondents_never_reach_steering(client, login):
    # 5 answered the seminar, but only 2 wrote a text: that unit stays below the minimum.
    small, ids = seminar_with_texts(["Nur zwei schrieben", "Und ich"], others=3)
    # Another seminar's texts are enough, so the question itself has figures.
    _other, enough = seminar_with_texts(["Eins", "Zwei", "Drei"], title="Groß")
    question = text_question()
    login("staff")
    queue = client.get("/verwaltung/befragung/freitexte").get_data(as_text=True)
    assert queue.count("Wird dem Steuerkreis nicht gezeigt") == 2
    for response_id in ids + enough:
        path = f"/verwaltung/befragung/freitexte/{response_id}/{question}/freigeben"
        assert post_action(client, "/verwaltung/befragung/freitexte", path).status_code == 303
    released = client.get("/verwaltung/befragung/freitexte?zeigen=released").get_data(True)
    assert "Nur zwei schrieben" in released and "Wird dem Steuerkreis nicht gezeigt" in released
    client.post("/verwaltung/abmelden", data={"csrf_token": csrf_token_from(queue)})
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "Zwei" in page and "3 Antworten." in page
    assert "Nur zwei schrieben" not in page and "Und ich" not in page
    page = client.get(f"/verwaltung/statistik?seminar={small.id}").get_data(as_text=True)
    assert "Nur zwei schrieben" not in page and "Nicht genug Antworten" in page
    assert "Nur zwei" not in client.get("/verwaltung/statistik.csv").get_data(as_text=True)


def test_a_decision_can_be_changed_and_only_texts_can_be_decided(app):
    seminar, (first,) = seminar_with_texts(["Hilfreich"])
    question = text_question()
    overall = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "overall")
    ).one()
    review.hide(first, question, actor=None)
    review.release(first, question, actor=None)
    review.release(first, question, actor=None)  # twice is the same as once
    db.session.commit()
    stored = db.session.get(SurveyResponse, first)
    assert (stored.released, stored.hidden) == ([question], [])
    unanswered = factories.seminar(starts_in=timedelta(days=-3))
    db.session.add(response(unanswered.id, {"overall": 3}))
    db.session.commit()
    without_text = db.session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.seminar_id == unanswered.id)
    ).one()
    for response_id, question_id in (
        (first, overall),
        (999_999, question),
        (without_text, question),
    ):
        with pytest.raises(NotFoundError):
            review.release(response_id, question_id, actor=None)
        db.session.rollback()


def test_the_queue_shows_the_states_and_ignores_unknown_ones(client, login):
    _seminar, (first, second) = seminar_with_texts(["Erster Text", "Zweiter Text"])
    review.hide(first, text_question(), actor=None)
    db.session.commit()
    login("admin")
    hidden = client.get("/verwaltung/befragung/freitexte?zeigen=hidden").get_data(True)
    assert "Erster Text" in hidden and "Zweiter Text" not in hidden
    assert "Ausgeblendet (1)" in hidden and "Warten auf Durchsicht (1)" in hidden
    odd = client.get("/verwaltung/befragung/freitexte?zeigen=%00x")
    assert odd.status_code == 200 and "Zweiter Text" in odd.get_data(as_text=True)


def test_the_queue_runs_a_constant_number_of_queries(client, login, count_queries):
    login("staff")
    seminar_with_texts(["Text"] * 3)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/verwaltung/befragung/freitexte").status_code == 200
        return counter.count

    few = queries()
    seminar_with_texts([f"Text {n}" for n in range(30)], title="Noch eins")
    assert queries() == few
