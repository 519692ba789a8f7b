"""The backup and restore commands from the README, run against real databases: a dump
restored into an empty database holds every registration, and the application works on it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from seminars import create_app
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation
from seminars.registrations.consistency import find_problems
from tests import factories


def _registrations(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT id, seminar_id, status, email, first_name, token_hash "
                    "FROM registration ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()


def _some_registrations() -> list[tuple]:
    """Seven registrations made the way the service makes them (with their mails)."""
    full, other = factories.seminar(capacity=3), factories.seminar(capacity=5)
    for number, seminar in enumerate([full] * 5 + [other] * 2):
        allocation.register(seminar.id, factories.applicant(number), now=utcnow(), by_staff=True)
        db.session.commit()
    rows = _registrations(db.engine.url.render_as_string(hide_password=False))
    assert len(rows) == 7
    return rows


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"{name} is needed for the backup test")
        pytest.skip(f"{name} is not installed")
    return path


def test_a_backup_restored_into_an_empty_database_holds_every_registration(app, dialect, tmp_path):
    expected = _some_registrations()
    if dialect == "postgresql":
        _pg_dump_and_restore(expected, tmp_path)
    else:
        _sqlite_backup_and_restore(expected, tmp_path)


def _pg_dump_and_restore(expected: list[tuple], tmp_path) -> None:
    source = db.engine.url.set(drivername="postgresql")
    dump = tmp_path / "seminare.dump"
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", f"--file={dump}",
         source.render_as_string(hide_password=False)],
        check=True,
    )  # fmt: skip
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        source.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    target = source.set(database=name)
    try:
        subprocess.run(
            [_tool("pg_restore"), "--no-owner", "--exit-on-error",
             f"--dbname={target.render_as_string(hide_password=False)}", str(dump)],
            check=True,
        )  # fmt: skip
        restored_url = target.set(drivername="postgresql+psycopg").render_as_string(
            hide_password=False
        )
        assert _registrations(restored_url) == expected
        _works_on(restored_url, expected)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _sqlite_backup_and_restore(expected: list[tuple], tmp_path) -> None:
    source = make_url(db.engine.url).database
    copy = tmp_path / "backup.sqlite3"
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", source, f".backup '{copy}'"], check=True)
    else:  # the same online backup, through Python's binding of the same API
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as backup:
            live.backup(backup)
    restored_url = f"sqlite:///{copy}"
    assert _registrations(restored_url) == expected
    _works_on(restored_url, expected)


def _works_on(url: str, expected: list[tuple]) -> None:
    """The restored database serves the application: pages load, the rules hold."""
    restored = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with restored.app_context():
        from flask_migrate import upgrade

        upgrade()  # already at the newest revision: nothing to do, nothing fails
        assert find_problems() == []
        client = restored.test_client()
        seminar_id = expected[0][1]
        assert client.get(f"/seminare/{seminar_id}").status_code == 200
        assert client.get("/healthz").get_json()["database"] == "ok"
        db.session.remove()
        db.engine.dispose()
