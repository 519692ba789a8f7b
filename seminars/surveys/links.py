"""Survey links and ballots: both keyed with the application's secret.

A link's token is an HMAC of seminar and registration, so the reminder can send the same link
again without anything in the database pointing from the person to the link. The ballot
stored with a response is another HMAC, of the token: it makes a link answer once, and without
the secret nobody can tell which link (let alone which person) a response came from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from seminars.registrations import tokens


def _mac(message: str) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def survey_token(seminar_id: int, registration_id: int) -> str:
    digest = _mac(f"survey-link:{seminar_id}:{registration_id}")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return tokens.token_hash(token)


def ballot(token: str) -> str:
    return _mac(f"survey-ballot:{token}").hex()


looks_like_token = tokens.looks_like_token


# -- paper codes ----------------------------------------------------------------------------
# Someone invited by letter types a code from paper instead of following a link: twelve
# characters of Crockford's base32 (no I, L, O, U), 60 bits of an HMAC of seminar and
# registration under another label than the link. The letter and its reminder print the same
# code without it being stored; the invitation keeps its SHA-256 like a link's.

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -–—_.\t\u00a0")


def paper_code(seminar_id: int, registration_id: int) -> str:
    """The code in its stored form: twelve characters, no dashes."""
    digest = _mac(f"survey-paper:{seminar_id}:{registration_id}")
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * CODE_LENGTH)
    return "".join(
        CODE_ALPHABET[(number >> (5 * (CODE_LENGTH - 1 - i))) & 31] for i in range(CODE_LENGTH)
    )


def normalise_code(typed: str) -> str | None:
    """A typed code in its stored form (case, spaces, dashes and the usual confusions O→0,
    I/L→1 forgiven), or None when it cannot be one."""
    if len(typed) > 40:
        return None
    code = typed.upper().translate(_SEPARATORS).translate(_CONFUSIONS)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def show_code(code: str) -> str:
    """The code as printed: groups of four, "ABCD-EFGH-JKMN"."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def canonical(value: str) -> str | None:
    """What a link or a code is hashed as: a link's token unchanged, a code normalised;
    None for anything else. A code thus answers once, whether typed online or on paper."""
    if looks_like_token(value):
        return value
    return normalise_code(value)
