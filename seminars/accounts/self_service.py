"""Staff help themselves: a forgotten password, and the invitation of a new colleague.

Both send a link (``links.py``) to the account's address; the page behind it sets the
password. Asking for a reset answers the same whether the address has an account or not,
and its mail is left to the outbox worker instead of being sent within the request, so that
neither the answer nor the time it takes tells whether an account exists.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminars.accounts import links
from seminars.accounts.models import User
from seminars.accounts.passwords import hash_password
from seminars.accounts.services import AccountError, check_new_password, create_user
from seminars.audit.services import record
from seminars.core.email_address import normalise_email
from seminars.core.urls import external_url
from seminars.extensions import db
from seminars.outbox.services import queue_mail


class LinkNotValid(AccountError):
    status_code = 404
    default_message = _l(
        "Dieser Link ist abgelaufen oder wurde schon benutzt. Bitte fordern Sie einen neuen an."
    )


def _queue_link_mail(user: User, kind: str, *, now: datetime, in_request: bool) -> None:
    url = external_url("accounts.set_password", token=links.token_for(user, kind, now=now))
    with force_locale("de"):
        if kind == links.INVITATION:
            subject = _("Ihr Zugang zur Seminarverwaltung")
            template = "mail/staff_invitation.txt"
        else:
            subject = _("Neues Passwort für die Seminarverwaltung")
            template = "mail/password_reset.txt"
        body = (
            render_template(
                template,
                user=user,
                url=url,
                hours=current_app.config["PASSWORD_RESET_HOURS"],
                days=current_app.config["INVITATION_DAYS"],
                academy=current_app.config["ACADEMY_NAME"],
            ).strip()
            + "\n"
        )
    queue_mail(
        kind=f"staff_{kind}",
        recipient=user.email,
        subject=subject,
        body_text=body,
        send_after_commit=in_request,
    )


def request_password_reset(email: str, *, now: datetime) -> None:
    """Mail a reset link if an active account has this address; otherwise do nothing.
    The caller answers the same either way."""
    user = db.session.scalars(
        select(User).where(User.email == normalise_email(email), User.active.is_(True))
    ).one_or_none()
    if user is None:
        return
    _queue_link_mail(user, links.RESET, now=now, in_request=False)
    record(None, "user.password_reset_request", user=user)


def account_for_link(token: str, *, now: datetime) -> User | None:
    """The account whose password the link sets, or None if the link does not work."""
    found = links.read(token, now=now)
    return found[0] if found else None


def set_password_by_link(token: str, *, new: str, now: datetime) -> User:
    """Set the password through a reset or invitation link; the link (and every other one
    made before) stops working, and every session of the account ends."""
    found = links.read(token, now=now)
    if found is None:
        raise LinkNotValid()
    user, kind = found
    check_new_password(new, user.email, field="new")
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()
    action = "user.invitation_accept" if kind == links.INVITATION else "user.password_reset_link"
    record(user, action, user=user)
    return user


def invite_user(*, email: str, role: str, name: str = "", actor: User, now: datetime) -> User:
    """Create an account without a password and mail its future owner a link to set one."""
    user = create_user(email=email, role=role, password=None, name=name, actor=actor)
    _queue_link_mail(user, links.INVITATION, now=now, in_request=True)
    record(actor, "user.invite", user=user, after={"email": user.email, "role": role})
    return user
