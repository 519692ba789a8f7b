"""Writes the sample programme files docs/beispiel-programm.csv and .xlsx.

Run from the repository root: ``python docs/beispiel_programm.py``. The columns are those of
the README ("Importing the programme"); tests/programme_import/test_samples.py imports both.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = [
    "code",
    "title",
    "topic",
    "format",
    "sessions",
    "capacity",
    "teaching_units",
    "waitlist_capacity",
    "summary",
    "description",
    "instructors",
    "registration_opens",
    "registration_closes",
    "status",
    "meeting_url",
    "venue_name",
    "venue_street",
    "venue_postcode",
    "venue_town",
    "venue_step_free",
    "venue_accessible_toilet",
    "venue_hearing_loop",
    "venue_accessible_parking",
    "venue_accessibility_notes",
    "venue_directions",
]
ROWS = [
    [
        "BSP-2030-01",
        "Gruppen gut leiten",
        "gruppenleitung",
        "Präsenz",
        "2030-03-09 09:30-16:00; 2030-03-10 09:30-13:00",
        "16",
        "12",
        "8",
        "Wie ein Gruppentreffen gelingt: Ablauf, Gesprächsregeln, schwierige Situationen.",
        "Ein Wochenende für Gruppensprecherinnen und -sprecher.\n\n**Mit vielen Übungen.**",
        "Dr. Katrin Möller; Sabine Hofmann",
        "2030-01-15",
        "2030-03-01",
        "veröffentlicht",
        "",
        "Haus der Selbsthilfe",
        "Lutherplatz 2",
        "07743",
        "Jena",
        "ja",
        "ja",
        "nein",
        "ja",
        "Aufzug am Seiteneingang.",
        "Straßenbahn bis Holzmarkt, dann 5 Minuten zu Fuß.",
    ],
    [
        "BSP-2030-02",
        "Datenschutz in der Selbsthilfegruppe",
        "recht",
        "Online",
        "2030-04-03 18:00-20:00",
        "25",
        "2",
        "10",
        "Was eine Gruppe über ihre Mitglieder aufschreiben darf, und was nicht.",
        "",
        "Thomas Reichelt",
        "",
        "",
        "Entwurf",
        "https://meet.example.org/bsp-2030-02",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(ROWS)


def write_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Programm"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    workbook.save(path)


if __name__ == "__main__":
    write_csv(HERE / "beispiel-programm.csv")
    write_xlsx(HERE / "beispiel-programm.xlsx")
