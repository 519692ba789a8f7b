"""What a delivery run's numbers mean, in words for the person who ran the command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.core.urls import external_url
from seminars.outbox.services import DeliveryReport, waiting_count


def explain_to_operator(report: DeliveryReport) -> list[str]:
    """``delivery_problems`` for a command just run: the outbox as it is now, and in
    development the page that shows it (``make run`` serves /dev/mail in debug mode)."""
    if not report.failed:
        return []
    development = current_app.config["ENV_NAME"] == "development"
    return delivery_problems(
        report,
        waiting=waiting_count(),
        config=current_app.config,
        dev_mail_url=external_url("dev_mail.index") if development else None,
    )


def delivery_problems(
    report: DeliveryReport, *, waiting: int, config: Mapping[str, Any], dev_mail_url: str | None
) -> list[str]:
    """Sentences on what failed and why, and where the mail is now; empty when nothing
    failed. ``dev_mail_url``: the page that shows the outbox (development only)."""
    if not report.failed:
        return []
    lines = []
    refused = report.failed - (1 if report.connection_error else 0)
    if report.connection_error:
        lines.append(
            _(
                "Der Mailserver %(server)s:%(port)s ist nicht erreichbar (%(reason)s).",
                server=config["MAIL_SERVER"],
                port=config["MAIL_PORT"],
                reason=report.connection_error,
            )
        )
    if refused:
        lines.append(
            ngettext(
                "%(num)d E-Mail hat der Mailserver abgelehnt; der Grund steht bei der "
                "Anmeldung im Backoffice.",
                "%(num)d E-Mails hat der Mailserver abgelehnt; die Gründe stehen bei den "
                "Anmeldungen im Backoffice.",
                refused,
            )
        )
    if waiting:
        lines.append(
            ngettext(
                "%(num)d E-Mail wartet im Postausgang und wird beim nächsten Lauf erneut versucht.",
                "%(num)d E-Mails warten im Postausgang und werden beim nächsten Lauf erneut "
                "versucht.",
                waiting,
            )
        )
    if report.connection_error and dev_mail_url:
        lines.append(
            _(
                "Im Entwicklungsbetrieb ist das normal: Ohne Mailserver bleiben die E-Mails im "
                "Postausgang. Lesen können Sie sie unter %(url)s. Für echten Versand "
                "MAIL_SERVER und MAIL_PORT setzen.",
                url=dev_mail_url,
            )
        )
    return lines
