"""Links that let a staff member set a password: after "Passwort vergessen?" and in an
invitation.

The token is signed with the application's secret (itsdangerous) and names the account, the
account's ``session_version``, a fingerprint of its current password hash, the kind of link
and when it was made. Nothing is stored. A link works once: setting the password changes the
hash and the session version, and every link made before no longer matches. It works for a
limited time: ``PASSWORD_RESET_HOURS`` for a reset, ``INVITATION_DAYS`` for an invitation.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from seminars.accounts.models import User
from seminars.extensions import db

RESET = "reset"
INVITATION = "invitation"
# A clock a little ahead on another server must not make a fresh link look made in the future.
_CLOCK_SKEW = timedelta(minutes=5)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="accounts.password-link")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}:{user.session_version}".encode()).hexdigest()[:24]


def max_age(kind: str) -> timedelta:
    if kind == INVITATION:
        return timedelta(days=current_app.config["INVITATION_DAYS"])
    return timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"])


def token_for(user: User, kind: str, *, now: datetime) -> str:
    payload = {"u": user.id, "f": _fingerprint(user), "k": kind, "t": int(now.timestamp())}
    return str(_serializer().dumps(payload))


def read(token: str, *, now: datetime) -> tuple[User, str] | None:
    """The active account and the kind of link, or None for any link that does not (or no
    longer) work: forged, expired, already used, or for an account since deactivated."""
    try:
        payload = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, fingerprint, kind, made = (payload.get(key) for key in ("u", "f", "k", "t"))
    if kind not in (RESET, INVITATION) or not isinstance(user_id, int):
        return None
    if not isinstance(made, int) or not isinstance(fingerprint, str):
        return None
    age = now - datetime.fromtimestamp(made, tz=now.tzinfo)
    if age > max_age(kind) or age < -_CLOCK_SKEW:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(_fingerprint(user).encode(), fingerprint.encode()):
        return None
    return user, kind
