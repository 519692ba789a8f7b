"""Soak test: mixed traffic for ten minutes against gunicorn (4 workers) and PostgreSQL.

Simulated visitors (threads with their own cookie jars) choose, request after request:
90 % browsing (catalogue with and without filters, seminar pages, archive, API, calendar,
robots.txt as the trivial route), 8 % registering (form, then the link from the mail that a
real SMTP server in this process receives, then confirming – one in five never confirms),
2 % cancelling an earlier registration of their own. ``flask housekeeping`` runs beside it
every 30 seconds. Afterwards:

- no seminar is overbooked, every registration is in a valid state and has the mail its
  state promises (``seminars.registrations.consistency``);
- every mail in the outbox was delivered exactly once (outbox rows sent = mails received,
  none left pending after a last housekeeping run);
- zero responses with a 5xx status;
- the resident memory of each worker grew by at most 10 % between the end of the warm-up
  and the end of the run.

``SOAK_SECONDS`` shortens or lengthens the run (default 600), ``SOAK_VISITORS`` sets the
number of simultaneous visitors (default 8).
"""

from __future__ import annotations

import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.harness import (
    BENCH_SETTINGS,
    ROOT,
    analyse,
    free_port,
    fresh_database_url,
    gunicorn,
    outbox_worker,
)

SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
VISITORS = int(os.environ.get("SOAK_VISITORS", "8"))
WARM_UP = min(60, SECONDS // 5)
HOUSEKEEPING_EVERY = 30
SEMINARS = 40
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_LINK = re.compile(r"https?://\S+?(/anmeldung/[A-Za-z0-9_-]+)")


class Mailbox:
    """The SMTP server's side: every message received, and the personal links by address."""

    def __init__(self) -> None:
        self.received = 0
        self.links: dict[str, str] = {}
        self.lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        match = _LINK.search(body)
        with self.lock:
            self.received += 1
            if match:
                self.links[str(message["To"])] = match.group(1)
                self.lock.notify_all()
        return "250 OK"

    def link_for(self, address: str, timeout: float = 60) -> str | None:
        with self.lock:
            self.lock.wait_for(lambda: address in self.links, timeout=timeout)
            return self.links.get(address)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.server_errors: list[str] = []
        self.actions: Counter = Counter()

    def record(self, kind: str, response: requests.Response, seconds: float) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            self.durations[kind].append(seconds)
            if response.status_code >= 500:
                self.server_errors.append(f"{response.request.method} {response.url}")


def build_database(url: str) -> None:
    from flask_migrate import upgrade

    from seminars import create_app
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar, SeminarSession, Topic, Venue

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        topics = list(db.session.scalars(sa.select(Topic)))
        towns = ["Erfurt", "Jena", "Gera", "Weimar", "Leipzig", "Dresden", "Chemnitz"]
        venues = [
            Venue(name=f"Tagungshaus {t}", street="Markt 1", postcode="99084", town=t)
            for t in towns
        ]
        rng = random.Random(8)
        for number in range(SEMINARS):
            # Some start within a day (reminders), most in the coming weeks, some already ran.
            start = utcnow().replace(microsecond=0) + timedelta(
                days=rng.choice([1, 3, 7, 14, 21, 30, 45, 60, -10])
            )
            online = number % 4 == 0
            db.session.add(
                Seminar(
                    code=f"SOAK-{number:03d}",
                    title=f"Seminar {number}: Gruppen stärken",
                    summary="Austausch und Methoden für die Gruppenarbeit",
                    description="Wir üben Gesprächsführung und planen ein Gruppentreffen.",
                    topic=rng.choice(topics),
                    format="online" if online else "in_person",
                    venue=None if online else rng.choice(venues),
                    capacity=rng.choice([4, 8, 12, 16]),
                    waitlist_capacity=30,
                    status="published",
                    sessions=[SeminarSession(starts_at=start, ends_at=start + timedelta(hours=6))],
                )
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def upcoming_ids(base: str) -> list[int]:
    body = requests.get(f"{base}/api/v1/seminars?per_page=100", timeout=30).json()
    return [item["id"] for item in body["items"]]


class Visitor:
    def __init__(self, number, base, seminar_ids, mailbox, tally, stop) -> None:
        self.number = number
        self.base = base
        self.seminar_ids = seminar_ids
        self.mailbox = mailbox
        self.tally = tally
        self.stop = stop
        self.session = requests.Session()
        self.rng = random.Random(number)
        self.mine: list[str] = []  # personal page paths of confirmed registrations
        self.sequence = 0

    def request(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        response = self.session.request(
            method, self.base + path, timeout=60, allow_redirects=False, **kwargs
        )
        self.tally.record(kind, response, time.perf_counter() - started)
        return response

    def browse(self) -> None:
        seminar = self.rng.choice(self.seminar_ids)
        path = self.rng.choice(
            [
                "/",
                "/?free=1",
                f"/?page={self.rng.randint(1, 3)}",
                "/?format=online",
                f"/seminare/{seminar}",
                f"/seminare/{seminar}",
                "/archiv",
                "/api/v1/seminars",
                f"/seminare/{seminar}.ics",
                "/robots.txt",
            ]
        )
        kind = "trivial" if path == "/robots.txt" else "browse"
        self.request(kind, "GET", path)

    def register(self) -> None:
        seminar = self.rng.choice(self.seminar_ids)
        page = self.request("register", "GET", f"/seminare/{seminar}")
        token = _CSRF.search(page.text)
        if token is None:  # registration closed or full without waitlist: a page, no form
            return
        self.sequence += 1
        address = f"v{self.number}-{self.sequence}@example.org"
        response = self.request("register", "POST", f"/seminare/{seminar}/anmeldung", data={
            "csrf_token": token.group(1), "first_name": "Vorname",
            "last_name": f"Besucher {self.number}", "email": address,
            "organisation": "SHG Soak", "county": "th-erfurt", "consent": "y", "website": "",
        })  # fmt: skip
        if response.status_code != 303:
            return
        self.tally.actions["registered"] += 1
        if self.rng.random() < 0.2:
            self.tally.actions["left unconfirmed"] += 1
            return
        link = self.mailbox.link_for(address)
        if link is None:
            self.tally.actions["no mail"] += 1
            return
        page = self.request("register", "GET", link)
        token = _CSRF.search(page.text)
        if (
            token
            and self.request(
                "register", "POST", f"{link}/bestaetigen", data={"csrf_token": token.group(1)}
            ).status_code
            == 303
        ):
            self.tally.actions["confirmed"] += 1
            self.mine.append(link)

    def cancel(self) -> None:
        if not self.mine:
            return self.browse()
        link = self.mine.pop(self.rng.randrange(len(self.mine)))
        page = self.request("cancel", "GET", f"{link}/abmelden")
        token = _CSRF.search(page.text)
        if (
            token
            and self.request(
                "cancel", "POST", f"{link}/abmelden", data={"csrf_token": token.group(1)}
            ).status_code
            == 303
        ):
            self.tally.actions["cancelled"] += 1

    def run(self) -> None:
        while not self.stop.is_set():
            roll = self.rng.random()
            try:
                if roll < 0.90:
                    self.browse()
                elif roll < 0.98:
                    self.register()
                else:
                    self.cancel()
            except requests.RequestException as exc:
                with self.tally.lock:
                    self.tally.server_errors.append(f"connection: {exc}")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def housekeeping(env: dict, stop: threading.Event, runs: list[float]) -> None:
    while not stop.wait(HOUSEKEEPING_EVERY):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "housekeeping"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        runs.append(time.perf_counter() - started)


def check(url: str, env: dict) -> dict:
    """Final housekeeping (delivers what is due), then the stored state."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "housekeeping"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    from seminars import create_app
    from seminars.extensions import db
    from seminars.registrations.consistency import find_problems

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        problems = find_problems()
        statuses = dict(
            db.session.execute(
                sa.text("SELECT status, count(*) FROM registration GROUP BY status")
            ).all()
        )
        outbox = dict(
            db.session.execute(
                sa.text("SELECT status, count(*) FROM outbox_message GROUP BY status")
            ).all()
        )
        db.session.remove()
        db.engine.dispose()
    return {"problems": problems, "registrations": statuses, "outbox": outbox}


def quantile_ms(values: list[float], q: int) -> float:
    if len(values) < 2:
        return (values[0] if values else 0.0) * 1000
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sid-soak-") as workdir:
        soak(fresh_database_url(Path(workdir)))


def soak(url: str) -> None:
    build_database(url)
    analyse(url)
    mailbox, tally = Mailbox(), Tally()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings = {
        "SECRET_KEY": secrets.token_hex(32),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "BASE_URL": "http://bench.invalid",
        "REGISTRATION_RATE_LIMIT": "100000 per minute",
    }
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production",
               SESSION_COOKIE_SECURE="false", **BENCH_SETTINGS, **settings)  # fmt: skip
    info: dict = {}
    stop, stop_housekeeping = threading.Event(), threading.Event()
    housekeeping_runs: list[float] = []
    try:
        # As in production: the requests send no mail, the outbox worker does.
        with gunicorn(url, info=info, **settings) as base, outbox_worker(url, **settings):
            seminar_ids = upcoming_ids(base)
            visitors = [
                Visitor(n, base, seminar_ids, mailbox, tally, stop) for n in range(VISITORS)
            ]
            threads = [threading.Thread(target=v.run) for v in visitors]
            threads.append(
                threading.Thread(
                    target=housekeeping, args=(env, stop_housekeeping, housekeeping_runs)
                )
            )
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(WARM_UP)
            pids = worker_pids(info["pid"])
            memory_before = {pid: rss_kib(pid) for pid in pids}
            time.sleep(max(0, SECONDS - WARM_UP))
            still_running = worker_pids(info["pid"])
            memory_after = {pid: rss_kib(pid) for pid in still_running}
            stop.set()
            stop_housekeeping.set()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()  # the last housekeeping run delivers what is still due
    try:
        state = check(url, env)
    finally:
        controller.stop()
    report(tally, elapsed, state, mailbox, memory_before, memory_after, housekeeping_runs)


def report(tally, elapsed, state, mailbox, memory_before, memory_after, housekeeping_runs):
    total = sum(tally.statuses.values())
    print(f"soak: {elapsed:.0f} s, {VISITORS} visitors, gunicorn 4 sync workers, PostgreSQL, "
          f"real SMTP server, housekeeping every {HOUSEKEEPING_EVERY} s "
          f"({len(housekeeping_runs)} runs)")  # fmt: skip
    statuses = dict(sorted(tally.statuses.items()))
    print(f"requests: {total} ({total / elapsed:.1f}/s); statuses: {statuses}")
    print(f"{'':10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in ("browse", "trivial", "register", "cancel"):
        values = tally.durations.get(kind, [])
        p50, p95 = quantile_ms(values, 50), quantile_ms(values, 95)
        print(f"{kind:10} {len(values):9d} {p50:8.1f} {p95:8.1f}")
    browse, trivial = tally.durations.get("browse", []), tally.durations.get("trivial", [])
    if browse and trivial:
        ratio = statistics.median(trivial) / statistics.median(browse)
        print(f"median speed browse / trivial route (same server, same run): {ratio:.2f}")
    print(f"actions: {dict(tally.actions)}")
    print(f"registrations by status: {state['registrations']}")
    print(f"outbox by status: {state['outbox']}; mails received by the SMTP server: "
          f"{mailbox.received}")  # fmt: skip
    for problem in state["problems"][:10]:
        print("  problem:", problem)
    print(f"consistency problems (overbooking, invalid states, missing mails): "
          f"{len(state['problems'])}")  # fmt: skip
    print(f"5xx responses and connection errors: {len(tally.server_errors)}")
    for error in tally.server_errors[:5]:
        print("  ", error)
    growths = []
    for pid, before in memory_before.items():
        after = memory_after.get(pid)
        if after is None:
            print(f"worker {pid}: restarted during the run")
            growths.append(float("inf"))
            continue
        growth = (after - before) / before * 100
        growths.append(growth)
        print(f"worker {pid}: {before / 1024:.1f} MiB after warm-up, {after / 1024:.1f} MiB "
              f"at the end ({growth:+.1f} %)")  # fmt: skip
    sent = state["outbox"].get("sent", 0)
    ok = (
        not state["problems"]
        and not tally.server_errors
        and all(g <= 10 for g in growths)
        and sent == mailbox.received
        and state["outbox"].get("pending", 0) == 0
        and tally.actions["cancelled"] > 0
        and tally.actions["confirmed"] > 0
    )
    print("all checks passed" if ok else "CHECKS FAILED")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
