"""``flask --app wsgi seed-demo``."""

from __future__ import annotations

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.core.timezone import utcnow
from seminars.core.unit_of_work import unit
from seminars.demo.services import database_is_empty, seed_demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when seminars exist already.")
def seed_demo_command(if_empty: bool) -> None:
    """Load a realistic demo programme (a year of seminars, some nearly full)."""
    # One unit: the check for an empty database and the whole demo programme, loaded
    # completely or not at all.
    with unit():
        if not database_is_empty():
            if if_empty:
                click.echo(_("Die Datenbank enthält schon Seminare; keine Demodaten geladen."))
                return
            click.echo(
                _("Die Datenbank enthält schon Seminare. Demodaten nur in eine leere Datenbank."),
                err=True,
            )
            raise SystemExit(1)
        summary = seed_demo(utcnow())
    click.echo(
        _("Demoprogramm geladen:")
        + " "
        + ngettext("%(num)d Seminar", "%(num)d Seminare", summary.seminars)
        + ", "
        + ngettext("%(num)d Anmeldung.", "%(num)d Anmeldungen.", summary.registrations)
    )
