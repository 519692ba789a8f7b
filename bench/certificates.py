"""Certificates: render 100 certificates of one seminar and zip them.

Prints the time per certificate next to the time per page of a bare one-line WeasyPrint
document rendered in the same run (same process, same font configuration), their ratio
(goal: at most 2) and the peak memory of the process.
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PEOPLE = 100


def build(url: str) -> int:
    from flask_migrate import upgrade

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar, SeminarSession, Topic
    from seminars.registrations.models import Attendance, Registration
    from seminars.registrations.person_key import person_key

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
    for number in range(PEOPLE):
        email = f"p{number}@example.org"
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
            created_at=start,
        )
        db.session.add(registration)
        db.session.flush()
        for session in seminar.sessions:
            db.session.add(
                Attendance(registration_id=registration.id, session_id=session.id, present=True)
            )
    db.session.commit()
    return seminar.id


def main() -> None:
    from weasyprint import HTML

    from seminars import create_app
    from seminars.certificates import pdf, services
    from seminars.core.pdf import font_config
    from seminars.core.timezone import utcnow
    from seminars.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="sid-cert-"))
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'c.sqlite3'}"})
    with app.app_context():
        seminar_id = build(app.config["SQLALCHEMY_DATABASE_URI"])
        result = services.issue_all(seminar_id, actor=None, now=utcnow())
        db.session.commit()
        certificates = services.for_seminar(seminar_id)
        assert result.issued == PEOPLE == len(certificates)

        # Warm-up: fonts, templates.
        pdf.render_pdf(certificates[0])
        HTML(string="<p>x</p>").write_pdf(font_config=font_config())

        started = time.perf_counter()
        for _ in range(PEOPLE):
            HTML(string="<p>Eine Zeile.</p>").write_pdf(font_config=font_config())
        bare = (time.perf_counter() - started) / PEOPLE

        started = time.perf_counter()
        archive = pdf.zip_of(certificates)
        ours = (time.perf_counter() - started) / PEOPLE

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"certificates: {PEOPLE}, ZIP {len(archive) / 1024:.0f} KiB")
    print(f"{'':36} {'ms':>8}")
    print(f"{'bare one-line page':36} {bare * 1000:8.1f}")
    print(f"{'certificate (PDF/UA, QR, in ZIP)':36} {ours * 1000:8.1f}")
    print(f"ratio: {ours / bare:.2f} (goal: at most 2)")
    print(f"peak memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
