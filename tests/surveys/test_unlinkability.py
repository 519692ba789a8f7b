"""The attacks on survey anonymity, carried out on a copy of the database.

The attacker holds every table (with PostgreSQL's system columns: ``xmin``, ``xmax``,
``ctid``), but not the application's secret. Twelve participants answer in an order the test
shuffles, each with a free text only the test can attribute. No attack may pair a response
with an invitation or a registration better than chance.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage
from seminars.outbox.services import deliver
from seminars.surveys import links, services
from seminars.surveys.models import SurveyInvitation, SurveyQuestion, SurveyResponse
from tests.surveys.test_surveys import finished_seminar, invitation_tokens

PEOPLE = 12


@pytest.fixture
def answered(app):
    """Twelve attendees invited and answered in shuffled order: (registrations, tokens by
    registration id, free text by registration id)."""
    seminar, people = finished_seminar(PEOPLE, attended=list(range(PEOPLE)))
    now = utcnow()
    assert services.send_invitations(now) == PEOPLE
    by_email = invitation_tokens()
    tokens = {p.id: by_email[p.email].rsplit("/", 1)[1] for p in people}
    text_id = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.key == "helped_most")
    ).one()
    order = list(people)
    random.Random(7).shuffle(order)
    texts = {}
    for number, person in enumerate(order):
        texts[person.id] = f"Antwort Nummer {number} aus dem Test"
        services.submit(
            tokens[person.id], {f"q{text_id}": texts[person.id]}, now=now + timedelta(hours=number)
        )
        db.session.commit()
    return seminar, people, tokens, texts, order


def _all_rows(connection, *, system_columns: bool):
    """(table, row) for every row of every table, PostgreSQL system columns included."""
    for table in db.metadata.sorted_tables:
        columns = [sa.text("*")]
        if system_columns:
            columns = [
                sa.literal_column("xmin::text").label("_xmin"),
                sa.literal_column("xmax::text").label("_xmax"),
                sa.literal_column("ctid::text").label("_ctid"),
                sa.text("*"),
            ]
        for row in connection.execute(select(*columns).select_from(table)).mappings():
            yield table.name, dict(row)


def test_the_answering_transaction_wrote_nothing_but_the_answer(answered, dialect):
    if dialect != "postgresql":
        pytest.skip("transaction ids are PostgreSQL's")
    with db.engine.connect() as connection:
        rows = list(_all_rows(connection, system_columns=True))
    response_xids = {row["_xmin"] for table, row in rows if table == "survey_response"}
    assert len(response_xids) == PEOPLE  # one transaction per answer
    written = [
        (table, row.get("id"))
        for table, row in rows
        if table != "survey_response" and row["_xmin"] in response_xids
    ]
    assert written == []
    # The only other trace of an answering transaction is the key-share lock its foreign
    # keys take on the seminar and the questionnaire, which the response names anyway.
    locked = {
        table for table, row in rows if table != "survey_response" and row["_xmax"] in response_xids
    }
    assert locked <= {"seminar", "survey_template"}
    # Invitations are written once and never updated, deleted or locked afterwards.
    invitation_rows = [row for table, row in rows if table == "survey_invitation"]
    assert {row["_xmax"] for row in invitation_rows} == {"0"}
    assert len({row["_xmin"] for row in invitation_rows}) == 1


def test_no_column_of_a_response_is_found_in_invitations_or_registrations(answered):
    _seminar, people, tokens, _texts, _order = answered
    responses = db.session.scalars(select(SurveyResponse)).all()
    invitations = db.session.scalars(select(SurveyInvitation)).all()
    invitation_values = {
        str(v) for i in invitations for v in (i.id, i.token_hash, i.closes_at.isoformat())
    }
    for response in responses:
        assert response.ballot not in invitation_values
        assert response.ballot not in {links.token_hash(t) for t in tokens.values()}
        assert response.ballot not in set(tokens.values())
    # The invitations do not even know who they were for: no column holds a registration's
    # id, address or token, and nothing in them differs between people except the hash.
    assert len({(i.seminar_id, i.template_id, i.closes_at) for i in invitations}) == 1


def test_row_order_and_ids_of_invitations_do_not_follow_the_people(answered, dialect):
    """Links are written in shuffled order; the order of ids (and of the rows on disk) pairs
    them with the registrations no better than chance."""
    _seminar, people, tokens, _texts, _order = answered
    position = {
        links.token_hash(tokens[p.id]): rank for rank, p in enumerate(sorted(people, key=id_of))
    }
    order_expression = "ctid" if dialect == "postgresql" else "rowid"
    with db.engine.connect() as connection:
        physical = connection.execute(
            sa.text(f"SELECT token_hash FROM survey_invitation ORDER BY {order_expression}")
        ).scalars()
        by_position = [position[h] for h in physical]
    by_id = [
        position[h] for h in db.session.scalars(select(SurveyInvitation.token_hash).order_by("id"))
    ]
    ordered = list(range(PEOPLE))
    # 12! orders: the chance that a shuffle keeps the registration order is 1 in 479 million.
    assert by_position != ordered and by_id != ordered
    assert by_position != ordered[::-1] and by_id != ordered[::-1]


def id_of(registration) -> int:
    return registration.id


def test_no_survey_link_stays_readable_once_mailed(answered, smtp_server):
    """After delivery the outbox keeps neither the address nor the text of a mail, so no
    survey link (and nothing that hashes to one) is left anywhere in the database."""
    _seminar, people, tokens, _texts, _order = answered
    report = deliver()
    assert report.sent >= PEOPLE
    assert len(smtp_server.messages) == report.sent
    received = "\n".join(m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert all(token in received for token in tokens.values())
    with db.engine.connect() as connection:
        rows = list(_all_rows(connection, system_columns=False))
    dump = "\n".join(repr(row) for _table, row in rows)
    outbox = "\n".join(repr(row) for table, row in rows if table == "outbox_message")
    for person in people:
        assert tokens[person.id] not in dump
        assert links.token_hash(tokens[person.id]) in dump  # only as the invitation's hash
        assert person.email not in outbox
        assert links.ballot(tokens[person.id]) in dump  # the ballot is there, keyed


# -- questionnaires on paper ----------------------------------------------------------------


@pytest.fixture
def typed_in(app, client, login):
    """Twelve invited, every third by post; the paper questionnaires are typed in by staff
    through the back office, between online answers: (people, credential by id, audit
    entries before the typing in)."""
    from seminars.audit.models import AuditEntry
    from tests import factories
    from tests.conftest import csrf_token_from

    seminar = factories.seminar(starts_in=timedelta(hours=-8), hours=6, capacity=PEOPLE)
    people = [
        factories.registration(seminar, channel="post" if n % 3 == 0 else "email")
        for n in range(PEOPLE)
    ]
    now = utcnow() + timedelta(days=3)
    assert services.send_invitations(now) == PEOPLE
    db.session.commit()
    paper = {p.id for p in people if p.channel == "post"}
    credential = {p.id: services.credential(seminar.id, p.id, paper=p.id in paper) for p in people}
    login("staff")
    audit_before = db.session.scalar(select(sa.func.count()).select_from(AuditEntry))
    order = list(people)
    random.Random(11).shuffle(order)
    for person in order:
        if person.id in paper:
            page = client.get("/verwaltung/befragung/papier").get_data(as_text=True)
            shown = client.post(
                "/verwaltung/befragung/papier",
                data={"csrf_token": csrf_token_from(page), "code": credential[person.id]},
            )
            assert shown.status_code == 200
            stored = client.post(
                "/verwaltung/befragung/papier/antworten",
                data={
                    "csrf_token": csrf_token_from(shown.get_data(as_text=True)),
                    "code": links.show_code(credential[person.id]),
                },
            )
            assert stored.status_code == 303
        else:
            services.submit(credential[person.id], {}, now=now)
            db.session.commit()
    # The letters left the house: the print queue blanks them like sent mail.
    from seminars.outbox.claims import BLANK

    db.session.execute(sa.update(OutboxMessage).values(status="sent", **BLANK))
    db.session.commit()
    return people, paper, credential, audit_before


def test_a_paper_response_cannot_be_paired_with_its_person(typed_in, dialect):
    from seminars.audit.models import AuditEntry

    people, paper, credential, audit_before = typed_in
    assert db.session.scalar(select(sa.func.count()).select_from(SurveyResponse)) == PEOPLE
    # No audit entry for typing in (it would pin the moment a response was written).
    assert db.session.scalar(select(sa.func.count()).select_from(AuditEntry)) == audit_before
    # A response has no time, and nothing that says paper or online.
    assert {c.name for c in SurveyResponse.__table__.columns} == {
        "id",
        "seminar_id",
        "template_id",
        "ballot",
        "answers",
        "hidden",
        "released",
    }
    # The invitations of the batch differ only by their hash; their ids and rows follow
    # neither the people nor the channel.
    invitations = db.session.scalars(select(SurveyInvitation).order_by("id")).all()
    assert len({(i.seminar_id, i.template_id, i.closes_at) for i in invitations}) == 1
    rank = {links.token_hash(credential[p.id]): n for n, p in enumerate(sorted(people, key=id_of))}
    by_id = [rank[i.token_hash] for i in invitations]
    assert by_id != list(range(PEOPLE)) and by_id != list(range(PEOPLE))[::-1]
    # The code is nowhere, its hash only as an invitation's, its ballot only as a response's.
    with db.engine.connect() as connection:
        rows = list(_all_rows(connection, system_columns=dialect == "postgresql"))
    for person_id in paper:
        code = credential[person_id]
        holding = {
            (table, name)
            for table, row in rows
            for name, value in row.items()
            if not name.startswith("_")
            and any(s in repr(value) for s in (code, links.show_code(code)))
        }
        assert holding == set()
        hashed = {(t, n) for t, r in rows for n, v in r.items() if v == links.token_hash(code)}
        assert hashed == {("survey_invitation", "token_hash")}
        ballot = {(t, n) for t, r in rows for n, v in r.items() if v == links.ballot(code)}
        assert ballot == {("survey_response", "ballot")}
    if dialect == "postgresql":
        # Each typing in wrote the response and nothing else (no row shares its xid).
        response_xids = {row["_xmin"] for table, row in rows if table == "survey_response"}
        assert len(response_xids) == PEOPLE
        written = [
            (table, row.get("id"))
            for table, row in rows
            if table != "survey_response" and row["_xmin"] in response_xids
        ]
        assert written == []
