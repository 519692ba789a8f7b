from datetime import UTC, date, datetime, time, timedelta

import pytest

from seminars.catalogue import services
from seminars.catalogue.filters import CatalogueFilters
from seminars.core.errors import NotFoundError
from seminars.core.timezone import berlin_to_utc, utcnow
from seminars.programme import availability as av
from seminars.programme.models import FORMAT_HYBRID, FORMAT_ONLINE, STATUS_CANCELLED, STATUS_DRAFT
from tests import factories


def titles(page) -> list[str]:
    return [entry.seminar.title for entry in page.entries]


def listing(now=None, page_size=50, archive=False, **filters):
    return services.list_seminars(
        CatalogueFilters(**filters), now=now or utcnow(), page_size=page_size, archive=archive
    )


def test_upcoming_published_in_date_order(app):
    factories.seminar("Später", starts_in=timedelta(days=20))
    factories.seminar("Bald", starts_in=timedelta(days=2))
    factories.seminar("Entwurf", status=STATUS_DRAFT)
    factories.seminar("Abgesagt", status=STATUS_CANCELLED)
    factories.seminar("Vorbei", starts_in=timedelta(days=-3))
    assert titles(listing()) == ["Bald", "Später"]


def test_archive_lists_past_seminars_newest_first(app):
    factories.seminar("Zukunft")
    factories.seminar("Lange her", starts_in=timedelta(days=-100))
    factories.seminar("Kürzlich", starts_in=timedelta(days=-5))
    factories.seminar("Abgesagt und vorbei", starts_in=timedelta(days=-7), status=STATUS_CANCELLED)
    assert titles(listing(archive=True)) == ["Kürzlich", "Abgesagt und vorbei", "Lange her"]


def test_text_search_in_title_summary_and_description(app):
    factories.seminar("Vereinsrecht kompakt")
    factories.seminar("Andere", summary="Alles zum VEREINSRECHT")
    factories.seminar("Dritte", description="Wir sprechen über *Vereinsrecht*.")
    factories.seminar("Nichts davon")
    assert sorted(titles(listing(q="vereinsrecht"))) == ["Andere", "Dritte", "Vereinsrecht kompakt"]


def test_text_search_treats_wildcards_literally(app):
    factories.seminar("100% Motivation")
    factories.seminar("1000 Ideen")
    assert titles(listing(q="100%")) == ["100% Motivation"]
    assert titles(listing(q="_")) == []


def test_filter_by_topic_format_and_town(app):
    factories.seminar("Recht in Jena", topic_key="recht", town="Jena")
    factories.seminar("Recht online", topic_key="recht", seminar_format=FORMAT_ONLINE)
    factories.seminar("Gruppe in Jena", town="Jena")
    factories.seminar("Hybrid in Leipzig", seminar_format=FORMAT_HYBRID, town="Leipzig")
    assert sorted(titles(listing(topic="recht"))) == ["Recht in Jena", "Recht online"]
    assert titles(listing(format=FORMAT_ONLINE)) == ["Recht online"]
    assert sorted(titles(listing(town="Jena"))) == ["Gruppe in Jena", "Recht in Jena"]
    assert titles(listing(town="Jena", topic="recht")) == ["Recht in Jena"]
    assert titles(listing(format=FORMAT_HYBRID, town="Leipzig")) == ["Hybrid in Leipzig"]


def test_month_filter_uses_berlin_time(app):
    now = datetime(2027, 1, 1, tzinfo=UTC)
    # 00:30 on 1 April in Berlin is still 31 March in UTC.
    factories.seminar(
        "April in Berlin",
        starts_at=berlin_to_utc(date(2027, 4, 1), time(0, 30)),
    )
    factories.seminar("Ende März", starts_at=datetime(2027, 3, 31, 12, 0, tzinfo=UTC))
    assert titles(listing(now=now, month=(2027, 4))) == ["April in Berlin"]
    assert titles(listing(now=now, month=(2027, 3))) == ["Ende März"]


def test_free_places_filter_counts_assistant_seats(app):
    free = factories.seminar("Frei", capacity=3)
    factories.fill(free, 2)
    full = factories.seminar("Voll", capacity=3)
    factories.fill(full, 1)
    factories.registration(full, assistant=True)  # two seats
    closed = factories.seminar(
        "Anmeldeschluss vorbei", capacity=3, registration_closes_at=utcnow() - timedelta(hours=1)
    )
    assert closed.id
    assert titles(listing(free=True)) == ["Frei"]


def test_availability_states_in_listing(app):
    now = utcnow()
    factories.fill(factories.seminar("Plätze", capacity=5, starts_in=timedelta(days=1)), 2)
    waiting = factories.seminar("Warteliste", capacity=2, starts_in=timedelta(days=2))
    factories.fill(waiting, 2, waitlisted=1)
    booked = factories.seminar(
        "Ausgebucht", capacity=2, waitlist_capacity=1, starts_in=timedelta(days=3)
    )
    factories.fill(booked, 2, waitlisted=1)
    factories.seminar(
        "Später offen", starts_in=timedelta(days=4), registration_opens_at=now + timedelta(days=1)
    )
    factories.registration(
        factories.seminar("Storniert zählt nicht", capacity=1, starts_in=timedelta(days=5)),
        status="cancelled",
    )
    states = {e.seminar.title: e.availability for e in listing(now=now).entries}
    assert states["Plätze"].state == av.PLACES_FREE and states["Plätze"].places_left == 3
    assert states["Warteliste"].state == av.WAITLIST_OPEN
    assert states["Ausgebucht"].state == av.FULLY_BOOKED
    assert states["Später offen"].state == av.NOT_YET_OPEN
    assert states["Storniert zählt nicht"].places_left == 1


def test_pagination_and_clamping(app):
    for day in range(1, 6):
        factories.seminar(f"S{day}", starts_in=timedelta(days=day))
    first = listing(page_size=2)
    assert titles(first) == ["S1", "S2"] and first.total == 5 and first.pages == 3
    assert titles(listing(page_size=2, page=3)) == ["S5"]
    beyond = listing(page_size=2, page=99)
    assert beyond.page == 3 and titles(beyond) == ["S5"]


def test_listing_runs_a_constant_number_of_queries(app, count_queries):
    def run() -> int:
        with count_queries() as counter:
            page = listing(page_size=100)
            for entry in page.entries:  # touch everything a page shows
                _ = (
                    entry.seminar.topic.name_de,
                    entry.seminar.venue,
                    entry.seminar.sessions,
                    entry.seminar.instructors,
                )
        return counter.count

    factories.seminar(instructors=["Eine Person"])
    small = run()
    for number in range(12):
        item = factories.seminar(
            sessions=2,
            instructors=[f"Person {number}"],
            seminar_format=FORMAT_ONLINE if number % 2 else "in_person",
        )
        factories.fill(item, 3, waitlisted=1)
    assert run() == small
    assert small <= 4


def test_public_seminar_detail(app):
    item = factories.seminar("Sichtbar", instructors=["Dr. Katrin Möller"])
    entry = services.get_public_seminar(item.id, now=utcnow())
    assert entry.seminar.title == "Sichtbar"
    assert [i.name for i in entry.seminar.instructors] == ["Dr. Katrin Möller"]


@pytest.mark.parametrize("seminar_id", [0, -1, 2**31, 10**30])
def test_public_seminar_rejects_impossible_ids(app, seminar_id):
    with pytest.raises(NotFoundError):
        services.get_public_seminar(seminar_id, now=utcnow())


def test_drafts_are_not_public(app):
    draft = factories.seminar(status=STATUS_DRAFT)
    with pytest.raises(NotFoundError):
        services.get_public_seminar(draft.id, now=utcnow())


def test_filter_choices_offer_towns_of_published_seminars(app):
    factories.seminar(town="Jena")
    factories.seminar(town="Gera", status=STATUS_DRAFT)
    factories.seminar(seminar_format=FORMAT_ONLINE)
    choices = services.filter_choices()
    assert choices.towns == ["Jena"]
    assert "recht" in choices.topic_keys


def test_search_matches_every_word_anywhere_in_the_seminar(app):
    factories.seminar(
        "Vereinsrecht kompakt", town="Gera", instructors=["Petra Örtel"], summary="Satzung"
    )
    factories.seminar("Vereinsrecht für Fortgeschrittene", town="Jena", summary="Haftung")
    factories.seminar("Gruppen leiten", town="Gera", description="Moderation")
    assert titles(listing(q="Vereinsrecht Gera")) == ["Vereinsrecht kompakt"]  # title + town
    assert titles(listing(q="gera  VEREINSRECHT")) == ["Vereinsrecht kompakt"]  # any order
    assert titles(listing(q="örtel")) == ["Vereinsrecht kompakt"]  # trainer, umlaut ignoring case
    assert titles(listing(q="ÖRTEL satzung")) == ["Vereinsrecht kompakt"]
    assert sorted(titles(listing(q="gera"))) == ["Gruppen leiten", "Vereinsrecht kompakt"]
    assert titles(listing(q="Vereinsrecht Moderation")) == []  # every word must match
    assert titles(listing(q="kompakt Gera")) == ["Vereinsrecht kompakt"]  # not one phrase


def test_search_with_many_words_runs_a_constant_number_of_queries(app, count_queries):
    factories.seminar("Vereinsrecht kompakt", town="Gera", instructors=["Petra Örtel"])

    def run(q: str) -> int:
        with count_queries() as counter:
            listing(q=q)
        return counter.count

    assert run("Gera") == run(" ".join(["Gera"] * 40 + ["Vereinsrecht", "Örtel", "kompakt"]))


def test_month_choices_are_the_months_with_seminars(app):
    now = datetime(2027, 3, 10, 12, tzinfo=UTC)
    factories.seminar("März", starts_at=datetime(2027, 3, 20, 9, tzinfo=UTC))
    factories.seminar("Juni", starts_at=datetime(2027, 6, 1, 9, tzinfo=UTC))
    factories.seminar("Noch Juni", starts_at=datetime(2027, 6, 30, 9, tzinfo=UTC))
    # Midnight in Berlin on 1 August is still 31 July in UTC: the month counts in Berlin.
    factories.seminar("August", starts_at=datetime(2027, 7, 31, 22, 30, tzinfo=UTC))
    factories.seminar("Entwurf", starts_at=datetime(2027, 9, 1, 9, tzinfo=UTC), status=STATUS_DRAFT)
    factories.seminar(
        "Abgesagt", starts_at=datetime(2027, 10, 1, 9, tzinfo=UTC), status=STATUS_CANCELLED
    )
    factories.seminar("Januar", starts_at=datetime(2027, 1, 5, 9, tzinfo=UTC))
    choices = services.filter_choices()
    assert choices.months(now=now, archive=False) == [(2027, 3), (2027, 6), (2027, 8)]
    assert choices.months(now=now, archive=True) == [(2027, 1)]
