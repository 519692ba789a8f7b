"""``/dev/mail``: the outbox as a page, only in debug mode outside production, so the flow
works without SMTP. Production refuses to start in debug mode at all (``create_app``)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape
from sqlalchemy import select

from seminars.extensions import db
from seminars.outbox.models import OutboxMessage

bp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")

_URL = re.compile(r"https?://[^\s<>\"]+")


def _linkify(text: str) -> Markup:
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


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
