"""Take NUL characters out of every request before any view sees them.

No keyboard produces a NUL; PostgreSQL cannot store one in a text column, and a value that
cannot be stored must not get as far as a half-finished transaction. In form fields a NUL
is dropped, as the forms drop the other control characters. In query strings it becomes
U+FFFD, the replacement character used for any undecodable byte: a code or filter that
was sent stays visibly sent and is answered as unknown, instead of silently becoming
empty. Path arguments reach views unchanged: tokens are hashed and codes checked against
their alphabet before any query.

A multipart part without a name (no browser sends one) is dropped: its key would be None,
and the CSRF check, which looks at every key for a prefixed token field, fails on it. The
guard therefore runs before the CSRF check (``create_app`` installs it first).
"""

from __future__ import annotations

from flask import Flask, request


def _needs_cleaning(values) -> bool:
    # A NUL anywhere, or a key of None (a multipart part without a name).
    return any(
        key is None or "\x00" in key or any("\x00" in (v or "") for v in vs)
        for key, vs in values.lists()
    )


def _cleaned(values, replacement: str):
    return type(values)(
        (key.replace("\x00", replacement), (value or "").replace("\x00", replacement))
        for key, vs in values.lists()
        if key is not None
        for value in vs
    )


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def take_out_nul_characters():
        if _needs_cleaning(request.args):
            request.args = _cleaned(request.args, "\ufffd")
        if request.method in ("POST", "PUT", "PATCH") and _needs_cleaning(request.form):
            request.form = _cleaned(request.form, "")
