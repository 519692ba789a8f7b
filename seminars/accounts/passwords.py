"""Password hashing (Argon2id) and the password rules."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified when an address is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("no account has this password, it only costs time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def unusable_hash() -> str:
    """A stored value no password matches (not an Argon2 hash): an account invited by mail
    has it until its owner sets a password. Random, so that its links differ."""
    return "!invited:" + secrets.token_hex(16)


def verify_password(password_hash: str | None, password: str) -> bool:
    # No hash, or no Argon2 hash (an invited account): the dummy costs the same time.
    usable = password_hash if password_hash and password_hash.startswith("$argon2") else None
    try:
        return _hasher.verify(usable or _DUMMY_HASH, password) and usable is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, user_inputs: tuple[str, ...] = ()):
    """Why a new password is refused, or None. Common and guessable passwords are refused."""
    if len(password) < MIN_LENGTH:
        return _l("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=MAX_LENGTH)
    # zxcvbn refuses passwords over 72 characters; the first 72 tell enough about strength.
    if zxcvbn(password[:72], user_inputs=list(user_inputs))["score"] < 3:
        return _l(
            "Dieses Passwort ist zu leicht zu erraten (zum Beispiel ein häufiges Passwort). "
            "Nehmen Sie besser mehrere Wörter, die nicht zusammengehören."
        )
    return None
