"""Every list page of the back office sends the same number of queries for few or many rows."""

from datetime import timedelta
from itertools import count

import pytest

from seminars.audit.services import record
from seminars.extensions import db
from seminars.programme.models import Topic
from tests import factories
from tests.statistics.disclosure_world import response
from tests.surveys.test_review import seminar_with_texts

# (path, role that may see it); "{seminar}" is the seminar whose registrations grow
LIST_PAGES = [
    ("/verwaltung/seminare", "staff"),
    ("/verwaltung/seminare/{seminar}/anmeldungen", "staff"),
    ("/verwaltung/benutzer", "admin"),
    ("/verwaltung/statistik", "staff"),
    ("/verwaltung/befragung/freitexte", "staff"),
    ("/verwaltung/orte", "staff"),
    ("/verwaltung/themen", "staff"),
    ("/verwaltung/protokoll", "admin"),
]

_topic_numbers = count(1)


def _grow(seminar, rounds: int) -> None:
    """More of everything the list pages show: seminars (each with a venue), registrations,
    accounts, topics, survey answers, free texts and audit entries naming them."""
    for number in range(rounds):
        held = factories.seminar(starts_in=timedelta(days=-10 - number))
        factories.fill(held, 2, waitlisted=1)
        factories.fill(factories.seminar(instructors=[f"Referentin {number}"]), 2)
        factories.fill(seminar, 1, waitlisted=1)
        factories.registration(seminar, status="cancelled", holds_seat=False)
        factories.registration(seminar, channel="post" if number % 2 else "phone")
        account = factories.user("staff" if number % 2 else "steering")
        record(account, "seminar.update", seminar=held, before={"venue_id": held.venue_id})
        person = factories.registration(held, status="cancelled", holds_seat=False)
        record(account, "registration.cancel", registration=person, after={"status": "cancelled"})
        topic = next(_topic_numbers)
        db.session.add(Topic(key=f"weiteres-{topic}", name_de=f"Thema {topic}", name_en="Topic"))
        db.session.add_all(
            [response(held.id, {"overall": 4, "helped_most": f"Text {number}"}) for _ in range(3)]
        )
        db.session.commit()
        seminar_with_texts([f"Freitext {number}", f"Noch einer {number}"], title=f"Mit {number}")


@pytest.mark.parametrize(("path", "role"), LIST_PAGES)
def test_list_page_runs_a_constant_number_of_queries(client, login, count_queries, path, role):
    login(role)
    seminar = factories.seminar(capacity=50, waitlist_capacity=50)
    _grow(seminar, 1)
    url = path.format(seminar=seminar.id)

    def measure() -> tuple[int, int]:
        db.session.expire_all()  # the request shares this session: nothing loaded beforehand
        with count_queries() as counter:
            page = client.get(url)
        assert page.status_code == 200, url
        return counter.count, len(page.data)

    measure()  # caches that fill once
    few, small = measure()
    _grow(seminar, 8)
    many, large = measure()
    assert large > small, url  # the rows added show on the page
    assert many == few, url
