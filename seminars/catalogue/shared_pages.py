"""Cached pages kept in Redis (``PAGE_CACHE_URL``), shared by every worker.

Every stored page carries the *generation* of the catalogue it was built from: a counter in
Redis that goes up after each commit that changed what the lists show (a seat taken or given
back, a seminar edited; see ``catalogue/changes.py``). A page of an older generation is not
served again, so after a change every worker builds its pages anew: the places shown are
exact on all of them as soon as the change is committed. Which pages a change concerns cannot
be told by the seminars they show (a seat given back adds a seminar to the "free places"
list, and every page counts the seminars found), so a change retires all pages at once.

The generation is read before the page is built and stored with it: a page built while a
change was being committed is filed under the old generation and never served. Without
Redis (not reachable, or an error) pages are built as if there were no cache, and a change
that could not be counted is logged: pages then live at most ``CATALOGUE_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading

import redis

log = logging.getLogger("seminars")

PREFIX = "catalogue-page:"
GENERATION_KEY = PREFIX + "generation"
# Short: a cache that does not answer at once is worth less than building the page.
TIMEOUT_SECONDS = 0.5

Headers = tuple[tuple[str, str], ...]
Page = tuple[bytes, str, Headers]

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL and process."""
    with _clients_lock:
        found = _clients.get(url)
        if found is None:
            found = redis.Redis.from_url(
                url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
            )
            _clients[url] = found
        return found


def page_key(key: tuple) -> str:
    return PREFIX + hashlib.sha256(repr(key).encode()).hexdigest()


def _encode(generation: int, page: Page) -> bytes:
    body, mimetype, headers = page
    meta = json.dumps({"generation": generation, "mimetype": mimetype, "headers": headers})
    # JSON escapes control characters, so the first NUL byte ends it.
    return meta.encode() + b"\0" + body


def _decode(value: bytes | str) -> tuple[int, Page]:
    if isinstance(value, str):  # a client that decodes answers; ours does not
        value = value.encode()
    meta, _, body = value.partition(b"\0")
    fields = json.loads(meta)
    headers = tuple((name, text) for name, text in fields["headers"])
    return int(fields["generation"]), (body, fields["mimetype"], headers)


def lookup(url: str, key: tuple) -> tuple[Page | None, int | None]:
    """The page stored for ``key`` if it is of the current generation, and that generation
    (None: Redis did not answer; do not store then). One round trip."""
    try:
        current, stored = client(url).mget([GENERATION_KEY, page_key(key)])
    except redis.RedisError as error:
        log.warning("page cache not reachable at %s: %s", _safe(url), error)
        return None, None
    generation = int(current or 0)
    if stored is None:
        return None, generation
    try:
        built_in, page = _decode(stored)
    except (ValueError, KeyError, TypeError):
        return None, generation
    return (page if built_in == generation else None), generation


def store(url: str, key: tuple, generation: int, page: Page, seconds: float) -> None:
    try:
        client(url).set(page_key(key), _encode(generation, page), px=max(1, int(seconds * 1000)))
    except redis.RedisError as error:
        log.warning("page cache not reachable at %s: %s", _safe(url), error)


def retire_pages(url: str) -> None:
    """Count a change: every page built before it is of an older generation now."""
    try:
        client(url).incr(GENERATION_KEY)
    except redis.RedisError as error:
        log.warning(
            "page cache at %s not told of a change (pages may show it late): %s",
            _safe(url),
            error,
        )


def _safe(url: str) -> str:
    """The URL without a password, for logs."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, _credentials = head.partition("://")
    return f"{scheme}://…@{tail}"
