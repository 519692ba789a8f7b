"""Surveys on paper: a code instead of a link, the printed questionnaire, typing it in."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from seminars.core.pdf import html_to_pdf
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import FORMAT_ONLINE
from seminars.statistics import services as statistics
from seminars.surveys import links, paper, paper_entry, services
from seminars.surveys.models import (
    SurveyInvitation,
    SurveyInvitee,
    SurveyQuestion,
    SurveyResponse,
)
from tests import factories
from tests.conftest import csrf_token_from

PAGE = "/verwaltung/befragung/papier"
ANSWERS = "/verwaltung/befragung/papier/antworten"


def ended_seminar(*, online_people=2, post_people=1, **fields):
    """A seminar that ended two hours ago, with people by e-mail and by post; invitations
    go out (attendance unrecorded: after the grace days). Returns (seminar, online, post,
    the time the invitations were sent)."""
    seminar = factories.seminar(
        starts_in=timedelta(hours=-8), hours=6, capacity=online_people + post_people, **fields
    )
    online = [factories.registration(seminar) for _ in range(online_people)]
    post = [factories.registration(seminar, channel="post") for _ in range(post_people)]
    now = utcnow() + timedelta(days=3)
    assert services.send_invitations(now) == online_people + post_people
    db.session.commit()
    return seminar, online, post, now


def code_of(registration) -> str:
    return links.paper_code(registration.seminar_id, registration.id)


def messages(kind: str) -> dict[int, OutboxMessage]:
    return {
        m.registration_id: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    }


def question(key: str) -> SurveyQuestion:
    return db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.key == key)).one()


# -- the code ---------------------------------------------------------------------------------


def test_a_code_is_twelve_unambiguous_characters_derived_per_person(app):
    code = links.paper_code(4, 7)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", code)  # Crockford: no I, L, O, U
    assert links.paper_code(4, 7) == code  # the reminder can print it again
    assert len({links.paper_code(4, r) for r in range(200)}) == 200
    assert code not in links.survey_token(4, 7)
    assert links.show_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    app.config["SECRET_KEY"] = "another secret"
    assert links.paper_code(4, 7) != code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"),
        (" abcd efgh jkmn ", "ABCDEFGHJKMN"),
        ("abcd–efgh—jkmn", "ABCDEFGHJKMN"),
        ("OOOO-IIII-LLLL", "000011111111"),
        ("o1l0-iabc-defg", "0110" + "1ABC" + "DEFG"),
    ],
)
def test_typed_codes_are_normalised(typed, expected):
    assert links.normalise_code(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKMU", "ÄBCD-EFGH-JKMN", "x" * 500]
)
def test_what_cannot_be_a_code_is_refused(typed):
    assert links.normalise_code(typed) is None


# -- the invitation -------------------------------------------------------------------------


def test_a_post_registrant_gets_a_letter_with_the_code_and_no_link(app):
    seminar, online, post, _now = ended_seminar(online_people=1, post_people=1)
    person = post[0]
    letters = messages("survey_invitation")
    letter = letters[person.id]
    assert letter.channel == "letter" and letter.body_html == ""
    assert "Erfurt" in letter.recipient
    assert links.show_code(code_of(person)) in letter.body_text
    assert "beiliegenden Fragebogen" in letter.body_text
    assert "http" not in letter.body_text
    assert links.survey_token(seminar.id, person.id) not in letter.body_text
    hashes = set(db.session.scalars(select(SurveyInvitation.token_hash)))
    assert links.token_hash(code_of(person)) in hashes
    assert links.token_hash(links.survey_token(seminar.id, person.id)) not in hashes
    # The one by e-mail keeps the link, and no code.
    mail = letters[online[0].id]
    assert mail.channel == "email" and "/befragung/" in mail.body_text
    assert links.token_hash(links.survey_token(seminar.id, online[0].id)) in hashes
    assert links.token_hash(code_of(online[0])) not in hashes


def test_a_phone_registrant_with_an_address_gets_the_questionnaire_by_post(app):
    seminar = factories.seminar(starts_in=timedelta(hours=-8), hours=6, capacity=2)
    person = factories.registration(seminar, channel="phone")
    services.send_invitations(utcnow() + timedelta(days=3))
    letter = messages("survey_invitation")[person.id]
    assert letter.channel == "letter"
    assert links.show_code(code_of(person)) in letter.body_text


def test_the_reminder_repeats_the_code_by_letter_and_the_link_by_mail(app):
    seminar, online, post, now = ended_seminar(online_people=1, post_people=1)
    assert services.send_reminders(now + timedelta(days=7)) == 2
    reminders = messages("survey_reminder")
    letter = reminders[post[0].id]
    assert letter.channel == "letter"
    assert links.show_code(code_of(post[0])) in letter.body_text
    assert "http" not in letter.body_text
    assert "zurück" in letter.body_text
    mail = reminders[online[0].id]
    assert mail.channel == "email"
    assert links.survey_token(seminar.id, online[0].id) in mail.body_text


def test_an_english_letter_is_in_english(app):
    seminar = factories.seminar(starts_in=timedelta(hours=-8), hours=6, capacity=1)
    person = factories.registration(seminar, channel="post", locale="en")
    services.send_invitations(utcnow() + timedelta(days=3))
    letter = messages("survey_invitation")[person.id]
    assert "questionnaire" in letter.body_text.lower()
    assert "Fragebogen" not in letter.body_text


# -- the printed questionnaire --------------------------------------------------------------


def _document(pages) -> str:
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        "<title>Brief</title></head><body><p>Anschreiben</p>" + str(pages) + "</body></html>"
    )


def _pdf_text(pages) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(html_to_pdf(_document(pages))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader


def test_the_questionnaire_prints_code_questions_and_return_date(app):
    app.config["ACADEMY_ADDRESS"] = "Bergstraße 11, 99092 Erfurt"
    seminar, _online, post, now = ended_seminar(online_people=0, post_people=1)
    text, reader = _pdf_text(paper.questionnaire_pages(post[0], None))
    assert links.show_code(code_of(post[0])) in text
    assert seminar.title in text
    closes = now + timedelta(days=app.config["SURVEY_OPEN_DAYS"])
    assert closes.strftime("%Y") in text and "zurückschicken" in text
    assert "99092 Erfurt" in text
    asked = services.current_questions(1, online=False)
    assert asked
    for item in asked:
        assert re.sub(r"\s+", " ", item.text_de) in text
    assert question("technology").text_de not in text  # online only; this one met in person
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    # The questionnaire starts on a page of its own, after the letter.
    assert "Anschreiben" not in reader.pages[1].extract_text()
    assert len(reader.pages) >= 2


def test_the_questionnaire_follows_language_and_format(app):
    seminar = factories.seminar(
        starts_in=timedelta(hours=-8), hours=6, capacity=1, seminar_format=FORMAT_ONLINE
    )
    person = factories.registration(seminar, channel="post", locale="en")
    services.send_invitations(utcnow() + timedelta(days=3))
    text, _reader = _pdf_text(paper.questionnaire_pages(person, None))
    assert question("technology").text_en in text
    assert question("overall").text_en in text and "Yes" in text
    assert question("overall").text_de not in text


def test_no_questionnaire_for_someone_invited_by_mail(app):
    _seminar, online, _post, _now = ended_seminar(online_people=1, post_people=0)
    assert str(paper.questionnaire_pages(online[0], None)) == ""


# -- typing in ------------------------------------------------------------------------------


def _type_code(client, typed: str):
    csrf = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": csrf, "code": typed})


def _type_answers(client, page: str, answers: dict[str, str]):
    code = re.search(r'name="code" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_token_from(page), "code": code, **answers}
    return client.post(ANSWERS, data=data)


def test_a_paper_survey_typed_in_counts_once_and_its_code_cannot_be_used_again(app, client, login):
    seminar, _online, post, _now = ended_seminar(online_people=1, post_people=1)
    code = code_of(post[0])
    login("staff")
    typed = links.show_code(code).lower().replace("-", " ").replace("0", "o")
    shown = _type_code(client, typed)
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert seminar.title in page and question("overall").text_de in page
    assert question("technology").text_de not in page
    overall, helped = question("overall"), question("helped_most")
    stored = _type_answers(
        client, page, {f"q{overall.id}": "4", f"q{helped.id}": "Die Gruppe hat geholfen."}
    )
    assert stored.status_code == 303
    response = db.session.scalars(select(SurveyResponse)).one()
    assert response.answers == {str(overall.id): 4, str(helped.id): "Die Gruppe hat geholfen."}
    assert response.ballot == links.ballot(code)  # the same ballot as online
    # Not a second time: on paper, by the answers form again, or online.
    again = _type_code(client, links.show_code(code))
    assert again.status_code == 422
    assert "schon geantwortet" in again.get_data(as_text=True)
    replayed = _type_answers(client, page, {f"q{overall.id}": "1"})
    assert replayed.status_code == 422
    assert client.get(f"/befragung/{code}").status_code == 410
    with pytest.raises(services.SurveyAnswered):
        services.submit(code, {f"q{overall.id}": "2"}, now=utcnow())
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    # The statistics count it, once, like an online answer (from one response on).
    app.config["SURVEY_MIN_RESPONSES"] = 1
    figures = statistics.statistics(statistics.Filters(), now=utcnow() + timedelta(days=3))
    assert (figures.headline.survey.invitations, figures.headline.survey.responses) == (2, 1)
    counted = next(q for q in figures.questions if q.key == "overall")
    assert counted.n == 1 and counted.counts == {4: 1}


def test_a_code_answered_online_cannot_be_typed_in(app, client, login):
    _seminar, _online, post, now = ended_seminar(online_people=0, post_people=1)
    code = code_of(post[0])
    services.submit(links.show_code(code).lower(), {}, now=now)
    db.session.commit()
    login("staff")
    refused = _type_code(client, code)
    assert refused.status_code == 422
    assert "schon geantwortet" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Bitte geben Sie den Code ein."),
        ("12345", "kein gültiger Code"),
        ("ABCD-EFGH-JKMN", "kennen wir nicht"),
        ("\x00" * 20, "Bitte geben Sie den Code ein."),  # NULs are taken out
        ("<script>" * 20, "kein gültiger Code"),
    ],
)
def test_wrong_codes_are_told_under_the_field(app, client, login, typed, message):
    ended_seminar(online_people=0, post_people=1)
    login("staff")
    refused = _type_code(client, typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="code-error"' in page and message in page.replace("&#34;", '"')
    assert 'aria-invalid="true"' in page


def test_an_online_link_cannot_be_typed_in_as_a_paper_code(app, client, login):
    seminar, online, _post, _now = ended_seminar(online_people=1, post_people=0)
    login("staff")
    refused = _type_code(client, links.survey_token(seminar.id, online[0].id))
    assert refused.status_code == 422


def test_paper_codes_get_grace_days_after_the_survey_closed_online_codes_none(app):
    _seminar, _online, post, now = ended_seminar(online_people=0, post_people=1)
    code = code_of(post[0])
    closes = now + timedelta(days=app.config["SURVEY_OPEN_DAYS"])
    with pytest.raises(services.SurveyClosed):
        services.open_survey(code, now=closes + timedelta(days=1))  # typed online
    grace = timedelta(days=app.config["SURVEY_PAPER_GRACE_DAYS"])
    assert paper_entry.open_code(code, now=closes + grace - timedelta(minutes=1))
    with pytest.raises(paper_entry.PaperCodeRefused) as refused:
        paper_entry.open_code(code, now=closes + grace)
    assert refused.value.field == "code" and "beendet" in str(refused.value.message)
    with pytest.raises(paper_entry.PaperCodeRefused):
        paper_entry.enter(code, {}, now=closes + grace)
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_a_closed_code_is_told_on_the_page(app, client, login, monkeypatch):
    _seminar, _online, post, now = ended_seminar(online_people=0, post_people=1)
    days = app.config["SURVEY_OPEN_DAYS"] + app.config["SURVEY_PAPER_GRACE_DAYS"] + 1
    monkeypatch.setattr("seminars.surveys.staff_views.utcnow", lambda: now + timedelta(days=days))
    login("staff")
    refused = _type_code(client, code_of(post[0]))
    assert refused.status_code == 422 and "beendet" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_may_type_in(app, client, login, role):
    login(role)
    assert client.get(PAGE).status_code == 200


def test_the_steering_committee_and_visitors_may_not(app, client, login):
    seminar, _online, post, _now = ended_seminar(online_people=0, post_people=1)
    anonymous = client.get(PAGE)
    assert anonymous.status_code in (302, 303) and "/verwaltung/anmelden" in anonymous.location
    assert client.post(ANSWERS, data={"code": code_of(post[0])}).status_code in (302, 303, 400)
    login("steering")
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"code": code_of(post[0])}).status_code in (400, 403)
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_codes_tried_per_account_are_limited(app, client, login):
    app.config["SURVEY_PAPER_RATE_LIMIT"] = "3 per minute"
    login("staff")
    for _ in range(3):
        assert _type_code(client, "ABCD-EFGH-JKMN").status_code == 422
    assert _type_code(client, "ABCD-EFGH-JKMN").status_code == 429


def test_the_survey_letter_in_the_print_queue_encloses_the_questionnaire(app):
    """The letter and the questionnaire leave the print queue as one PDF: the letter's
    pages, then the questionnaire with the same code and the questions."""
    from seminars.core.timezone import berlin_date
    from seminars.letters import rendering
    from seminars.registrations.models import Registration

    _seminar, _online, post, _now = ended_seminar(online_people=0, post_people=1)
    person = post[0]
    letter = messages("survey_invitation")[person.id]
    registration = db.session.get(Registration, person.id)
    body = rendering.letters_pdf([(letter, registration)], today=berlin_date(utcnow()))
    document = PdfReader(io.BytesIO(body))
    assert len(document.pages) >= 2
    first = document.pages[0].extract_text()
    rest = "\n".join(page.extract_text() for page in document.pages[1:])
    code = links.show_code(code_of(person))
    assert code in first  # the letter names the code ...
    assert code in rest and question("overall").text_de[:30] in rest.replace("\n", " ")
    assert document.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_no_answer_leaves_a_timed_line_in_the_request_log(app, client, login):
    """Answers typed in and answers given online leave no request line: a logged time next to
    the order of the stored answers would tell which came from paper (and so from whom)."""
    import io
    import json
    import logging

    from seminars.core.logs import JsonFormatter, RequestContext

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    logger = logging.getLogger("seminars")
    logger.addHandler(handler)
    try:
        seminar, online, post, _now = ended_seminar(online_people=1, post_people=1)
        login("staff")
        page = _type_code(client, links.show_code(code_of(post[0]))).get_data(as_text=True)
        overall = question("overall")
        assert _type_answers(client, page, {f"q{overall.id}": "4"}).status_code == 303
        token = links.survey_token(seminar.id, online[0].id)
        answer_page = client.get(f"/befragung/{token}").get_data(as_text=True)
        online_answer = client.post(
            f"/befragung/{token}",
            data={"csrf_token": csrf_token_from(answer_page), f"q{overall.id}": "5"},
        )
        assert online_answer.status_code == 303
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 2
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [(e["method"], e["endpoint"]) for e in lines if e["message"] == "request"]
    assert ("GET", "surveys.answer") in requests  # requests are logged in general ...
    assert not [r for r in requests if r[0] == "POST" and "paper" in r[1]]  # ... not these
    assert ("POST", "surveys.submit") not in requests


def test_someone_reached_only_by_phone_without_address_is_not_invited(app):
    """A survey is not read out: without an address no questionnaire reaches them, so they
    are not counted as invited (the response rate would count them as silent)."""
    seminar = factories.seminar(starts_in=timedelta(hours=-8), hours=6, capacity=3)
    by_mail = factories.registration(seminar)
    by_phone = factories.registration(seminar, channel="phone", street="", postcode="", city="")
    with_address = factories.registration(seminar, channel="phone")
    assert services.send_invitations(utcnow() + timedelta(days=3)) == 2
    db.session.commit()
    invited = set(db.session.scalars(select(SurveyInvitee.registration_id)))
    assert invited == {by_mail.id, with_address.id}
    assert by_phone.id not in messages("survey_invitation")
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)) == 2
