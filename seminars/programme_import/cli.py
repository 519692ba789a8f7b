"""``flask --app wsgi import-programme FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

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
                _("Nichts importiert. %(n)d Problem(e) gefunden:", n=len(result.problems)),
                err=True,
            )
            for problem in result.problems:
                click.echo(f"  {problem}", err=True)
            raise SystemExit(1)
    click.echo(
        _(
            "Import fertig: %(created)d Seminar(e) neu, %(updated)d aktualisiert.",
            created=result.created,
            updated=result.updated,
        )
    )
