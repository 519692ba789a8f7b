"""``flask --app wsgi check-consistency``: after a restore, an incident or a load test."""

from __future__ import annotations

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.registrations.consistency import find_problems


@click.command("check-consistency")
def check_consistency_command() -> None:
    """Check seats, registration states and promised mails; exit 1 if anything is wrong."""
    problems = find_problems()
    for problem in problems:
        click.echo(f"{problem.kind} {problem.subject_id}: {problem.text}")
    if problems:
        click.echo(
            ngettext("%(num)d Problem gefunden.", "%(num)d Probleme gefunden.", len(problems)),
            err=True,
        )
        raise SystemExit(1)
    click.echo(_("Alles in Ordnung: keine Überbuchung, gültige Zustände, alle E-Mails vorhanden."))
