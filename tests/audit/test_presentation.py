"""The audit log in words: labels, names instead of ids, Berlin times, only what changed."""

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from seminars.audit.labels import ACTION_LABELS
from seminars.audit.models import AuditEntry
from seminars.audit.presentation import present, value_text
from seminars.audit.services import record
from seminars.extensions import db
from seminars.planning import services as planning
from seminars.programme.models import FORMAT_ONLINE, Topic
from tests import factories

ROOT = Path(__file__).resolve().parents[2] / "seminars"
_ACTION = re.compile(r"[a-z]+\.[a-z_]+")


def _actions_written_with_record() -> set[str]:
    """Every string literal passed to ``record(`` (directly or through a variable)."""
    found = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [
                node
                for node in ast.walk(function)
                if isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record"
                and len(node.args) >= 2
            ]
            for call in calls:
                action = call.args[1]
                values = [action] if not isinstance(action, ast.Name) else []
                if isinstance(action, ast.Name):  # action = "a" if … else "b"
                    values = [
                        node.value
                        for node in ast.walk(function)
                        if isinstance(node, ast.Assign)
                        and any(getattr(t, "id", None) == action.id for t in node.targets)
                    ]
                for value in values:
                    for node in ast.walk(value):
                        if (
                            isinstance(node, ast.Constant)
                            and isinstance(node.value, str)
                            and _ACTION.fullmatch(node.value)
                        ):
                            found.add(node.value)
    return found


def test_every_recorded_action_has_a_label():
    written = _actions_written_with_record()
    assert {"seminar.create", "registration.cancel", "survey.hide_text"} <= written
    assert written - set(ACTION_LABELS) == set()


@pytest.fixture
def german(app):
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        yield


def _one(entry: AuditEntry, *, show_people: bool = True):
    db.session.flush()
    return present([entry], show_people=show_people)[0]


def _changes(row) -> dict[str, tuple[str | None, str | None]]:
    return {c.label: (c.before, c.after) for c in row.changes}


def test_a_seminar_change_reads_as_words_and_names(german):
    actor = factories.user("staff")
    actor.name = "Petra Planerin"
    seminar = factories.seminar()
    other_topic = Topic(key="audit-recht", name_de="Rechtliche Grundlagen", name_en="Legal basics")
    db.session.add(other_topic)
    db.session.flush()
    start = datetime(2027, 3, 14, 8, 0, tzinfo=UTC)  # 9:00 in Berlin (winter time)
    entry = record(
        actor,
        "seminar.update",
        seminar=seminar,
        before={
            "topic_id": seminar.topic_id,
            "format": "in_person",
            "venue_id": seminar.venue_id,
            "meeting_url": None,
            "status": "draft",
            "capacity": 10,
            "sessions": [(start, start + timedelta(hours=7))],
        },
        after={
            "topic_id": other_topic.id,
            "format": FORMAT_ONLINE,
            "venue_id": None,
            "meeting_url": "https://meet.example/x",
            "status": "published",
            "capacity": 10,
            "sessions": [(start + timedelta(days=1), start + timedelta(days=1, hours=7))],
        },
    )
    row = _one(entry)
    assert row.action == "Seminar geändert"
    assert row.actor == "Petra Planerin"
    assert row.seminar == f"{seminar.code} – {seminar.title}"
    changes = _changes(row)
    assert changes["Thema"] == (factories.topic().name_de, "Rechtliche Grundlagen")
    assert changes["Format"] == ("Präsenzseminar", "Online-Seminar")
    assert changes["Ort"] == ("Tagungshaus Erfurt, Erfurt", "–")
    assert changes["Zugangslink"] == ("–", "https://meet.example/x")
    assert changes["Status"] == ("Entwurf", "Veröffentlicht")
    before, after = changes["Termine"]
    assert before == "Sonntag, 14. März 2027, 09:00 bis 16:00 Uhr"
    assert after == "Montag, 15. März 2027, 09:00 bis 16:00 Uhr"
    assert "Plätze" not in changes  # unchanged: not shown
    text = " ".join(f"{c.label} {c.before} {c.after}" for c in row.changes)
    assert "topic_id" not in text and "in_person" not in text and "None" not in text


def test_times_are_berlin_times(german):
    entry = record(None, "seminar.create")
    entry.at = datetime(2027, 7, 1, 22, 30, tzinfo=UTC)  # summer time: 00:30 the next day
    entry.after = {"registration_opens_at": "2027-01-10T23:00:00+00:00"}
    row = _one(entry)
    assert row.when == "Freitag, 2. Juli 2027 um 00:30 Uhr"
    assert row.actor == "System"
    assert _changes(row)["Anmeldung ab"] == (None, "Montag, 11. Januar 2027 um 00:00 Uhr")


def test_a_creation_shows_what_was_set_not_the_empty_fields(german):
    seminar = planning.get_seminar(factories.seminar().id)
    entry = record(None, "seminar.create", seminar=seminar, after=planning.snapshot(seminar))
    changes = _changes(_one(entry))
    assert changes["Titel"] == (None, seminar.title)
    assert changes["Status"] == (None, "Veröffentlicht")
    assert "Zugangslink" not in changes  # empty at creation: nothing to tell
    assert "Referierende" not in changes  # none yet
    assert changes["Plätze"] == (None, "10")


def test_values_read_as_labels_and_booleans_as_ja_nein(german):
    staff_member = factories.user("steering")
    registration = factories.registration(factories.seminar())
    entries = [
        record(
            None, "user.update", user=staff_member, before={"active": True}, after={"active": False}
        ),
        record(None, "user.create", user=staff_member, after={"role": "steering"}),
        record(
            None,
            "registration.cancel",
            registration=registration,
            before={"status": "confirmed"},
            after={"status": "cancelled"},
        ),
    ]
    db.session.flush()
    rows = present(entries, show_people=True)
    assert _changes(rows[0])["Aktiv"] == ("ja", "nein")
    assert rows[0].account == "Steering Person"
    assert _changes(rows[1])["Rolle"] == (None, "Steuerkreis")
    assert rows[2].action == "Anmeldung storniert"
    assert _changes(rows[2])["Status"] == ("bestätigt", "abgesagt")
    assert rows[2].person == f"Vorname {registration.last_name}"


def test_people_stay_hidden_from_who_may_not_see_them(german):
    registration = factories.registration(factories.seminar())
    entry = record(
        None,
        "registration.update",
        registration=registration,
        before={"email": "alt@example.org"},
        after={"email": "neu@example.org"},
        note="Rief an",
    )
    row = _one(entry, show_people=False)
    assert row.person == f"Anmeldung Nr. {registration.id}"
    assert registration.last_name not in str(row) and "example.org" not in str(row)
    assert row.note == "" and row.changes == []


def test_unknown_actions_fields_and_values_show_readably(german):
    entry = record(
        None,
        "registration.opt_out",
        after={
            "opt_out_reason": "zu weit",
            "odd": {"nested": [1, None, True]},
            "sessions": "not a list of pairs",
            "topic_id": 999_999,
        },
    )
    row = _one(entry)
    assert row.action == "registration.opt_out"
    changes = _changes(row)
    assert changes["opt out reason"] == (None, "zu weit")
    assert changes["odd"] == (None, "nested: 1; –; ja")
    assert changes["Termine"] == (None, "not a list of pairs")
    assert changes["Thema"] == (None, "Nr. 999999 (nicht mehr vorhanden)")


def test_value_text_never_raises(german):
    for value in [None, "", [], {}, 3, 2.5, "2027-13-99T25:00", [[1]], {"a": object()}]:
        assert isinstance(value_text("seminar.update", "sessions", value), str)
        assert isinstance(value_text("x", "status", value), str)


def test_blanked_entries_keep_who_and_what_but_no_values(german):
    """After erasure (audit/personal_data.py) only the action and the actor remain, and the
    person's name comes from the anonymised registration."""
    from seminars.core.timezone import utcnow
    from seminars.privacy import services as privacy

    registration = factories.registration(factories.seminar())
    record(
        None,
        "registration.update",
        registration=registration,
        before={"phone": "0361 1"},
        after={"phone": "0361 2"},
        note="Geheim",
    )
    db.session.commit()
    privacy.erase_person(registration.email, actor=None, now=utcnow())
    db.session.commit()
    entries = db.session.query(AuditEntry).filter_by(registration_id=registration.id).all()
    row = present(entries, show_people=True)[0]
    assert row.action == "Kontaktdaten korrigiert"
    assert row.changes == [] and row.note == ""
    assert row.person == f"Anmeldung Nr. {registration.id}"
    assert "Nachname" not in str(row) and "0361" not in str(row)


def test_the_needs_a_volunteer_changed_are_named_in_words(app):
    from seminars.audit.presentation import _field_label

    assert _field_label("need_hearing_loop") == "Induktive Höranlage"
    assert _field_label("need_hearing_loop") != "need hearing loop"
    assert _field_label("topic_id") == "Thema"
