import pytest
from werkzeug.datastructures import MultiDict

from seminars.catalogue.filters import MAX_QUERY_LENGTH, CatalogueFilters, parse_filters

TOPICS = ["gruppenleitung", "recht"]
TOWNS = ["Erfurt", "Görlitz"]


def parse(**args):
    return parse_filters(MultiDict(args), topic_keys=TOPICS, towns=TOWNS)


def test_valid_values_are_taken():
    filters, problems = parse(
        q=" Datenschutz ",
        topic="recht",
        format="online",
        month="2027-03",
        town="görlitz",
        free="1",
        page="2",
    )
    assert problems == []
    assert filters == CatalogueFilters(
        q="Datenschutz",
        topic="recht",
        format="online",
        month=(2027, 3),
        town="Görlitz",
        free=True,
        page=2,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("topic", "astrologie"),
        ("format", "zirkus"),
        ("month", "März"),
        ("month", "2027-13"),
        ("month", "1999-01"),
        ("month", "２０２７-０３"),
        ("town", "Atlantis"),
        ("free", "vielleicht"),
        ("page", "0"),
        ("page", "-3"),
        ("page", "1e9"),
        ("page", "²"),
        ("page", "99999999999999999999"),
    ],
)
def test_nonsense_is_dropped_and_explained(name, value):
    filters, problems = parse(**{name: value})
    assert filters == CatalogueFilters()
    assert [p.parameter for p in problems] == [name]
    assert problems[0].message


def test_long_search_is_cut_with_a_note():
    filters, problems = parse(q="x" * 500)
    assert len(filters.q) == MAX_QUERY_LENGTH
    assert [p.parameter for p in problems] == ["q"]


def test_control_characters_and_nul_bytes_are_removed():
    filters, problems = parse(q="Da\x00ten\x1bschutz", town="Erf\x00urt")
    assert filters.q == "Datenschutz"
    assert filters.town == "Erfurt"
    assert problems == []


def test_query_args_round_trip_and_page_change():
    filters = CatalogueFilters(q="a", topic="recht", month=(2027, 1), free=True, page=3)
    args = filters.query_args(page=1)
    assert args == {"q": "a", "topic": "recht", "month": "2027-01", "free": "1"}
    again, problems = parse(**{k: str(v) for k, v in filters.query_args().items()})
    assert again == filters and problems == []
