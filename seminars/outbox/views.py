"""``/dev/mail``: the outbox as a page, only in debug mode outside production, so the flow
works without SMTP. Production refuses to start in debug mode at all (``create_app``)."""

from __future__ import annotations

import html
import re

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape
from sqlalchemy import select

from seminars.core.urls import own_site_link
from seminars.extensions import db
from seminars.outbox.models import OutboxMessage

bp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")

_URL = re.compile(r"https?://[^\s<>\"]+")


def _linkify(text: str) -> Markup:
    """Links to this site become clickable (the ones the mails are about), nothing else."""
    clickable = own_site_link()

    def link(match: re.Match) -> str:
        shown = match.group(0)
        return f'<a href="{shown}">{shown}</a>' if clickable(html.unescape(shown)) else shown

    return Markup(_URL.sub(link, str(escape(text))))


def dev_mail_allowed(app) -> bool:
    return bool(app.debug) and app.config.get("ENV_NAME") != "production"


@bp.before_request
def only_in_debug_mode():
    if not dev_mail_allowed(current_app):
        abort(404)


@bp.get("/")
def index():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)
    ).all()
    return render_template("outbox/dev_mail.html", messages=messages, linkify=_linkify)
