"""The steering committee as an attacker: it downloads statistik.csv under every combination of
filters and subtracts what it got, trying to learn the answers of seminars with 1 or 2
respondents, or the counties of single people."""

from __future__ import annotations

import itertools

import pytest

from seminars.programme.models import FORMAT_IN_PERSON, FORMAT_ONLINE
from tests.statistics.disclosure_world import MINIMUM, Held, Published, build, matching, parse
from tests.statistics.disclosure_world import true_distribution as truth

SMALL = ("A", "B", "F")  # 1, 2 and 2 respondents
QUESTIONS = ("overall", "recommend", "helped_most")


def download_everything(client, seminars: dict[str, Held], seminar_filters=None):
    """{filter combination: (matched seminars, parsed CSV)} for every combination."""
    years = sorted({s.year for s in seminars.values()})
    if seminar_filters is None:
        seminar_filters = [None, *(s.id for s in seminars.values())]
    results = {}
    for year, topic, fmt, seminar_id in itertools.product(
        [None, *years],
        [None, "gruppenleitung", "recht"],
        [None, FORMAT_IN_PERSON, FORMAT_ONLINE],
        seminar_filters,
    ):
        query = {
            k: v
            for k, v in {"year": year, "topic": topic, "format": fmt, "seminar": seminar_id}.items()
            if v is not None
        }
        response = client.get("/verwaltung/statistik.csv", query_string=query)
        assert response.status_code == 200
        results[(year, topic, fmt, seminar_id)] = (
            matching(seminars, year, topic, fmt, seminar_id),
            parse(response.get_data(as_text=True)),
        )
    return results


def _difference(big: dict, small: dict) -> dict:
    return {key: big.get(key, 0) - small.get(key, 0) for key in set(big) | set(small)}


def problems_of(results: dict, seminars: dict[str, Held]) -> list[str]:
    """Everything the attacker learns that it must not: small counts, small differences,
    and the true answers of the small seminars."""
    found: list[str] = []
    secrets = {(name, key): truth(seminars[name], key) for name in SMALL for key in QUESTIONS}
    # (a) every published n and county count covers at least the minimum of people
    for combination, (_matched, csv) in results.items():
        for label, figures in (("n", csv.n), ("year n", csv.years), ("county", csv.counties)):
            for key, value in (figures or {}).items():
                if value < MINIMUM:
                    found.append(f"{combination}: {label} {key} = {value}")
        # Beside the people reached (each person registered once here), the county table
        # leaves out nobody but a group of at least the minimum.
        if csv.counties is not None:
            rest = csv.people_reached - sum(csv.counties.values())
            if 0 < rest < MINIMUM:
                found.append(f"{combination}: {rest} people missing from the county table")
        for key, row in csv.withheld.items():
            if row != ("nicht genug Antworten", "", ""):
                found.append(f"{combination}: withheld {key} prints {row}")
        for (name, key), secret in secrets.items():
            if csv.distribution(key) == secret:
                found.append(f"{combination}: shows {name}'s answers to {key}")
    # (b) and (c): every difference of two nested selections
    for (small_combo, (inner, low)), (big_combo, (outer, high)) in itertools.permutations(
        results.items(), 2
    ):
        if not inner <= outer:
            continue
        pair = f"{big_combo} minus {small_combo}"
        for label, a, b in (
            ("n", high.n, low.n),
            ("year n", high.years, low.years),
            ("county", high.counties, low.counties),
            ("count", high.counts, low.counts),
        ):
            if a is None or b is None:
                continue
            for key, value in _difference(a, b).items():
                if value < 0 or (label != "count" and 0 < value < MINIMUM):
                    found.append(f"{pair}: {label} {key} differs by {value}")
        for key in QUESTIONS:
            left = {
                label: c
                for label, c in _difference(high.distribution(key), low.distribution(key)).items()
                if c
            }
            for name in SMALL:
                if left and left == secrets[(name, key)]:
                    found.append(f"{pair}: reveals {name}'s answers to {key}")
    return found


@pytest.fixture
def world(app, client, login):
    seminars = build()
    login("steering")
    return seminars


def test_no_filter_combination_or_difference_reveals_a_small_group(client, world):
    results = download_everything(client, world)
    assert len(results) == 3 * 3 * 3 * 7
    # The fixture is what the attack needs: small seminars hold answers and are selectable.
    assert any(truth(world[name], "overall") for name in SMALL)
    assert any(csv.counties is None for _m, csv in results.values())
    assert problems_of(results, world) == []


def test_the_attacker_wins_against_unprotected_figures(app, client, world):
    """The check above can fail: without suppression it finds small groups at once."""
    app.config["SURVEY_MIN_RESPONSES"] = 1
    try:
        results = download_everything(client, world, seminar_filters=[None, world["A"].id])
    finally:
        app.config["SURVEY_MIN_RESPONSES"] = MINIMUM
    found = problems_of(results, world)
    assert any("shows A's answers to overall" in problem for problem in found)
    assert any("differs by 1" in problem for problem in found)


def test_the_audit_attack_yields_nothing(client, world):
    """All seminars minus every seminar with enough answers leaves nothing of the others."""

    def download(**query) -> Published:
        return parse(client.get("/verwaltung/statistik.csv", query_string=query).get_data(True))

    everything = download()
    remainder_n = dict(everything.n)
    remainder_counts = dict(everything.counts)
    for name in ("C", "D", "E"):  # 3, 10 and 4 respondents
        part = download(seminar=world[name].id)
        for key, n in part.n.items():
            remainder_n[key] -= n
        for key, count in part.counts.items():
            remainder_counts[key] -= count
    assert set(remainder_n.values()) == {0} and set(remainder_counts.values()) == {0}
    # The small seminar itself: no number, not even how many answered.
    alone = download(seminar=world["B"].id)
    assert alone.n == {} and alone.counts == {} and alone.years == {}
    assert set(alone.withheld) == {"overall", "recommend", "helped_most"}
    assert alone.rate == "zu wenige Antworten" and alone.counties is None
