"""Test fixtures.

Every test that asks for ``app`` (or anything built on it) runs twice: on SQLite and on
PostgreSQL. The PostgreSQL run needs ``TEST_DATABASE_URL``; without it the test is skipped,
unless ``REQUIRE_POSTGRES`` is set (CI), where a missing database fails the run instead.

The schema is built by the migrations (``flask db upgrade``), never by ``create_all``, so a
model change without a migration fails here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import current_app
from flask_migrate import upgrade

from seminars import create_app
from seminars.catalogue.choices import EXTENSION as CHOICES_EXTENSION
from seminars.catalogue.fragments import fragment_cache
from seminars.catalogue.page_cache import page_cache
from seminars.extensions import db


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Tests see the catalogues as they are in the .po files (``make`` does the same)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).resolve().parent.parent.glob("translations/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file, mo_path.open("wb") as mo_file:
                write_mo(mo_file, read_po(po_file))


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with the smallest cost: the cost guards stored hashes against offline
    guessing, which no test measures; it would otherwise spend about 0.2 s per login."""
    from argon2 import PasswordHasher

    from seminars.accounts import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("no account has this password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


# Reference rows the migrations insert; tests keep them.
KEEP_TABLES = {"topic", "alembic_version", "survey_template", "survey_question"}


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    required = bool(os.environ.get("REQUIRE_POSTGRES"))
    if not url:
        if required:
            pytest.fail("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        if required:
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return url


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = _postgres_url()
    _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Uploaded materials land in a folder of the test run, never in instance/.
            "MATERIALS_FOLDER": str(tmp_path_factory.mktemp("materials")),
        },
    )
    with app.app_context():
        upgrade()
        # The reference rows as the migrations made them; restored after every test, so
        # that a test that edits a topic or a question (the fuzz tests do) leaves no trace.
        app.extensions["test_reference_rows"] = _reference_rows()
    return app


def _reference_tables() -> list[sa.Table]:
    return [t for t in db.metadata.sorted_tables if t.name in KEEP_TABLES]


def _reference_rows() -> dict[str, list[dict]]:
    with db.engine.connect() as connection:
        return {t.name: _rows(connection, t) for t in _reference_tables()}


@pytest.fixture
def app(_app):
    """The app with a clean database (reference data kept), empty caches and rate limits, and
    the configuration as it was before the test."""
    from seminars.extensions import limiter

    page_cache.clear()
    fragment_cache.clear()
    limiter.reset()
    config = dict(_app.config)
    _app.extensions.pop(CHOICES_EXTENSION, None)
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        _empty_tables()
    page_cache.clear()
    fragment_cache.clear()
    _app.config.clear()
    _app.config.update(config)


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
        saved = current_app.extensions["test_reference_rows"]
        if any(_rows(connection, t) != saved[t.name] for t in _reference_tables()):
            for table in reversed(_reference_tables()):
                connection.execute(table.delete())
            for table in _reference_tables():
                if saved[table.name]:
                    connection.execute(table.insert(), saved[table.name])


def _rows(connection, table: sa.Table) -> list[dict]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    return [dict(row) for row in connection.execute(query).mappings()]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def dialect(app) -> str:
    return db.engine.dialect.name


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _listen(self, conn, cursor, statement, parameters, context, executemany):
        # Transaction control (SQLite's explicit BEGIN) is not a query.
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` counts SQL statements sent to the database."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter._listen)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter._listen)

    return counting


class SMTPRecorder:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedSMTP(SMTPRecorder):
    """An SMTP server whose answers the test decides: every step (MAIL, RCPT, end of DATA)
    answered after ``delay`` seconds, chosen recipients refused with ``refuse[address]``
    (``"550 5.1.1 ..."``, ``"451 4.2.0 ..."``), and ``on_accept`` called for every message
    it accepts (to break something right after the server took the mail)."""

    def __init__(self) -> None:
        super().__init__()
        self.delay = 0.0
        self.refuse: dict[str, str] = {}
        self.on_accept = None

    async def _wait(self) -> None:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._wait()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._wait()
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await self._wait()
        answer = await super().handle_DATA(server, session, envelope)
        if self.on_accept is not None:
            self.on_accept()
        return answer


@contextmanager
def _serving(app, handler):
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield handler
    finally:
        controller.stop()
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free port; the app sends its mail there."""
    with _serving(app, SMTPRecorder()) as recorder:
        yield recorder


@pytest.fixture
def scripted_smtp_server(app):
    """A real SMTP server that answers slowly or refuses, as the test sets it up."""
    with _serving(app, ScriptedSMTP()) as handler:
        yield handler


@pytest.fixture
def hanging_smtp_server(app):
    """Accepts connections and never says a word."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list = []
    stop = threading.Event()

    def accept_forever():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1])
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved


def csrf_token_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def field_error(html: str, field_id: str) -> str:
    """The error shown under one form field (``templates/_forms.html``), or "" if none."""
    import re

    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html)
    return match.group(1) if match else ""


@pytest.fixture
def login(client):
    """``login(role)`` creates an account of that role and logs the test client in."""
    from tests import factories

    def log_in(role: str = "staff"):
        account = factories.user(role)
        page = client.get("/verwaltung/anmelden").get_data(as_text=True)
        response = client.post(
            "/verwaltung/anmelden",
            data={
                "email": account.email,
                "password": factories.STRONG_PASSWORD,
                "csrf_token": csrf_token_from(page),
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return account

    return log_in


def redis_or_skip(url: str):
    """A client of the Redis at ``url``; the test is skipped when Redis is not reachable,
    except in CI (``REQUIRE_POSTGRES``), where the services must be there."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"Redis not reachable at {url}")
        pytest.skip(f"Redis not reachable at {url}")
    return client
