"""Limits per logged-in user for work that costs seconds of a worker, such as PDFs rendered
on request (the annual report, the sign-in sheet). Counted per account, not per address, so
that one account cannot keep the workers busy from many addresses, and colleagues behind one
office router do not share a count."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from seminars.extensions import limiter


def per_user() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# One count for every PDF rendered on request: PDF_RATE_LIMIT in all, per user.
pdf_rate_limit = limiter.shared_limit(
    lambda: current_app.config["PDF_RATE_LIMIT"], scope="rendered-pdf", key_func=per_user
)
