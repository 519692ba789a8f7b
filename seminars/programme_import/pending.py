"""An uploaded programme file kept between its preview and the confirmation of the import.

The file is never stored in the database: it waits as a file named by a random token in a
folder of its own under the instance folder, and only the session of the person who uploaded
it knows the token. Confirming reads it once and deletes it; a file nobody confirms is deleted
with the next upload after ``MAX_AGE`` (or by anyone's next upload, whoever it is). Several
app servers must share the instance folder for this, or pin a user to one server.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

MAX_AGE = timedelta(hours=1)
_SUFFIX = ".upload"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _path(directory: Path, token: str) -> Path | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return directory / f"{token}{_SUFFIX}"


def keep(directory: Path, data: bytes) -> str:
    """Store ``data`` and return the token that finds it again."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    sweep(directory)
    token = secrets.token_urlsafe(24)
    path = _path(directory, token)
    assert path is not None
    with path.open("xb") as stream:
        stream.write(data)
    return token


def load(directory: Path, token: str) -> bytes | None:
    """The kept file, or None if the token is malformed, unknown or too old."""
    path = _path(directory, token)
    if path is None:
        return None
    try:
        if time.time() - path.stat().st_mtime > MAX_AGE.total_seconds():
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except OSError:
        return None


def forget(directory: Path, token: str) -> None:
    path = _path(directory, token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep(directory: Path) -> None:
    """Delete every kept file older than ``MAX_AGE``."""
    cutoff = time.time() - MAX_AGE.total_seconds()
    for path in directory.glob(f"*{_SUFFIX}"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
