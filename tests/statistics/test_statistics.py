import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.registrations import allocation, staff
from seminars.statistics import services
from seminars.statistics.charts import bar_chart
from seminars.surveys.models import SurveyInvitation, SurveyQuestion, SurveyResponse
from tests import factories


def question_ids() -> dict[str, int]:
    return {q.key: q.id for q in db.session.scalars(select(SurveyQuestion))}


def small_fixture():
    """One held seminar: capacity 4; 3 confirmed (one cancels later, one no-show),
    1 waitlisted who never got a seat; 4 survey answers."""
    seminar = factories.seminar("Gehalten", capacity=2, starts_in=timedelta(days=-3), hours=5)
    earlier = utcnow() - timedelta(days=30)
    people = []
    for number, county in enumerate(["th-gotha", "th-gotha", "th-gotha", "sn-leipzig"]):
        registration = allocation.register(
            seminar.id, factories.applicant(number, county=county), now=earlier
        ).registration
        db.session.commit()
        allocation.confirm(registration.id, now=earlier)
        db.session.commit()
        people.append(registration)
    allocation.change_capacity(seminar.id, 4, now=earlier)
    db.session.commit()
    for registration in people[2:]:
        allocation.accept_offer(registration.id, now=earlier)
    db.session.commit()
    waiting = allocation.register(seminar.id, factories.applicant(9), now=earlier).registration
    db.session.commit()
    allocation.confirm(waiting.id, now=earlier)
    db.session.commit()
    # Cancelled after the start: the seat is not offered any more, the waiting person never sits.
    allocation.cancel(people[3].id, now=utcnow())
    db.session.commit()
    session = staff.attendance_of(seminar.id).sessions[0]
    staff.record_attendance(
        seminar.id, session.id, {people[0].id, people[1].id}, actor=None, now=utcnow()
    )
    ids = question_ids()
    for overall, recommend in ((5, True), (4, True), (4, False), (2, True)):
        db.session.add(
            SurveyResponse(
                seminar_id=seminar.id,
                template_id=1,
                ballot=factories.ballot(),
                answers={
                    str(ids["overall"]): overall,
                    str(ids["recommend"]): recommend,
                    str(ids["helped_most"]): f"Antwort {overall}",
                },
                hidden=[],
            )
        )
    for number in range(5):
        db.session.add(
            SurveyInvitation(
                seminar_id=seminar.id,
                template_id=1,
                token_hash=f"h{number}",
                closes_at=utcnow(),
            )
        )
    db.session.commit()
    factories.seminar("Zukunft", capacity=10)  # not held yet: counts nowhere
    return seminar, people


def test_figures_match_a_hand_count(app):
    small_fixture()
    stats = services.statistics(services.Filters(), now=utcnow())
    h = stats.headline
    assert h.seminars_held == 1
    assert h.registrations == 5  # everyone confirmed their address
    assert h.people_reached == 3  # confirmed at the end
    assert (h.seats, h.capacity) == (3, 4) and h.fill_rate == 0.75
    # One person waited in vain: fewer than the minimum, so neither counted nor named.
    assert (h.waitlist_demand, h.waitlist_demand_shown) == (0, "small_only")
    assert h.cancelled == 1 and h.cancellation_rate == 1 / 5
    assert (h.no_shows, h.with_attendance) == (1, 3)
    assert (h.survey.invitations, h.survey.responses) == (5, 4) and h.response_rate == 0.8
    overall = next(q for q in stats.questions if q.key == "overall")
    assert overall.n == 4 and overall.mean == (5 + 4 + 4 + 2) / 4
    assert overall.counts == {5: 1, 4: 2, 2: 1}
    recommend = next(q for q in stats.questions if q.key == "recommend")
    assert recommend.counts == {"yes": 3, "no": 1}
    # Leipzig's only person cancelled: nothing else to pool.
    assert (stats.counties.rows, stats.counties.other) == ([("th-gotha", 3)], 0)
    assert stats.overflow == []


def test_small_numbers_are_withheld(app):
    small_fixture()
    app.config["SURVEY_MIN_RESPONSES"] = 5
    try:
        stats = services.statistics(services.Filters(), now=utcnow())
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = 3
    # Withheld means no figure at all, not even n; the seminar is named as left out.
    assert all(not q.shown and q.n == 0 and not q.counts for q in stats.questions)
    assert all(q.seminars_left_out == 1 for q in stats.questions)
    assert stats.headline.response_rate is None


def test_filters_narrow_the_figures(app):
    seminar, _people = small_fixture()
    year = (utcnow() - timedelta(days=3)).year  # the year of the first session (UTC)
    assert (
        services.statistics(services.Filters(topic="recht"), now=utcnow()).headline.seminars_held
        == 0
    )
    assert (
        services.statistics(services.Filters(format="online"), now=utcnow()).headline.seminars_held
        == 0
    )
    assert (
        services.statistics(
            services.Filters(seminar_id=seminar.id), now=utcnow()
        ).headline.seminars_held
        == 1
    )
    assert (
        services.statistics(services.Filters(year=year), now=utcnow()).headline.seminars_held == 1
    )
    assert (
        services.statistics(services.Filters(year=year - 1), now=utcnow()).headline.seminars_held
        == 0
    )


def test_charts_are_valid_svg_with_title_and_description():
    svg = str(bar_chart("c1", "Zufriedenheit <insgesamt>", "5: 1; 4: 2", [("5", 1), ("4", 2)]))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Zufriedenheit <insgesamt>"
    assert root.find(f"{ns}desc").text == "5: 1; 4: 2"
    assert len(root.findall(f"{ns}rect")) == 2


def test_page_and_export(client, login):
    small_fixture()
    login("staff")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "Durchgeführte Seminare" in page and "<svg" in page
    # Free text waits for review: the page says how many, never the text.
    assert "Antwort 5" not in page and "4 Antworten warten auf Durchsicht." in page
    exported = client.get("/verwaltung/statistik.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert ["Durchgeführte Seminare", "1"] in rows
    # One person waited in vain: below the minimum, neither named nor counted exactly.
    assert not any(row[:1] == ["Gehalten"] and len(row) == 3 for row in rows)
    assert [
        "Nachfrage auf der Warteliste",
        "nur kleine Wartelisten (je Seminar weniger als 3 Personen)",
    ] in rows
    overall = "Wie zufrieden sind Sie insgesamt mit dem Seminar?"
    assert any(len(row) == 5 and row[1] == overall and row[3:] == ["3,75", "4"] for row in rows)
    assert any(row[:1] == [overall] and row[3:] == ["3,75", "4", "0"] for row in rows)
    assert ["Gotha", "3"] in rows and "Antwort 5" not in exported


def test_steering_reads_figures_but_never_names_or_contact_data(client, login):
    _seminar, people = small_fixture()
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "Durchgeführte Seminare" in page
    for person in people:
        assert person.last_name not in page and person.email not in page
    assert "Ausblenden" not in page and "Freitextantworten durchsehen" not in page


def test_annual_report_pdf(client, login):
    from pypdf import PdfReader

    small_fixture()
    login("steering")
    response = client.get("/verwaltung/statistik/bericht.pdf")
    assert response.mimetype == "application/pdf"
    document = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in document.pages)
    assert "Durchgeführte Seminare" in text and "Jahresbericht" in document.metadata.title
    assert document.trailer["/Root"]["/Lang"] == "de"


def _waiting_in_vain(title: str, count: int, topic_key: str = "gruppenleitung") -> None:
    """A seminar that has taken place with one seat and ``count`` people left waiting."""
    seminar = factories.seminar(
        title, capacity=1, starts_in=timedelta(days=-3), topic_key=topic_key
    )
    factories.registration(seminar, confirmed_at=utcnow() - timedelta(days=9))
    for _ in range(count):
        factories.registration(
            seminar, status="waitlisted", confirmed_at=utcnow() - timedelta(days=8)
        )


def test_candidates_for_a_repeat_follow_the_minimum_rule(app):
    _waiting_in_vain("Groß", 4)
    _waiting_in_vain("Mittel", 3)
    stats = services.statistics(services.Filters(), now=utcnow())
    assert [(s.title, n) for s, n in stats.overflow] == [("Groß", 4), ("Mittel", 3)]
    assert (stats.headline.waitlist_demand, stats.headline.waitlist_demand_shown) == (7, "")
    # Two more people on a third seminar: it is not named, and the total says "at least 7",
    # not 9, since 9 - 4 - 3 would tell that two people waited there.
    _waiting_in_vain("Klein", 2)
    stats = services.statistics(services.Filters(), now=utcnow())
    assert [s.title for s, _n in stats.overflow] == ["Groß", "Mittel"]
    assert (stats.headline.waitlist_demand, stats.headline.waitlist_demand_shown) == (
        7,
        "at_least",
    )
    # Even when the rest reaches the minimum, the total stays the named seminars' sum: a
    # filtered view (a topic) could otherwise be subtracted from it.
    _waiting_in_vain("Auch klein", 1)
    stats = services.statistics(services.Filters(), now=utcnow())
    assert (stats.headline.waitlist_demand, stats.headline.waitlist_demand_shown) == (
        7,
        "at_least",
    )


def test_no_difference_of_two_views_isolates_a_small_waitlist(app):
    """All topics minus the topics shown must not tell how many waited in the rest."""
    _waiting_in_vain("Groß", 4)  # group leadership
    _waiting_in_vain("Recht eins", 2, topic_key="recht")
    _waiting_in_vain("Recht zwei", 2, topic_key="recht")
    _waiting_in_vain("Allein", 1, topic_key="methoden-medien")

    def demand(topic=None):
        headline = services.statistics(services.Filters(topic=topic), now=utcnow()).headline
        return headline.waitlist_demand, headline.waitlist_demand_shown

    assert demand() == (4, "at_least")
    assert demand("gruppenleitung") == (4, "")
    # Law had four people waiting, on two seminars of two: each too small to show, so the
    # topic shows none, else 9 - 4 - 4 would leave the one person on the third seminar.
    assert demand("recht") == (0, "small_only")
    assert demand("methoden-medien") == (0, "small_only")
