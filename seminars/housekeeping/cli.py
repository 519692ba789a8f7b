"""``flask --app wsgi housekeeping``: run it every few minutes from cron or a systemd timer."""

from __future__ import annotations

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.core.timezone import utcnow
from seminars.housekeeping.services import run
from seminars.outbox.explain import explain_to_operator


@click.command("housekeeping")
def housekeeping_command() -> None:
    """Expire holds and offers, offer free seats, send reminders, send the outbox."""
    report = run(utcnow())
    click.echo(
        _(
            "Abgelaufen: %(expired)d, Erinnerungen: %(reminders)d, E-Mails gesendet: %(sent)d, "
            "fehlgeschlagen: %(failed)d",
            expired=report.expired,
            reminders=report.reminders,
            sent=report.mail.sent,
            failed=report.mail.failed,
        )
    )
    for line in explain_to_operator(report.mail):
        click.echo(line)
    if report.programme_alerts:
        click.echo(
            ngettext(
                "Hinweise auf neue Seminare: %(num)d E-Mail",
                "Hinweise auf neue Seminare: %(num)d E-Mails",
                report.programme_alerts,
            )
        )
    if report.withdrawn:
        # People who took a seat on the old date after all: their place on the new date ends.
        click.echo(
            ngettext(
                "%(num)d Platz auf einem neuen Termin zurückgenommen: Die Person hat einen "
                "Platz am früheren Termin",
                "%(num)d Plätze auf neuen Terminen zurückgenommen: Die Personen haben einen "
                "Platz am früheren Termin",
                report.withdrawn,
            )
        )
    if report.repaired:
        # Every seat change offers freed seats itself: this is a repair, and says so.
        click.echo(
            ngettext(
                "Reparatur: freie Plätze an Wartende angeboten in %(num)d Seminar",
                "Reparatur: freie Plätze an Wartende angeboten in %(num)d Seminaren",
                report.repaired,
            )
        )
