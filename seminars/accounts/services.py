"""Creating users, logging in, changing passwords; every change is in the audit log."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.accounts.models import ROLES, User
from seminars.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    unusable_hash,
    verify_password,
)
from seminars.audit.services import record
from seminars.core.email_address import normalise_email
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db


class AccountError(DomainError):
    status_code = 400


def find_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def authenticate(email: str, password: str, *, now: datetime) -> User | None:
    """The active user with this address and password, or None. Unknown addresses take as
    long as wrong passwords, and both give the same answer."""
    user = db.session.scalars(
        select(User).where(User.email == normalise_email(email))
    ).one_or_none()
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:  # (no user: verify_password has refused already)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    db.session.flush()
    return user


def check_new_password(password: str, email: str, *, field: str) -> None:
    problem = password_problem(password, (email, email.split("@")[0]))
    if problem:
        raise AccountError(problem, field=field)


def create_user(
    *, email: str, role: str, password: str | None, name: str = "", actor: User | None
) -> User:
    """A new account. Without a password (an invitation) nobody can log in to it until its
    owner sets one through the link in the invitation (``self_service.invite_user``)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(_l("Unbekannte Rolle."), field="role")
    if "@" not in email or len(email) > 254:
        raise AccountError(_l("Bitte eine gültige E-Mail-Adresse angeben."), field="email")
    exists = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if exists:
        raise AccountError(_l("Für diese Adresse gibt es schon ein Konto."), field="email")
    if password is not None:
        check_new_password(password, email, field="password")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password is not None else unusable_hash(),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user=user, after={"email": email, "role": role, "name": name})
    return user


def change_own_password(user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError(_l("Das bisherige Passwort stimmt nicht."), field="current")
    check_new_password(new, user.email, field="new")
    user.password_hash = hash_password(new)
    user.session_version += 1  # other sessions end; the view logs this one in again
    db.session.flush()
    record(user, "user.password", user=user)


def reset_password(actor: User, user: User, *, new: str) -> None:
    check_new_password(new, user.email, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()
    record(actor, "user.password_reset", user=user)


def set_active(actor: User, user: User, *, active: bool) -> None:
    if user.id == actor.id and not active:
        raise AccountError(_l("Sie können Ihr eigenes Konto nicht deaktivieren."), field="active")
    before = {"active": user.active}
    user.active = active
    if not active:
        user.session_version += 1
    db.session.flush()
    record(actor, "user.update", user=user, before=before, after={"active": active})


def set_role(actor: User, user: User, *, role: str) -> None:
    if role not in ROLES:
        raise AccountError(_l("Unbekannte Rolle."), field="role")
    if role == user.role:
        return
    if user.id == actor.id:
        # Nobody takes administration away from themselves (and perhaps from everyone).
        raise AccountError(_l("Sie können Ihre eigene Rolle nicht ändern."), field="role")
    before = {"role": user.role}
    user.role = role
    user.session_version += 1  # pages open in the old role stop working
    db.session.flush()
    record(actor, "user.role", user=user, before=before, after={"role": role})


def end_sessions(user: User) -> None:
    """Logout: the session cookie the user holds is worth nothing from now on."""
    user.session_version += 1
    db.session.flush()
