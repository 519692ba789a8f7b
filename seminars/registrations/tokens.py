"""Links for registrants: long random values of which only a hash is stored.

A registration keeps a random salt. The token in its links is an HMAC of the registration id
and that salt under the application's secret, so the same link can be sent again (to an
address that registers twice) without storing the link itself. The database holds only the
SHA-256 of the token, which is what a request's token is looked up by.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,60}")


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for(registration_id: int, salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"registration:{registration_id}:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN.fullmatch(value))
