"""Held seminars with small and large groups of respondents, and the CSV as an attacker reads it.

Six seminars over two topics, two formats and two years: three of them with 1 or 2 responses
(withheld), three with 3, 4 and 10. Some questions are skipped by some respondents, so that a
seminar may be safe for one question and not for another. Registrations sit in a few counties,
some with only 1 or 2 people.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import FORMAT_IN_PERSON, FORMAT_ONLINE
from seminars.surveys.models import SurveyQuestion, SurveyResponse
from tests import factories

MINIMUM = 3
OLD = timedelta(days=-400)  # always in an earlier calendar year than NEW
NEW = timedelta(days=-30)


@dataclass
class Held:
    name: str
    id: int
    year: int
    topic: str
    format: str
    # One dict per respondent: question key -> answer (a key left out was skipped).
    answers: list[dict]
    counties: list[str | None] = field(default_factory=list)


def response(seminar_id: int, answers: dict[str, object], **fields) -> SurveyResponse:
    """A stored response with answers by question key (the current version of each)."""
    ids = {q.key: q.id for q in db.session.scalars(select(SurveyQuestion)) if not q.retired}
    values = {"hidden": [], "released": [], "ballot": secrets.token_hex(32)} | fields
    return SurveyResponse(
        seminar_id=seminar_id,
        template_id=1,
        answers={str(ids[key]): value for key, value in answers.items()},
        **values,
    )


def _spec():
    def people(*scores, recommend=None, text=None):
        rows = []
        for index, score in enumerate(scores):
            row: dict = {"overall": score}
            if recommend is None or index < recommend:
                row["recommend"] = index % 2 == 0
            if text is None or index < text:
                row["helped_most"] = f"Text {score}-{index}"
            rows.append(row)
        return rows

    return [
        # name, start, topic, format, answers, counties of the confirmed registrations
        ("A", OLD, "gruppenleitung", FORMAT_IN_PERSON, people(1),
         ["th-gotha", "th-gotha", None]),
        ("B", OLD, "recht", FORMAT_ONLINE, people(2, 2),
         ["th-erfurt", "th-erfurt", "th-erfurt"]),
        ("E", OLD, "gruppenleitung", FORMAT_IN_PERSON, people(5, 4, 4, 3),
         ["th-gotha", "th-gotha", "sn-leipzig"]),
        ("C", NEW, "gruppenleitung", FORMAT_ONLINE, people(4, 5, 3, recommend=2),
         ["th-jena", "th-jena", "th-erfurt"]),
        ("D", NEW, "recht", FORMAT_IN_PERSON, people(5, 5, 4, 4, 4, 3, 5, 2, 4, 5, text=2),
         ["th-gotha", "th-gotha", "th-gotha", "th-jena", "th-jena", "th-jena"]),
        ("F", NEW, "recht", FORMAT_IN_PERSON, people(1, 5),
         ["sn-leipzig", "sn-leipzig"]),
    ]  # fmt: skip


def build() -> dict[str, Held]:
    seminars: dict[str, Held] = {}
    for name, start, topic, seminar_format, answers, counties in _spec():
        item = factories.seminar(
            f"Seminar {name}",
            starts_at=utcnow().replace(microsecond=0) + start,
            topic_key=topic,
            seminar_format=seminar_format,
            capacity=20,
        )
        for county in counties:
            factories.registration(item, commit=False).county = county
        for row in answers:
            db.session.add(response(item.id, row))
        db.session.commit()
        year = (utcnow() + start).year  # the year of the first session, in UTC
        seminars[name] = Held(name, item.id, year, topic, seminar_format, answers, counties)
    return seminars


def matching(seminars: dict[str, Held], year, topic, fmt, seminar_id) -> frozenset[str]:
    return frozenset(
        s.name
        for s in seminars.values()
        if (year is None or s.year == year)
        and (topic is None or s.topic == topic)
        and (fmt is None or s.format == fmt)
        and (seminar_id is None or s.id == seminar_id)
    )


@dataclass
class Published:
    """The numbers of one statistik.csv, keyed so that two downloads can be subtracted."""

    counts: dict = field(default_factory=dict)  # (question key, answer label) -> count
    n: dict = field(default_factory=dict)  # question key -> n
    withheld: dict = field(default_factory=dict)  # question key -> the row as printed
    counties: dict | None = None  # county label -> count; None when not offered
    years: dict = field(default_factory=dict)  # (topic, question key, year) -> n
    rate: str = ""
    people_reached: int = 0

    def distribution(self, key: str) -> dict[str, int]:
        return {label: c for (k, label), c in self.counts.items() if k == key and c}


def _sections(text: str) -> list[list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    sections, current = [], []
    for row in rows:
        if not any(row):
            sections.append(current)
            current = []
        else:
            current.append(row)
    sections.append(current)
    return sections


def _keys_by_text() -> dict[str, str]:
    """The CSV names questions by their wording; the checks below name them by key."""
    return {q.text_de: q.key for q in db.session.scalars(select(SurveyQuestion))}


def parse(text: str) -> Published:
    headline, questions, counties, _overflow, years, *_services = _sections(text)
    key_of = _keys_by_text()
    published = Published()
    published.rate = next(row[1] for row in headline if row[0].startswith("Rücklaufquote"))
    published.people_reached = int(
        next(row[1] for row in headline if row[0] == "Erreichte Personen")
    )
    assert questions[0][:5] == ["Frage", "Antwort", "Anzahl", "Mittelwert", "n"]
    for question, label, count, _mean, n, _left_out in questions[1:]:
        key = key_of[question]
        if not n:
            published.withheld[key] = (label, count, n)
            continue
        published.n[key] = int(n)
        published.counts[(key, label)] = int(count)
    assert counties[0] == ["Landkreis", "Teilnehmende"]
    if len(counties) == 2 and len(counties[1]) == 1 and "ganze Jahre" in counties[1][0]:
        published.counties = None
    else:
        published.counties = {row[0]: int(row[1]) for row in counties[1:] if len(row) == 2}
    assert years[0] == ["Themenbereich", "Frage", "Jahr", "Mittelwert", "n"]
    for topic, question, year, _mean, n in years[1:]:
        published.years[(topic, key_of[question], year)] = int(n)
    return published


def true_distribution(held: Held, key: str) -> dict[str, int]:
    """What the respondents of one seminar answered, labelled as the CSV labels answers."""
    scale = {1: "1 – sehr schlecht", 2: "2 – schlecht", 3: "3 – mittel", 4: "4 – gut",
             5: "5 – sehr gut"}  # fmt: skip
    counts: dict[str, int] = defaultdict(int)
    for row in held.answers:
        if key not in row:
            continue
        if key == "helped_most":
            counts["Freitextantworten"] += 1
        elif key == "recommend":
            counts["Ja" if row[key] else "Nein"] += 1
        else:
            counts[scale[row[key]]] += 1
    return dict(counts)
