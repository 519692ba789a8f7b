"""Links for interest subscribers: an HMAC of the subscription's id and a random salt, of
which only the SHA-256 is stored (as for registrations, ``registrations/tokens.py``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

from seminars.core.urls import external_url
from seminars.interest.models import InterestSubscription


def token_for(subscription: InterestSubscription) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"interest:{subscription.id}:{subscription.token_salt}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(subscription: InterestSubscription) -> str:
    """Give a flushed subscription (it needs its id) a fresh salt; returns the token."""
    subscription.token_salt = secrets.token_hex(16)
    token = token_for(subscription)
    subscription.token_hash = token_hash(token)
    return token


def manage_url(subscription: InterestSubscription) -> str:
    """The subscriber's page: confirm, renew, unsubscribe."""
    return external_url("interest.manage", token=token_for(subscription))


def unsubscribe_url(subscription: InterestSubscription) -> str:
    """One-click unsubscribe (RFC 8058): a POST here ends the subscription; a GET shows a
    page with the button."""
    return external_url("interest.unsubscribe", token=token_for(subscription))
