"""``flask --app wsgi outbox send`` and ``flask --app wsgi outbox work``."""

from __future__ import annotations

import logging
import signal
import time

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from seminars.extensions import db
from seminars.outbox.explain import explain_to_operator
from seminars.outbox.services import DeliveryReport, deliver

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send now.")
def send_command(limit: int) -> None:
    """Send due messages; failures stay in the outbox and are retried later."""
    report = deliver(limit=limit)
    click.echo(
        _(
            "Gesendet: %(sent)d, fehlgeschlagen: %(failed)d, aufgegeben: %(given_up)d",
            sent=report.sent,
            failed=report.failed,
            given_up=report.given_up,
        )
    )
    for line in explain_to_operator(report):
        click.echo(line)


@outbox_cli.command("work")
@click.option(
    "--interval", default=5.0, show_default=True, help="Seconds between looks at the outbox."
)
@click.option("--rounds", default=0, hidden=True, help="Stop after this many rounds (tests).")
def work_command(interval: float, rounds: int) -> None:
    """Send mail as soon as it is due, until stopped (SIGTERM ends it after the current
    round of at most 50 messages). Mail requests could not send in time goes out here."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
    done = 0
    try:
        while not stopping and (rounds == 0 or done < rounds):
            done += 1
            report = _one_round()
            if not report.sent and not stopping:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass


def _one_round() -> DeliveryReport:
    """One look at the outbox. Each claim and each result is a unit of its own
    (``claims.py``); the session is thrown away after every round, whatever happened."""
    try:
        return deliver(limit=50)
    except SQLAlchemyError:  # the database is away: wait and look again
        log.exception("the outbox could not be read; trying again")
        return DeliveryReport()
    finally:
        db.session.remove()
