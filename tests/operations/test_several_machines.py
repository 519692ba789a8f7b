"""Several machines against one PostgreSQL and one Redis, as the README describes them.

Two app servers (gunicorn, production settings, two workers each), two outbox workers and
two housekeeping runners start as processes of their own; volunteers register at the same
moment, half of them through each server, each with the form it got from the other server
(one ``SECRET_KEY``: any server accepts any server's form). Afterwards exactly the seminar's
seats are held and the rest wait in order, every mail went out exactly once, the limit on
registrations counted the posts of both servers together, every worker of both servers
shows the places as they are (the shared page cache), and nothing answered 5xx.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import SMTPRecorder, free_port, redis_or_skip

pytestmark = pytest.mark.several_machines

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_SEVERAL_URL", "redis://127.0.0.1:6379/11")
SEATS = 6
VOLUNTEERS = 24
# The limit on registration posts per client: all posts come from 127.0.0.1. Counted per
# worker (four of them), every post of the rush and of the check below would pass.
LIMIT = VOLUNTEERS + 4
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("REQUIRE_POSTGRES"):  # CI: the services must be there
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def database() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    _require(url.startswith("postgresql"), "several machines need PostgreSQL (TEST_DATABASE_URL)")
    name = f"sid_several_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as exc:
        _require(False, f"PostgreSQL not reachable: {exc}")
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def redis_store():
    client = redis_or_skip(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def _build(url: str) -> int:
    from flask_migrate import upgrade

    from seminars import create_app
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar, SeminarSession, Topic

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        start = utcnow() + timedelta(days=14)
        seminar = Seminar(
            code="MULTI-1",
            title="Gruppen leiten",
            topic=db.session.scalars(sa.select(Topic)).first(),
            format="online",
            capacity=SEATS,
            waitlist_capacity=2 * VOLUNTEERS,
            status="published",
            sessions=[SeminarSession(starts_at=start, ends_at=start + timedelta(hours=2))],
        )
        db.session.add(seminar)
        db.session.commit()
        seminar_id = seminar.id
        db.session.remove()
        db.engine.dispose()
    return seminar_id


def _environment(url: str, smtp_port: int) -> dict[str, str]:
    return dict(
        os.environ,
        APP_ENV="production",
        DATABASE_URL=url,
        SECRET_KEY="several-machines-" + "k" * 40,
        BASE_URL="http://seminare.test",
        SESSION_COOKIE_SECURE="false",
        RATELIMIT_STORAGE_URI=REDIS_URL,
        PAGE_CACHE_URL=REDIS_URL,
        # Kept for a minute: only dropping pages on a change keeps the places exact.
        FLASK_CATALOGUE_CACHE_SECONDS="60",
        REGISTRATION_RATE_LIMIT=f"{LIMIT} per hour",
        PENDING_MAX_PER_CLIENT="0",  # every volunteer comes from 127.0.0.1
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        LOG_LEVEL="WARNING",
    )


@contextmanager
def _process(arguments: list[str], env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("wb") as output:
        process = subprocess.Popen(arguments, cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def _app_server(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    with _process(command, env, log):
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still importing
                time.sleep(0.2)
        else:
            raise AssertionError(f"the app server did not start:\n{log.read_text()}")
        yield base


def _housekeeping(env: dict[str, str], stop: threading.Event, codes: list[int], log: Path) -> None:
    with log.open("ab") as output:
        while not stop.is_set():
            codes.append(
                subprocess.run(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "housekeeping"],
                    cwd=ROOT, env=env, stdout=output, stderr=output,
                ).returncode
            )  # fmt: skip


def _rush(servers: list[str], seminar_id: int, statuses: list[int]) -> list[str]:
    """Every volunteer takes the form from one server and sends it to the other."""
    barrier = threading.Barrier(VOLUNTEERS)
    failures: list[str] = []

    def volunteer(number: int) -> None:
        try:
            source, target = servers[number % 2], servers[(number + 1) % 2]
            session = requests.Session()
            page = session.get(f"{source}/seminare/{seminar_id}", timeout=60)
            statuses.append(page.status_code)
            token = _CSRF.search(page.text).group(1)
            barrier.wait(timeout=60)
            response = session.post(
                f"{target}/seminare/{seminar_id}/anmeldung",
                data={"csrf_token": token, "first_name": "Vorname", "last_name": f"N{number}",
                      "organisation": "SHG Test",
                      "email": f"person{number:02d}@example.org", "consent": "y", "website": ""},
                allow_redirects=False, timeout=60,
            )  # fmt: skip
            statuses.append(response.status_code)
            if response.status_code != 303:
                failures.append(f"{number}: HTTP {response.status_code}")
        except Exception as exc:  # a thread's failure is the test's failure
            failures.append(f"{number}: {exc!r}")
            barrier.abort()

    threads = [threading.Thread(target=volunteer, args=(n,)) for n in range(VOLUNTEERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _places(server: str, seminar_id: int) -> str:
    page = requests.get(f"{server}/", timeout=60).text
    entry = page.split(f'href="/seminare/{seminar_id}"', 1)[1]
    return re.search(r'class="availability[^"]*">([^<]+)<', entry).group(1)


def _places_everywhere(servers: list[str], seminar_id: int) -> set[str]:
    """What every worker of every server shows (each answers a few times)."""
    return {_places(server, seminar_id) for server in servers for _ in range(6)}


def _wait_for_mail(recorder: SMTPRecorder, count: int, seconds: float) -> None:
    started = time.monotonic()
    while len(recorder.messages) < count and time.monotonic() - started < seconds:
        time.sleep(0.1)


def test_two_app_servers_two_workers_and_two_housekeepers_share_one_database(
    database, redis_store, tmp_path
):
    from aiosmtpd.controller import Controller

    seminar_id = _build(database)
    recorder = SMTPRecorder()
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = _environment(database, smtp.port)
    worker = [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work"]
    stop = threading.Event()
    housekeeping_codes: list[int] = []
    statuses: list[int] = []
    try:
        with ExitStack() as stack:
            servers = [
                stack.enter_context(_app_server(env, tmp_path / f"server{n}.log")) for n in (1, 2)
            ]
            for n in (1, 2):
                stack.enter_context(_process(worker, env, tmp_path / f"worker{n}.log"))
            runners = [
                threading.Thread(
                    target=_housekeeping,
                    args=(env, stop, housekeeping_codes, tmp_path / f"housekeeping{n}.log"),
                )
                for n in (1, 2)
            ]
            for runner in runners:
                runner.start()
            try:
                before = _places_everywhere(servers, seminar_id)
                assert len(before) == 1
                failures = _rush(servers, seminar_id, statuses)
                assert failures == []
                # The pages every worker kept are dropped with the first seat taken.
                after = _places_everywhere(servers, seminar_id)
                assert len(after) == 1 and after != before, (before, after)
                _wait_for_mail(recorder, VOLUNTEERS, seconds=60)
                # Both servers count the client's posts together: four more pass, then none.
                extra = []
                for number in range(8):
                    server = servers[number % 2]
                    session = requests.Session()
                    page = session.get(f"{server}/seminare/{seminar_id}", timeout=60)
                    token = _CSRF.search(page.text).group(1)
                    extra.append(
                        session.post(
                            f"{server}/seminare/{seminar_id}/anmeldung",
                            data={"csrf_token": token, "first_name": "Spät",
                                  "organisation": "SHG Test",
                                  "last_name": f"N{number}", "consent": "y", "website": "",
                                  "email": f"spaet{number}@example.org"},
                            allow_redirects=False, timeout=60,
                        ).status_code
                    )  # fmt: skip
                statuses.extend(extra)
                assert extra[:4] == [303] * 4
                assert extra[4:] == [429] * 4
                _wait_for_mail(recorder, VOLUNTEERS + 4, seconds=60)
                # A little longer: a mail sent twice would arrive now.
                time.sleep(3)
            finally:
                stop.set()
                for runner in runners:
                    runner.join()
    finally:
        smtp.stop()

    assert [status for status in statuses if status >= 500] == []
    assert housekeeping_codes and set(housekeeping_codes) == {0}

    engine = sa.create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, status, holds_seat, email FROM registration "
                "WHERE seminar_id = :s ORDER BY id"
            ),
            {"s": seminar_id},
        ).all()
        outbox = connection.execute(
            sa.text("SELECT status, count(*) FROM outbox_message GROUP BY status")
        ).all()
    engine.dispose()

    assert len(rows) == VOLUNTEERS + 4
    # Exactly the seats, taken by the first registrations the lock let in; the rest wait.
    assert [row.holds_seat for row in rows] == [True] * SEATS + [False] * (len(rows) - SEATS)
    assert {row.status for row in rows} == {"pending"}

    recipients = Counter(str(message["To"]) for message in recorder.messages)
    assert sorted(recipients) == sorted(row.email for row in rows)
    assert set(recipients.values()) == {1}  # each one mail, once
    assert dict(outbox) == {"sent": len(rows)}
    confirm_links = {
        urllib.parse.urlsplit(link).path
        for message in recorder.messages
        for link in re.findall(
            r"https?://\S+/anmeldung/\S+", message.get_body(("plain",)).get_content()
        )
    }
    assert len(confirm_links) == len(rows)
