"""Certificates: issue them for a seminar of 30, render them, and serve the stored PDFs.

Three goals, each against a baseline measured in the same run:

1. rendering one certificate (tagged PDF/UA with its QR code) takes at most 4 x the time of a
   bare one-line WeasyPrint page rendered in the same process with the same fonts (both
   timed alternately, the median of the rounds counts);
2. "issue all" for 30 participants, in one request to the production server (gunicorn, its
   workers warmed up at start as ``gunicorn.conf.py`` does), takes at most 3 seconds;
3. a participant's download of an issued certificate (its stored PDF) is served at least at
   half the rate of the trivial route ``/robots.txt`` by the same gunicorn server (``wrk``).

PostgreSQL when reachable (``BENCH_DATABASE_URL``), else SQLite. Also prints the peak memory
of the process.
"""

from __future__ import annotations

import resource
import secrets
import shutil
import statistics as stats
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.catalogue_throughput import CONNECTIONS, DURATION, wrk
from bench.goals import Verdicts
from bench.harness import analyse, fresh_database_url, gunicorn
from bench.registration_rush import csrf_token
from tests.factories import STRONG_PASSWORD

PEOPLE = 30
ROUNDS = 10


def build() -> tuple[int, str]:
    """A past seminar of two sessions with ``PEOPLE`` participants who attended both; returns
    its id and the personal link of the first participant."""
    from flask_migrate import upgrade

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar, SeminarSession, Topic
    from seminars.registrations.models import Attendance, Registration
    from seminars.registrations.person_key import person_key
    from seminars.registrations.tokens import token_hash

    start = utcnow() - timedelta(days=7)
    upgrade()
    seminar = Seminar(
        code="BENCH-CERT",
        title="Gruppen leiten – Grundlagen",
        topic=db.session.query(Topic).first(),
        format="online",
        capacity=PEOPLE,
        status="published",
        teaching_units=8,
        summary="Rollen in der Gruppe\nGespräche leiten\nKonflikte lösen",
        sessions=[
            SeminarSession(starts_at=start, ends_at=start + timedelta(hours=6)),
            SeminarSession(
                starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=4)
            ),
        ],
    )
    db.session.add(seminar)
    db.session.flush()
    first_token = ""
    for number in range(PEOPLE):
        email = f"p{number}@example.org"
        token = secrets.token_urlsafe(32)
        first_token = first_token or token
        registration = Registration(
            seminar=seminar,
            status="confirmed",
            holds_seat=True,
            first_name="Vorname",
            last_name=f"Nachname {number}",
            email=email,
            email_normalized=email,
            person_key=person_key(email),
            consent_at=start,
            token_salt="",
            token_hash=token_hash(token),
            created_at=start,
            confirmed_at=start,
        )
        db.session.add(registration)
        db.session.flush()
        for session in seminar.sessions:
            db.session.add(
                Attendance(registration_id=registration.id, session_id=session.id, present=True)
            )
    db.session.commit()
    return seminar.id, first_token


def issue_all_request(base: str, email: str, seminar_id: int) -> float:
    """Seconds for the back office's "issue all" request to the production server, logged in
    as staff (the redirect it answers with is not followed into the timing)."""
    session = requests.Session()
    login = base + "/verwaltung/anmelden"
    form = {"csrf_token": csrf_token(session, login), "email": email, "password": STRONG_PASSWORD}
    session.post(login, data=form, timeout=60)
    # Logging in starts a new session: its token is read from a page behind the login.
    token = csrf_token(session, base + "/verwaltung/passwort")
    started = time.perf_counter()
    response = session.post(
        f"{base}/verwaltung/seminare/{seminar_id}/bescheinigungen",
        data={"csrf_token": token},
        timeout=60,
        allow_redirects=False,
    )
    seconds = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    return seconds


def render_ratio(app, seminar_id: int) -> tuple[float, float]:
    """Median milliseconds of one certificate and of a bare one-line page, timed alternately."""
    from weasyprint import HTML

    from seminars.certificates import pdf, services
    from seminars.core.pdf import font_config

    def bare() -> bytes:
        return HTML(string="<p>Eine Zeile.</p>").write_pdf(font_config=font_config())

    with app.app_context(), app.test_request_context():
        certificates = services.for_seminar(seminar_id)
        assert len(certificates) == PEOPLE, len(certificates)
        pdf.render_pdf(certificates[0])  # warm-up: fonts, templates
        bare()
        ours, baseline = [], []
        for number in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(3):
                bare()
            baseline.append((time.perf_counter() - started) / 3)
            started = time.perf_counter()
            for certificate in certificates[number * 3 : number * 3 + 3]:
                pdf.render_pdf(certificate)
            ours.append((time.perf_counter() - started) / 3)
    return stats.median(ours) * 1000, stats.median(baseline) * 1000


def main() -> None:
    from seminars import create_app
    from seminars.certificates.models import CertificatePdf
    from seminars.extensions import db
    from tests import factories

    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    verdicts = Verdicts("certificates")
    with tempfile.TemporaryDirectory(prefix="sid-cert-") as folder:
        url = fresh_database_url(Path(folder))
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            seminar_id, token = build()
        analyse(url)
        print(f"database: {sa.engine.make_url(url).get_backend_name()}, {PEOPLE} participants")

        with app.app_context():
            email = factories.user("staff").email
        download = f"/anmeldung/{token}/bescheinigung.pdf"
        with gunicorn(url, cache_seconds=3) as base:
            seconds = issue_all_request(base, email, seminar_id)
            wrk(base + download)  # warm-up of every worker
            trivial = wrk(base + "/robots.txt")
            served = wrk(base + download)
        with app.app_context():
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(CertificatePdf))
        print(f"issue all ({PEOPLE} certificates, one request): {seconds:.2f} s")
        verdicts.exactly("certificates issued and stored", stored, PEOPLE)
        verdicts.at_most(f"issue all for {PEOPLE} in one request", seconds, 3.0, " s")

        ours, bare = render_ratio(app, seminar_id)
        print(f"{'':36} {'ms':>8}")
        print(f"{'bare one-line page':36} {bare:8.1f}")
        print(f"{'certificate (PDF/UA, QR)':36} {ours:8.1f}")
        verdicts.at_most("one certificate / bare page", ours / bare, 4.0, "x")

        print(f"wrk: 2 threads, {CONNECTIONS} connections, {DURATION}")
        print(f"{'':36} {'req/s':>8}")
        print(f"{'trivial route /robots.txt':36} {trivial:8.0f}")
        print(f"{'stored certificate download':36} {served:8.0f}")
        verdicts.at_least("download / trivial route", served / trivial, 0.5)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MiB")
    verdicts.finish()


if __name__ == "__main__":
    main()
