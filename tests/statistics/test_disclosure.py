"""Safe units: survey figures, the response rate and reach by county never show fewer people
than the minimum, on the page, in the CSV and in the annual report."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.statistics import services
from seminars.statistics.disclosure import combine, publish_year
from seminars.surveys.models import SurveyInvitation
from tests.statistics.disclosure_world import MINIMUM, build


def test_small_counties_are_pooled_and_the_pool_is_never_small():
    # Erfurt (2) and the one without a county make 3: enough on their own.
    assert publish_year({"a": 5, "b": 3, "c": 2, None: 1}, 3) == ({"a": 5, "b": 3}, 3)
    # A pool of 2 takes in the smallest county (ties by key), then it is safe.
    assert publish_year({"a": 5, "b": 4, "c": 2}, 3) == ({"a": 5}, 6)
    assert publish_year({"b": 4, "a": 4, None: 1}, 3) == ({"b": 4}, 5)
    # A year below the minimum altogether publishes nothing.
    assert publish_year({"a": 1, None: 1}, 3) == ({}, 0)
    assert publish_year({}, 3) == ({}, 0)


def test_all_years_add_up_what_each_year_published():
    table = combine({2025: {"a": 4, "b": 2}, 2026: {"a": 2, "b": 5, None: 1}, 2027: {"c": 2}}, 3)
    # 2025: a 4, pool 2 takes a -> pool 6; 2026: b 5, pool 3; 2027: too few.
    assert (table.rows, table.other, table.years_left_out) == ([("b", 5)], 9, 1)


cells = st.dictionaries(st.sampled_from(["a", "b", "c", "d", None]), st.integers(0, 8), max_size=5)


@given(years=st.dictionaries(st.sampled_from([2024, 2025, 2026]), cells, max_size=3))
def test_no_county_count_or_difference_between_years_is_small(years):
    everything = combine(years, MINIMUM)
    published_all = dict(everything.rows) | {"other": everything.other}
    for year, year_cells in years.items():
        shown, other = publish_year(year_cells, MINIMUM)
        assert all(n >= MINIMUM for n in shown.values()) and other in {0} | set(range(3, 99))
        total = sum(year_cells.values())
        assert sum(shown.values()) + other == (total if total >= MINIMUM else 0)
        one_year = combine({year: year_cells}, MINIMUM)
        published_year = dict(one_year.rows) | {"other": one_year.other}
        for key in published_all.keys() | published_year.keys():
            difference = published_all.get(key, 0) - published_year.get(key, 0)
            assert difference == 0 or difference >= MINIMUM


def test_every_question_counts_only_seminars_with_enough_answers_to_it(app):
    world = build()
    stats = services.statistics(services.Filters(), now=utcnow())
    by_key = {q.key: q for q in stats.questions}
    # overall: C 3 + E 4 + D 10; A (1), B (2) and F (2) are left out.
    assert (by_key["overall"].n, by_key["overall"].seminars_left_out) == (17, 3)
    # recommend: only 2 of C's 3 answered it, so C is left out of this question only.
    assert (by_key["recommend"].n, by_key["recommend"].seminars_left_out) == (14, 4)
    assert by_key["recommend"].counts == {"yes": 7, "no": 7}
    # free text: D's 2 texts are too few, C's 3 and E's 4 count; none is released yet.
    text = by_key["helped_most"]
    assert (text.n, text.waiting, text.texts, text.seminars_left_out) == (7, 7, [], 4)
    expected_mean = (4 + 5 + 3 + 5 + 4 + 4 + 3 + 5 + 5 + 4 + 4 + 4 + 3 + 5 + 2 + 4 + 5) / 17
    assert abs(by_key["overall"].mean - expected_mean) < 1e-9
    # The comparison of the years holds safe units only: 2 of B's answers are not in it.
    old, new = world["A"].year, world["D"].year
    assert stats.by_year[("Rechtliche Grundlagen", "overall")] == {new: (41 / 10, 10)}
    assert stats.by_year[("Gruppenleitung und Gruppenarbeit", "overall")] == {
        old: (16 / 4, 4),
        new: (12 / 3, 3),
    }
    alone = services.statistics(services.Filters(seminar_id=world["F"].id), now=utcnow())
    assert all(q.n == 0 and not q.counts and not q.shown for q in alone.questions)
    assert alone.by_year == {}


def test_the_response_rate_counts_seminars_with_enough_responses_only(app):
    world = build()
    invited_per_seminar = {"A": 4, "B": 2, "C": 5, "D": 12, "E": 4, "F": 3}
    for name, invited in invited_per_seminar.items():
        for number in range(invited):
            db.session.add(
                SurveyInvitation(
                    seminar_id=world[name].id, template_id=1, token_hash=f"{name}{number}",
                    closes_at=utcnow(),
                )
            )  # fmt: skip
    db.session.commit()
    stats = services.statistics(services.Filters(), now=utcnow())
    survey = stats.headline.survey
    # C 3 of 5, D 10 of 12, E 4 of 4; A (1 of 4), B (2 of 2) and F (2 of 3) count nowhere.
    assert (survey.responses, survey.invitations, survey.seminars_left_out) == (17, 21, 3)
    assert stats.headline.response_rate == 17 / 21
    only_a = services.statistics(services.Filters(seminar_id=world["A"].id), now=utcnow())
    assert only_a.headline.response_rate is None and only_a.headline.survey.responses == 0


def test_counties_per_year_with_pooling_and_only_for_whole_years(app):
    world = build()
    old, new = world["A"].year, world["D"].year

    def table(**filters):
        return services.statistics(services.Filters(**filters), now=utcnow()).counties

    # Old year: Gotha 4, Erfurt 3, Leipzig 1, no county 1: the pool of 2 takes in Erfurt.
    assert (table(year=old).rows, table(year=old).other) == ([("th-gotha", 4)], 5)
    # New year: Jena 5, Gotha 3; Leipzig 2 and Erfurt 1 make a pool of 3.
    assert (table(year=new).rows, table(year=new).other) == (
        [("th-jena", 5), ("th-gotha", 3)],
        3,
    )
    everything = table()
    assert (everything.rows, everything.other) == ([("th-gotha", 7), ("th-jena", 5)], 8)
    for filters in ({"topic": "recht"}, {"format": "online"}, {"seminar_id": world["D"].id}):
        assert table(**filters).offered is False and table(**filters).rows == []


def test_the_page_names_what_is_left_out_but_no_small_n(client, login):
    world = build()
    login("steering")
    page = client.get("/verwaltung/statistik").get_data(as_text=True)
    assert "zählt eine Frage eines Seminars nur mit, wenn mindestens 3 Personen" in page
    assert "3 Seminare mit weniger als 3 Antworten auf diese Frage sind nicht enthalten." in page
    assert "Andere Landkreise oder ohne Angabe" in page and "< 3" not in page
    small = client.get(f"/verwaltung/statistik?seminar={world['B'].id}").get_data(as_text=True)
    assert "Nicht genug Antworten" in small and "n = " not in small
    assert "Rücklaufquote (Seminare mit mindestens 3 Antworten)" in small
    assert "zu wenige Antworten" in small
    assert "nur für ganze Jahre" in small and "Gotha" not in small


def test_the_annual_report_prints_the_same_protected_figures(client, login):
    from pypdf import PdfReader

    world = build()
    login("steering")

    def text_of(path: str) -> str:
        document = PdfReader(io.BytesIO(client.get(path).data))
        return " ".join(page.extract_text() for page in document.pages)

    everything = text_of("/verwaltung/statistik/bericht.pdf")
    assert "Andere Landkreise oder ohne Angabe" in everything and "n = 17" in everything
    assert "Text " not in everything  # free text is never printed
    small = text_of(f"/verwaltung/statistik/bericht.pdf?seminar={world['A'].id}")
    assert "Nicht genug Antworten" in small and "n = " not in small
    assert "nur für ganze Jahre" in small
