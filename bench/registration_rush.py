"""Registration rush: 200 volunteers register and confirm at once for a 20-seat seminar.

Serves the app as in production: gunicorn (4 sync workers) on PostgreSQL, requests that send
no mail themselves and one outbox worker (``flask outbox work``) that does, to a real SMTP
server (aiosmtpd, in this process). Each volunteer opens the seminar page, sends the form,
takes the link from the mail it receives and confirms. Afterwards the database must hold
exactly 20 confirmed seats and 180 waitlisted registrations in order of registration. How
long each confirmation request took to arrive after its registration was answered is
measured too.

For comparison the same harness sends the same number of form posts, at once, to a trivial
POST route of the same server (the language switch: it reads a form and sets a cookie).
"""

from __future__ import annotations

import re
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.goals import Verdicts
from bench.harness import WORKERS, free_port, fresh_database_url, gunicorn, outbox_worker
from bench.mail_server import MailServer

VOLUNTEERS = 200
SEATS = 20
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Mailbox:
    """What the mail server (``mail_server.py``, a process of its own) received."""

    def __init__(self) -> None:
        self.links: dict[str, str] = {}
        self.arrival: dict[str, float] = {}
        self.arrived = threading.Condition()

    def received(self, mail: dict) -> None:
        if mail["link"] and mail["subject"].startswith("Bitte bestätigen"):
            with self.arrived:
                self.arrival[mail["to"]] = mail["at"]
                self.links[mail["to"]] = mail["link"]
                self.arrived.notify_all()

    def wait_for(self, address: str, timeout: float = 120) -> str:
        with self.arrived:
            self.arrived.wait_for(lambda: address in self.links, timeout=timeout)
            return self.links[address]


def build_database(url: str) -> int:
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
            code="RUSH-1",
            title="Gruppen leiten – Grundlagen",
            topic=db.session.query(Topic).first(),
            format="online",
            capacity=SEATS,
            waitlist_capacity=VOLUNTEERS,
            status="published",
            sessions=[SeminarSession(starts_at=start, ends_at=start + timedelta(hours=2))],
        )
        db.session.add(seminar)
        db.session.commit()
        return seminar.id


class Wave:
    """Many clients that get ready, then post at the same moment; timings of the posts."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.released = 0.0
        self.finished: list[float] = []
        self.durations: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(count, action=self._release)

    def _release(self) -> None:
        self.released = time.perf_counter()

    def post(self, session: requests.Session, url: str, data: dict) -> requests.Response:
        started = time.perf_counter()
        response = session.post(url, data=data, timeout=120, allow_redirects=False)
        ended = time.perf_counter()
        with self.lock:
            self.durations.append(ended - started)
            self.finished.append(ended)
        if response.status_code != 303:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    def run(self, worker) -> None:
        def guarded(number: int) -> None:
            try:
                worker(number)
            except Exception as exc:
                with self.lock:
                    self.errors.append(f"{number}: {exc}")
                self.barrier.abort()

        threads = [threading.Thread(target=guarded, args=(n,)) for n in range(self.count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @property
    def rate(self) -> float:
        return len(self.finished) / (max(self.finished) - self.released)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.durations, n=20)[-1] * 1000


def csrf_token(session: requests.Session, url: str) -> str:
    return _CSRF.search(session.get(url, timeout=120).text).group(1)


def registration_rush(
    base: str, seminar_id: int, mailbox: Mailbox, answered: dict[str, float]
) -> tuple[Wave, Wave]:
    registering, confirming = Wave(VOLUNTEERS), Wave(VOLUNTEERS)
    seminar_url = f"{base}/seminare/{seminar_id}"

    def volunteer(number: int) -> None:
        session = requests.Session()
        address = f"person{number:03d}@example.org"
        token = csrf_token(session, seminar_url)
        registering.barrier.wait()
        registering.post(session, f"{seminar_url}/anmeldung", {
            "csrf_token": token, "first_name": "Vorname", "last_name": f"Nummer {number}",
            "email": address, "organisation": "SHG Test", "consent": "y", "website": "",
        })  # fmt: skip
        answered[address] = time.time()  # the mail server's clock: the same machine
        path = mailbox.wait_for(address)
        token = csrf_token(session, base + path)
        confirming.barrier.wait()
        confirming.post(session, f"{base}{path}/bestaetigen", {"csrf_token": token})

    registering.run(volunteer)
    confirming.errors = registering.errors
    return registering, confirming


def trivial_posts(base: str, seminar_id: int) -> Wave:
    wave = Wave(VOLUNTEERS)

    def client(number: int) -> None:
        session = requests.Session()
        session.get(f"{base}/seminare/{seminar_id}", timeout=120)  # same warm-up as a volunteer
        wave.barrier.wait()
        wave.post(session, f"{base}/sprache", {"lang": "de", "next": "/"})

    wave.run(client)
    return wave


def check_database(url: str, seminar_id: int) -> tuple[int, int, bool]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, status, holds_seat FROM registration WHERE seminar_id = :s ORDER BY id"
            ),
            {"s": seminar_id},
        ).all()
    engine.dispose()
    confirmed = [r for r in rows if r.status == "confirmed"]
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    in_order = [r.id for r in rows[:SEATS]] == [r.id for r in confirmed] and all(
        r.status == "waitlisted" for r in rows[SEATS:]
    )
    return len(confirmed), len(waitlisted), in_order


def mail_delays(mailbox: Mailbox, answered: dict[str, float]) -> list[float]:
    """Seconds from the answer to each registration until its mail arrived (0 if before)."""
    return [max(0.0, mailbox.arrival[a] - answered[a]) for a in answered if a in mailbox.arrival]


def main() -> None:
    verdicts = Verdicts("registration_rush")
    with tempfile.TemporaryDirectory(prefix="sid-rush-") as workdir:
        url = fresh_database_url(Path(workdir))
        seminar_id = build_database(url)
        mailbox = Mailbox()
        answered: dict[str, float] = {}
        smtp_port = free_port()
        mail_server = MailServer(smtp_port, mailbox.received)
        settings = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "BASE_URL": "http://bench.invalid",
            "REGISTRATION_RATE_LIMIT": "10000 per minute",
        }
        try:
            with gunicorn(url, **settings) as base, outbox_worker(url, **settings):
                registering, confirming = registration_rush(base, seminar_id, mailbox, answered)
                trivial = trivial_posts(base, seminar_id)
        finally:
            mail_server.stop()
        confirmed, waitlisted, in_order = check_database(url, seminar_id)

    errors = registering.errors + trivial.errors
    backend = urlsplit(url).scheme.split("+")[0]
    print(f"volunteers: {VOLUNTEERS}, seats: {SEATS}; gunicorn {WORKERS} sync workers, {backend}, "
          "one outbox worker, real SMTP server in its own process")  # fmt: skip
    for error in errors[:5]:
        print("  ", error)
    print()
    print(f"{'':34} {'req/s':>8} {'p95 ms':>8}")
    if not errors:
        print(f"{'register (form post)':34} {registering.rate:8.1f} {registering.p95_ms:8.0f}")
        print(f"{'confirm (link post)':34} {confirming.rate:8.1f} {confirming.p95_ms:8.0f}")
        print(f"{'trivial post (/sprache)':34} {trivial.rate:8.1f} {trivial.p95_ms:8.0f}")
    print()
    verdicts.exactly("error responses", len(errors), 0)
    verdicts.exactly("confirmed seats", confirmed, SEATS)
    verdicts.exactly("waitlisted", waitlisted, VOLUNTEERS - SEATS)
    verdicts.holds("waitlist in order of registration", in_order)
    if not errors:
        verdicts.at_least("register / trivial POST", registering.rate / trivial.rate, 0.3, "×")
        verdicts.at_most("register p95", registering.p95_ms / 1000, 2.0, " s")
        delays = mail_delays(mailbox, answered)
        verdicts.exactly("confirmation mails arrived", len(delays), VOLUNTEERS)
        verdicts.at_most("mail arrival median", statistics.median(delays), 1.0, " s")
        verdicts.at_most("mail arrival max", max(delays), 5.0, " s")
    verdicts.finish()


if __name__ == "__main__":
    main()
