"""``flask --app wsgi import-programme FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import ngettext

from seminars.core.unit_of_work import unit
from seminars.programme_import.readers import MAX_FILE_BYTES
from seminars.programme_import.services import import_programme


@click.command("import-programme")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_programme_command(file: Path) -> None:
    """Import or update seminars from a CSV or XLSX file (columns: see README)."""
    with file.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)  # one byte more is enough to refuse it
    # One unit: the whole file. It is written all at once or, when any row has a problem,
    # not at all (the unit is rolled back on the way out).
    with unit():
        result = import_programme(file.name, data)
        if not result.ok:
            click.echo(
                ngettext(
                    "Nichts importiert. %(num)d Problem gefunden:",
                    "Nichts importiert. %(num)d Probleme gefunden:",
                    len(result.problems),
                ),
                err=True,
            )
            for problem in result.problems:
                click.echo(f"  {problem}", err=True)
            raise SystemExit(1)
    click.echo(
        ngettext(
            "Import fertig: %(num)d Seminar neu, %(updated)d aktualisiert.",
            "Import fertig: %(num)d Seminare neu, %(updated)d aktualisiert.",
            result.created,
            updated=result.updated,
        )
    )
