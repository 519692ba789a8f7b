"""``flask --app wsgi outbox send``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from seminars.outbox.services import deliver

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send now.")
def send_command(limit: int) -> None:
    """Send due messages; failures stay in the outbox and are retried later."""
    report = deliver(limit=limit)
    click.echo(
        _("Gesendet: %(sent)d, fehlgeschlagen: %(failed)d, aufgegeben: %(given_up)d",
          sent=report.sent, failed=report.failed, given_up=report.given_up)
    )  # fmt: skip
