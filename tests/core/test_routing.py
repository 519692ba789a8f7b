import pytest

from seminars.core.routing import DATABASE_INT_MAX, parse_id


@pytest.mark.parametrize(
    ("raw", "number"),
    [("7", 7), ("000123", 123), ("999999999", 999999999), (None, None), ("", None),
     ("-1", None), ("1e3", None), ("١٢", None), ("１２", None), ("²", None),
     ("1234567890", None), (" 7", None)],
)  # fmt: skip
def test_parse_id_takes_ascii_digits_within_the_database_range(raw, number):
    assert parse_id(raw) == number


def test_ids_in_paths_beyond_the_range_are_not_found(client, app, login):
    assert client.get(f"/seminare/{DATABASE_INT_MAX + 1}").status_code == 404
    login("staff")  # anonymous visitors of the back office are sent to the login page first
    assert client.get(f"/verwaltung/seminare/{DATABASE_INT_MAX + 1}").status_code == 404
    assert client.get(f"/verwaltung/seminare/{'9' * 20}").status_code == 404
