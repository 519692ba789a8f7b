"""The venue check without HTTP: each mismatch of a venue and the needs of the seminar's
registrations, settled by a change of venue or a note for that venue, never by a note for
another; online seminars and cancelled registrations raise none."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.accessibility import venue_check
from seminars.accessibility.models import VenueCheckNote
from seminars.audit.models import AuditEntry
from seminars.core.errors import DomainError
from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.programme.models import FORMAT_HYBRID, FORMAT_ONLINE
from seminars.registrations import allocation
from tests import factories


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def register(seminar, now, **needs):
    result = allocation.register(seminar.id, factories.applicant(**needs), now=now)
    db.session.commit()
    return result.registration


def keys(seminar_id: int) -> dict[str, tuple[int, int, bool]]:
    db.session.expire_all()
    return {m.key: (m.people, m.waiting, m.resolved) for m in venue_check.mismatches_of(seminar_id)}


def bare_venue(**facts):
    values = {"step_free_access": False, "accessible_toilet": False, "hearing_loop": False}
    values.update(facts)
    return factories.venue("Gera", **values)


def test_step_free_need_at_a_venue_with_steps_is_a_mismatch_and_so_is_no_toilet(app, now):
    seminar = factories.seminar(place=bare_venue(hearing_loop=True))
    register(seminar, now, need_step_free=True)
    assert keys(seminar.id) == {
        "step_free": (1, 0, False),
        "accessible_toilet": (1, 0, False),
    }


def test_step_free_venue_without_accessible_toilet_warns_of_the_toilet_alone(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True))
    register(seminar, now, need_step_free=True)
    assert keys(seminar.id) == {"accessible_toilet": (1, 0, False)}


def test_hearing_loop_need_at_a_venue_without_one(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True))
    register(seminar, now, need_hearing_loop=True)
    register(seminar, now, need_hearing_loop=True)
    assert keys(seminar.id) == {"hearing_loop": (2, 0, False)}


def test_a_venue_that_has_it_all_raises_nothing(app, now):
    seminar = factories.seminar(
        place=bare_venue(step_free_access=True, accessible_toilet=True, hearing_loop=True)
    )
    register(seminar, now, need_step_free=True, need_hearing_loop=True)
    register(seminar, now, need_personal_assistant=True)
    assert keys(seminar.id) == {}


def test_the_waitlist_counts_apart_and_cancelled_registrations_not_at_all(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True), capacity=1)
    register(seminar, now, need_hearing_loop=True)
    register(seminar, now, need_hearing_loop=True)  # no seat left: on the waitlist
    assert keys(seminar.id) == {"hearing_loop": (1, 1, False)}

    gone = register(seminar, now, need_step_free=True)
    allocation.cancel(gone.id, now=now)
    db.session.commit()
    assert keys(seminar.id) == {"hearing_loop": (1, 1, False)}


def test_only_cancelled_registrations_leave_no_mismatch(app, now):
    seminar = factories.seminar(place=bare_venue())
    registration = register(seminar, now, need_step_free=True, need_hearing_loop=True)
    allocation.cancel(registration.id, now=now)
    db.session.commit()
    assert keys(seminar.id) == {}
    assert venue_check.open_mismatches(now) == []


def test_changing_the_venue_clears_the_mismatch(app, now):
    seminar = factories.seminar(place=bare_venue())
    register(seminar, now, need_hearing_loop=True)
    assert "hearing_loop" in keys(seminar.id)

    seminar.venue = factories.venue("Jena", hearing_loop=True)
    db.session.commit()
    assert keys(seminar.id) == {}


def test_online_seminar_has_no_venue_check_and_hybrid_one_has(app, now):
    online = factories.seminar(seminar_format=FORMAT_ONLINE)
    register(online, now, need_step_free=True, need_hearing_loop=True)
    assert keys(online.id) == {}

    hybrid = factories.seminar(seminar_format=FORMAT_HYBRID, place=bare_venue())
    register(hybrid, now, need_hearing_loop=True)
    assert keys(hybrid.id) == {"hearing_loop": (1, 0, False)}


def test_a_note_settles_the_mismatch_and_is_in_the_change_log(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True, accessible_toilet=True))
    register(seminar, now, need_hearing_loop=True)
    staff = factories.user("staff")

    venue_check.resolve(
        seminar.id, "hearing_loop", "arranged", "Mobile Höranlage gemietet", actor=staff, now=now
    )
    db.session.commit()

    assert keys(seminar.id) == {"hearing_loop": (1, 0, True)}
    assert venue_check.open_mismatches_of(seminar.id, now=now) == []
    assert venue_check.open_mismatches(now) == []
    note = db.session.scalars(select(VenueCheckNote)).one()
    assert (note.venue_id, note.resolution, note.resolved_by_id) == (
        seminar.venue_id,
        "arranged",
        staff.id,
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "venue_check.resolve")
    ).one()
    assert entry.seminar_id == seminar.id and entry.actor_id == staff.id
    assert entry.after["note"] == "Mobile Höranlage gemietet"


def test_a_note_for_another_venue_does_not_count(app, now):
    first = bare_venue()
    seminar = factories.seminar(place=first)
    register(seminar, now, need_hearing_loop=True)
    venue_check.resolve(seminar.id, "hearing_loop", "arranged", "", actor=None, now=now)
    db.session.commit()

    seminar.venue = factories.venue("Suhl", hearing_loop=False, step_free_access=True)
    db.session.commit()
    assert keys(seminar.id) == {"hearing_loop": (1, 0, False)}
    assert [item.seminar_id for item in venue_check.open_mismatches(now)] == [seminar.id]

    # Back at the first venue, its note counts again.
    seminar.venue = first
    db.session.commit()
    assert keys(seminar.id)["hearing_loop"] == (1, 0, True)


def test_fine_needs_a_reason_and_unknown_answers_are_refused(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True, accessible_toilet=True))
    register(seminar, now, need_hearing_loop=True)
    with pytest.raises(DomainError) as refused:
        venue_check.resolve(seminar.id, "hearing_loop", "fine", "  ", actor=None, now=now)
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as refused:
        venue_check.resolve(seminar.id, "hearing_loop", "maybe", "x", actor=None, now=now)
    assert refused.value.field == "resolution"
    with pytest.raises(DomainError) as refused:
        venue_check.resolve(seminar.id, "parking", "arranged", "", actor=None, now=now)
    assert refused.value.field == "check"
    with pytest.raises(DomainError):  # the venue has it: nothing to settle
        venue_check.resolve(seminar.id, "step_free", "arranged", "", actor=None, now=now)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(VenueCheckNote)) == 0


def test_resolving_again_changes_the_note_and_reopen_takes_it_back(app, now):
    seminar = factories.seminar(place=bare_venue(step_free_access=True, accessible_toilet=True))
    register(seminar, now, need_hearing_loop=True)
    venue_check.resolve(seminar.id, "hearing_loop", "arranged", "", actor=None, now=now)
    venue_check.resolve(
        seminar.id,
        "hearing_loop",
        "fine",
        "Die Person bringt ein eigenes Gerät mit.",
        actor=None,
        now=now,
    )
    db.session.commit()
    assert db.session.scalars(select(VenueCheckNote.resolution)).all() == ["fine"]

    venue_check.reopen(seminar.id, "hearing_loop", actor=None)
    db.session.commit()
    assert keys(seminar.id) == {"hearing_loop": (1, 0, False)}
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("venue_check.resolve") == 2
    assert actions[-1] == "venue_check.reopen"


def test_the_start_list_leaves_out_ended_and_cancelled_seminars(app, now):
    upcoming = factories.seminar(place=bare_venue(), starts_in=timedelta(days=20))
    later = factories.seminar(place=bare_venue(), starts_in=timedelta(days=40))
    ended = factories.seminar(place=bare_venue(), starts_in=timedelta(days=5))
    cancelled = factories.seminar(place=bare_venue(), starts_in=timedelta(days=10))
    for seminar in (later, upcoming, ended, cancelled):
        register(seminar, now, need_step_free=True)
    cancelled.status = "cancelled"
    db.session.commit()

    found = venue_check.open_mismatches(now + timedelta(days=6))
    assert [item.seminar_id for item in found] == [upcoming.id, later.id]
    assert [m.key for m in found[0].mismatches] == ["step_free", "accessible_toilet"]
    assert venue_check.open_mismatches_of(ended.id, now=now + timedelta(days=6)) == []
    assert venue_check.mismatches_of(cancelled.id) == []
