"""Take NUL characters out of every request before any view sees them.

No keyboard produces a NUL; PostgreSQL cannot store one in a text column, and a value that
cannot be stored must not get as far as a half-finished transaction. In form fields a NUL
is dropped, as the forms drop the other control characters. In query strings it becomes
U+FFFD, the replacement character used for any undecodable byte: a code or filter that
was sent stays visibly sent and is answered as unknown, instead of silently becoming
empty. Path arguments reach views unchanged: tokens are hashed and codes checked against
their alphabet before any query.
"""

from __future__ import annotations

from flask import Flask, request


def _carries_nul(values) -> bool:
    # Keys can be None: a multipart part without a name.
    return any(
        "\x00" in (key or "") or any("\x00" in (v or "") for v in vs) for key, vs in values.lists()
    )


def _without_nul(values, replacement: str):
    return type(values)(
        ((key or "").replace("\x00", replacement), (value or "").replace("\x00", replacement))
        for key, vs in values.lists()
        for value in vs
    )


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def take_out_nul_characters():
        if _carries_nul(request.args):
            request.args = _without_nul(request.args, "\ufffd")
        if request.method in ("POST", "PUT", "PATCH") and _carries_nul(request.form):
            request.form = _without_nul(request.form, "")
