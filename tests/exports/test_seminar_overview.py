"""The seminar overview (CSV) for staff: German words, registration figures, few queries."""

import csv
import io

from seminars.extensions import db
from seminars.programme.models import FORMAT_ONLINE, STATUS_DRAFT
from tests import factories


def _overview(client) -> dict[str, dict[str, str]]:
    response = client.get("/verwaltung/seminare.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_overview_uses_german_labels_and_counts_registrations(client, login):
    full = factories.seminar(code="SID-VOLL", capacity=3)
    factories.registration(full)
    factories.registration(full, assistant=True)  # two seats
    factories.registration(full, status="waitlisted")
    factories.registration(full, status="pending", holds_seat=False)  # waits, unconfirmed
    factories.registration(full, status="cancelled", holds_seat=False)
    factories.seminar(code="SID-LEER", seminar_format=FORMAT_ONLINE, status=STATUS_DRAFT)
    login("staff")
    rows = _overview(client)
    assert rows["SID-VOLL"]["Status"] == "Veröffentlicht"
    assert rows["SID-VOLL"]["Form"] == "Präsenzseminar"
    assert (
        rows["SID-VOLL"]["Plätze"],
        rows["SID-VOLL"]["Bestätigt"],
        rows["SID-VOLL"]["Warteliste"],
        rows["SID-VOLL"]["Freie Plätze"],
    ) == ("3", "2", "2", "0")
    empty = rows["SID-LEER"]
    assert (empty["Status"], empty["Form"]) == ("Entwurf", "Online-Seminar")
    assert (empty["Bestätigt"], empty["Warteliste"], empty["Freie Plätze"]) == ("0", "0", "10")


def test_overview_runs_the_same_queries_for_any_number_of_seminars(client, login, count_queries):
    login("staff")

    def queries_with(seminars: int) -> int:
        for _ in range(seminars):
            factories.fill(factories.seminar(commit=False), 2, waitlisted=1)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/verwaltung/seminare.csv").status_code == 200
        return counter.count

    assert queries_with(1) == queries_with(4)
