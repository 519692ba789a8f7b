"""Who is asking: the client as rate limits and registration caps count it.

The address is the one the request came from (after ``ProxyFix`` when ``PROXY_FIX_PROXIES``
is set). An IPv6 client is counted by its /64 network: one connection is usually given a
whole /64 and may pick any address in it. What is stored or kept in the limiter's storage
is a keyed hash (``pseudonym``), never the address or e-mail address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import current_app, request


def client_address() -> str:
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def pseudonym(purpose: str, value: str) -> str:
    """A keyed hash of ``value`` (HMAC-SHA256 with the ``SECRET_KEY``): the same value gives
    the same key, and nobody without the secret can test guesses against it."""
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    message = f"{purpose}\0{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def client_key() -> str:
    """The pseudonym of the client address, e.g. to count a client's unconfirmed registrations."""
    return pseudonym("client", client_address())
