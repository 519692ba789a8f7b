"""Direct reads: one statement outside the request's unit of work, surviving a dropped
connection without a pre-ping."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from seminars.certificates import services
from seminars.certificates.models import CertificatePdf
from seminars.core import direct_reads
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations.tokens import token_for
from tests.certificates.test_certificates import attended_seminar

ONE = sa.text("SELECT 41 + 1")


def _direct_connections(what: str = "pid") -> int:
    """How many connections the pool of direct reads holds; with ``pg_terminate_backend(pid)``
    they are dropped, as a restart of the server drops the idle connections in a pool."""
    with db.engine.begin() as connection:
        return connection.execute(
            sa.text(
                f"SELECT count({what}) FROM pg_stat_activity"
                " WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": direct_reads.APPLICATION_NAME},
        ).scalar_one()


def test_a_direct_read_returns_the_first_row(app):
    assert direct_reads.read_one(ONE)[0] == 42
    assert direct_reads.read_one(sa.text("SELECT 1 WHERE 1 = 0")) is None


def test_a_direct_read_runs_again_on_a_fresh_connection_after_the_server_dropped_it(app, dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite has no server that drops connections")
    assert direct_reads.read_one(ONE)[0] == 42
    assert _direct_connections("pg_terminate_backend(pid)") >= 1
    assert direct_reads.read_one(ONE)[0] == 42
    assert _direct_connections() >= 1  # and it came from the pool of direct reads, alive


def test_a_dropped_connection_is_closed_without_an_error_in_the_log(app, dialect, caplog):
    """A restart of the server is routine: the dead connection is thrown away, not first
    reset (which fails and logs an error with its traceback)."""
    if dialect != "postgresql":
        pytest.skip("SQLite has no server that drops connections")
    assert direct_reads.read_one(ONE)[0] == 42
    assert _direct_connections("pg_terminate_backend(pid)") >= 1
    with caplog.at_level(logging.DEBUG, logger="sqlalchemy.pool"):
        assert direct_reads.read_one(ONE)[0] == 42
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_after_a_drop_no_other_dead_connection_of_the_pool_is_tried(app, dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite has no server that drops connections")
    engine = direct_reads.direct_engine()
    held = [engine.raw_connection() for _ in range(3)]
    for connection in held:
        connection.close()  # three idle connections in the pool
    assert _direct_connections("pg_terminate_backend(pid)") >= 3
    assert direct_reads.read_one(ONE)[0] == 42  # one failure, then a fresh connection


def test_a_parameter_left_out_is_refused_not_sent_as_null(app):
    statement = sa.select(sa.literal(1)).where(sa.bindparam("wanted") == 1)
    with pytest.raises(sa.exc.SQLAlchemyError, match="A value is required"):
        direct_reads.read_one(statement, {})
    assert direct_reads.read_one(statement, {"wanted": 1})[0] == 1


def test_a_statement_that_needs_expanding_is_refused_on_postgresql(app, dialect):
    if dialect != "postgresql":
        pytest.skip("on SQLite direct reads use the app's own engine")
    statement = sa.select(sa.literal(1)).where(
        sa.literal(1).in_(sa.bindparam("some", expanding=True))
    )
    with pytest.raises(ValueError, match="no IN list"):
        direct_reads.read_one(statement, {"some": [1, 2]})


def test_a_direct_read_does_not_hide_a_wrong_statement(app):
    with pytest.raises(sa.exc.DBAPIError):
        direct_reads.read_one(sa.text("SELECT * FROM no_such_table"))


def test_the_certificate_download_sends_nothing_through_the_session_on_postgresql(
    app, client, dialect, count_queries
):
    if dialect != "postgresql":
        pytest.skip("on SQLite direct reads use the app's own engine")
    _seminar, registration = attended_seminar()
    certificate = services.issue(registration.id, actor=None, now=utcnow(), send_mail=False)
    db.session.commit()
    app.config["MAIL_REQUEST_DEADLINE"] = 0  # as in production: requests send no mail
    path = f"/anmeldung/{token_for(registration.id, registration.token_salt)}/bescheinigung.pdf"
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    assert certificate.code in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    assert response.data == bytes(db.session.get(CertificatePdf, certificate.id).pdf)
    assert counter.statements == []
