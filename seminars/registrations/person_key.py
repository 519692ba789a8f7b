"""The pseudonymous person key: who is the same person, without saying who.

A keyed hash (HMAC-SHA256) of the normalised e-mail address. Figures such as "people reached"
count distinct keys, so they stay the same when retention or erasure removes the address.
Without the key (``PERSON_KEY_SECRET``, else derived from ``SECRET_KEY``) nobody can test an
address against it. Erasure replaces a person's keys by one random value, which keeps the
figures and cuts the way back to the address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

from seminars.registrations.phone_numbers import normalise_phone


def _secret() -> bytes:
    configured = current_app.config.get("PERSON_KEY_SECRET")
    if configured:
        return configured.encode()
    return hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"person-key", hashlib.sha256
    ).digest()


def person_key(email_normalized: str) -> str:
    return hmac.new(_secret(), email_normalized.encode(), hashlib.sha256).hexdigest()


def key_without_email(applicant) -> str:
    """The key of someone who takes part without e-mail: their name with postcode and phone
    number, so that the same person booked twice by phone counts once. The number counts
    as a number (``normalise_phone``): "+49 361 …" and "0361 …" give the same key."""
    return _key_without_email(applicant, normalise_phone(applicant.phone))


def keys_without_email(applicant) -> set[str]:
    """The key, and the one registrations booked before numbers were normalised may carry
    (the digits as typed: "+49 361 …" gave "49361…"), so that erasure finds those too."""
    typed = "".join(ch for ch in applicant.phone if ch.isdigit())
    return {key_without_email(applicant), _key_without_email(applicant, typed)}


def _key_without_email(applicant, digits: str) -> str:
    name = " ".join(f"{applicant.first_name} {applicant.last_name}".casefold().split())
    return person_key(f"no-email:{name}|{applicant.postcode.strip()}|{digits}")


def random_key() -> str:
    """A key that stands for one erased person and leads nowhere."""
    return secrets.token_hex(32)
