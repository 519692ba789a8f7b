"""Statistics page: 10 years x 80 seminars x 15 responses x 10 questions.

Times the statistics page (rendered through the app, logged in as the steering committee)
for one year and for all years, next to the raw SQL aggregate queries that the figures need,
run directly in the same process on the same database; prints both and their ratio. The
responses are counted once before (``answer_counts``, what housekeeping does every few
minutes); the raw queries still expand every stored response. Goals:
the page takes at most 3 x the raw queries, for one year and for all years. PostgreSQL when
reachable (``BENCH_DATABASE_URL``), else SQLite.
"""

from __future__ import annotations

import random
import secrets
import statistics as stats
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.goals import Verdicts
from bench.harness import analyse, fresh_database_url

YEARS = 10
SEMINARS_PER_YEAR = 80
RESPONSES = 15
REGISTRATIONS = 20
FIRST_YEAR = 2016

RAW_QUERIES = {
    "postgresql": [
        # seminars held, registrations, reach, seats
        """SELECT count(DISTINCT s.id), count(r.id), count(DISTINCT r.person_key)
           FROM seminar s JOIN seminar_session ss ON ss.seminar_id = s.id
           LEFT JOIN registration r ON r.seminar_id = s.id
           WHERE s.status = 'published' AND {year_filter}""",
        # answers per question and value
        """SELECT kv.key, kv.value, count(*) FROM survey_response sr
           JOIN seminar_session ss ON ss.seminar_id = sr.seminar_id,
           jsonb_each_text(sr.answers::jsonb) kv WHERE {year_filter}
           GROUP BY kv.key, kv.value""",
        # counties
        """SELECT r.county, count(*) FROM registration r
           JOIN seminar_session ss ON ss.seminar_id = r.seminar_id
           WHERE r.status = 'confirmed' AND {year_filter} GROUP BY r.county""",
    ],
    "sqlite": [
        """SELECT count(DISTINCT s.id), count(r.id), count(DISTINCT r.person_key)
           FROM seminar s JOIN seminar_session ss ON ss.seminar_id = s.id
           LEFT JOIN registration r ON r.seminar_id = s.id
           WHERE s.status = 'published' AND {year_filter}""",
        """SELECT kv.key, kv.value, count(*) FROM survey_response sr
           JOIN seminar_session ss ON ss.seminar_id = sr.seminar_id,
           json_each(sr.answers) kv WHERE {year_filter} GROUP BY kv.key, kv.value""",
        """SELECT r.county, count(*) FROM registration r
           JOIN seminar_session ss ON ss.seminar_id = r.seminar_id
           WHERE r.status = 'confirmed' AND {year_filter} GROUP BY r.county""",
    ],
}


def build(app) -> None:
    from flask_migrate import upgrade

    from seminars.extensions import db
    from seminars.registrations.person_key import person_key
    from seminars.surveys.models import SurveyQuestion

    rng = random.Random(7)
    with app.app_context():
        upgrade()
        question = SurveyQuestion.__table__
        questions = list(db.session.execute(sa.select(question.c.id, question.c.kind)))
        extra = [
            {
                "template_id": 1,
                "key": f"extra_{n}",
                "version": 1,
                "kind": "scale5",
                "text_de": f"Zusatzfrage {n}",
                "text_en": f"Extra {n}",
                "options": [],
                "position": 200 + n,
                "online_only": False,
                "retired": False,
            }
            for n in range(max(0, 10 - len(questions)))
        ]
        if extra:
            db.session.execute(question.insert(), extra)
        questions = list(db.session.execute(sa.select(question.c.id, question.c.kind)))[:10]
        meta = db.metadata.tables
        seminar_rows, session_rows, registration_rows, response_rows = [], [], [], []
        seminar_id = 0
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for number in range(SEMINARS_PER_YEAR):
                seminar_id += 1
                start = datetime(year, 1 + number % 12, 1 + number % 27, 8, tzinfo=UTC)
                seminar_rows.append(
                    {
                        "id": seminar_id,
                        "code": f"S{seminar_id}",
                        "title": f"Seminar {seminar_id}",
                        "topic_id": 1 + number % 5,
                        "summary": "",
                        "description": "",
                        "format": "online" if number % 3 else "in_person",
                        "meeting_url": "",
                        "capacity": 18,
                        "waitlist_capacity": 5,
                        "teaching_units": 6,
                        "status": "published",
                        "created_at": start,
                        "updated_at": start,
                        "version": 1,
                    }
                )
                session_rows.append(
                    {
                        "seminar_id": seminar_id,
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=6),
                    }
                )
                for person in range(REGISTRATIONS):
                    email = f"p{seminar_id}-{person}@example.org"
                    status = "confirmed" if person < 16 else "waitlisted"
                    registration_rows.append(
                        {
                            "seminar_id": seminar_id,
                            "status": status,
                            "holds_seat": status == "confirmed",
                            "first_name": "V",
                            "last_name": "N",
                            "email": email,
                            "email_normalized": email,
                            "person_key": person_key(email),
                            "phone": "",
                            "organisation": "",
                            "county": rng.choice(["th-gotha", "th-jena", "sn-leipzig", None]),
                            "locale": "de",
                            "need_sign_language": False,
                            "need_speech_to_text": False,
                            "need_step_free": False,
                            "need_hearing_loop": False,
                            "need_personal_assistant": False,
                            "needs_other": "",
                            "remarks": "",
                            "consent_at": start,
                            "token_salt": "",
                            "created_at": start,
                            "confirmed_at": start,
                            "registered_by_staff": False,
                        }
                    )
                for _ in range(RESPONSES):
                    answers = {
                        str(qid): (
                            rng.randint(1, 5)
                            if kind == "scale5"
                            else rng.random() < 0.8
                            if kind == "yes_no"
                            else "Gut"
                        )
                        for qid, kind in questions
                    }
                    response_rows.append(
                        {
                            "seminar_id": seminar_id,
                            "template_id": 1,
                            "answers": answers,
                            "ballot": secrets.token_hex(32),
                            "hidden": [],
                        }
                    )
        db.session.execute(meta["seminar"].insert(), seminar_rows)
        db.session.execute(meta["seminar_session"].insert(), session_rows)
        db.session.execute(meta["registration"].insert(), registration_rows)
        db.session.execute(meta["survey_response"].insert(), response_rows)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                sa.text("SELECT setval('seminar_id_seq', (SELECT max(id) FROM seminar))")
            )
        db.session.commit()


def timed_side_by_side(first, second, rounds: int = 9) -> tuple[float, float]:
    """Median seconds of ``first`` and of ``second``, timed alternately (after one warm-up
    each), so that a machine busy for a moment slows both alike."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for function, runs in zip((first, second), times, strict=True):
            started = time.perf_counter()
            function()
            runs.append(time.perf_counter() - started)
    return stats.median(times[0]), stats.median(times[1])


def main() -> None:
    verdicts = Verdicts("statistics")
    with tempfile.TemporaryDirectory(prefix="sid-stats-") as folder:
        measure(Path(folder), verdicts)
    verdicts.finish()


def measure(workdir: Path, verdicts: Verdicts) -> None:
    from seminars import create_app
    from seminars.extensions import db
    from seminars.surveys import answer_counts
    from tests import factories

    url = fresh_database_url(workdir)
    # Request log lines (INFO) would land between the figures.
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "WARNING"},
    )
    started = time.perf_counter()
    build(app)
    built = time.perf_counter() - started
    # As the housekeeping timer does in production: count the stored responses once.
    started = time.perf_counter()
    with app.app_context():
        counted = answer_counts.count_new_responses()
    counting = time.perf_counter() - started
    analyse(url)
    print(
        f"database: {sa.engine.make_url(url).get_backend_name()}, {YEARS} years x "
        f"{SEMINARS_PER_YEAR} seminars x {RESPONSES} responses x 10 questions "
        f"(built in {built:.1f} s; {counted} responses counted by housekeeping in "
        f"{counting:.1f} s)"
    )
    with app.app_context():
        account = factories.user("steering")
        email = account.email
    client = app.test_client()
    client.post(
        "/verwaltung/anmelden", data={"email": email, "password": factories.STRONG_PASSWORD}
    )
    dialect = sa.engine.make_url(url).get_backend_name()
    year = FIRST_YEAR + YEARS - 1
    extract = (
        "extract(year from ss.starts_at) = :year"
        if dialect == "postgresql"
        else "CAST(strftime('%Y', ss.starts_at) AS INTEGER) = :year"
    )
    print(f"{'':28} {'page ms':>9} {'raw SQL ms':>11} {'ratio':>6}")
    for label, goal, query_string, year_filter, params in [
        (f"one year ({year})", "one year", f"?year={year}", extract, {"year": year}),
        ("all years", "all years", "", "1 = 1", {}),
    ]:

        def page(query_string=query_string):
            response = client.get("/verwaltung/statistik" + query_string)
            assert response.status_code == 200, response.status_code

        def raw(year_filter=year_filter, params=params):
            with app.app_context():
                for sql in RAW_QUERIES[dialect]:
                    db.session.execute(sa.text(sql.format(year_filter=year_filter)), params).all()
                db.session.remove()

        page_time, raw_time = timed_side_by_side(page, raw)
        print(
            f"{label:28} {page_time * 1000:9.0f} {raw_time * 1000:11.0f} "
            f"{page_time / raw_time:6.2f}"
        )
        verdicts.at_most(f"page / raw SQL, {goal}", page_time / raw_time, 3.0, "x")


if __name__ == "__main__":
    main()
