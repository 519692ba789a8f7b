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
