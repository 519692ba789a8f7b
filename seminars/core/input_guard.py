"""Replace NUL characters in every request before any view sees them.

No keyboard produces a NUL; PostgreSQL cannot store one in a text column, and a value that
cannot be stored must not get as far as a half-finished transaction. In query strings and
form fields each NUL becomes U+FFFD, the replacement character, as for any undecodable
byte: a filter is then explained as unknown, a form answers with its own messages. Path
arguments reach views unchanged: tokens are hashed and codes checked against their
alphabet before any query. Forms remove the other control characters themselves (see
``seminars.core.forms``).
"""

from __future__ import annotations

from flask import Flask, request

REPLACEMENT = "\ufffd"


def _carries_nul(values) -> bool:
    # Keys can be None: a multipart part without a name.
    return any(
        "\x00" in (key or "") or any("\x00" in (v or "") for v in vs) for key, vs in values.lists()
    )


def _without_nul(values):
    return type(values)(
        ((key or "").replace("\x00", REPLACEMENT), (value or "").replace("\x00", REPLACEMENT))
        for key, vs in values.lists()
        for value in vs
    )


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def replace_nul_characters():
        if _carries_nul(request.args):
            request.args = _without_nul(request.args)
        if request.method in ("POST", "PUT", "PATCH") and _carries_nul(request.form):
            request.form = _without_nul(request.form)
