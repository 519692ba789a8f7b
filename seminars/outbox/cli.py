"""``flask --app wsgi outbox send`` and ``flask --app wsgi outbox work``."""

from __future__ import annotations

import logging
import signal
import time
from contextlib import ExitStack

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from seminars.extensions import db
from seminars.outbox import wakeup
from seminars.outbox.explain import explain_to_operator
from seminars.outbox.services import DeliveryReport, deliver

log = logging.getLogger(__name__)

# Seconds between looks at the outbox when new mail wakes the worker (PostgreSQL), and when
# nothing does (SQLite).
LISTENING_INTERVAL = 10.0
POLLING_INTERVAL = 0.5

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
    "--interval",
    type=float,
    default=None,
    help="Most seconds between looks at the outbox (default: 10 on PostgreSQL, where new mail "
    "wakes the worker at once; 0.5 on SQLite).",
)
@click.option("--rounds", default=0, hidden=True, help="Stop after this many rounds (tests).")
def work_command(interval: float | None, rounds: int) -> None:
    """Send mail as soon as it is written or due, until stopped (SIGTERM ends it after the
    current round of at most 50 messages). Several workers may run, on several machines: each
    message is claimed by one of them (``claims.py``)."""
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
    engine = db.engine
    if interval is None:
        interval = LISTENING_INTERVAL if wakeup.listens(engine) else POLLING_INTERVAL
    with ExitStack() as stack:
        listener = stack.enter_context(wakeup.Listener(engine)) if wakeup.listens(engine) else None
        done = 0
        try:
            while not stopping and (rounds == 0 or done < rounds):
                done += 1
                report = _one_round()
                if not report.sent:
                    _rest(listener, interval, stopping)
        except KeyboardInterrupt:
            pass


def _rest(listener: wakeup.Listener | None, interval: float, stopping: list[bool]) -> None:
    """Wait for new mail or ``interval`` seconds, in slices short enough to notice SIGTERM."""
    end = time.monotonic() + interval
    while not stopping:
        left = end - time.monotonic()
        if left <= 0:
            return
        if listener is None:
            time.sleep(min(left, 1.0))
        elif listener.wait(min(left, 1.0)):
            return


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
