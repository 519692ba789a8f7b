"""A short-lived cache of rendered public list pages.

The catalogue is read far more often than seats change. Each worker keeps the rendered page
for ``CATALOGUE_CACHE_SECONDS`` (default 3), keyed by host, path, query string and language
(links in a page are built from the host it was asked at), so the places shown are never older
than that. The cache is bounded (least recently used entries go first) so that arbitrary
query strings cannot fill memory. The headers in ``KEPT_HEADERS`` (the API's ``Link``) are
kept with the body.

With ``PAGE_CACHE_URL`` (a Redis URL) the pages are kept in Redis instead, shared by every
worker, and a page is served only while nothing it shows has changed since it was built
(``shared_pages.py``): the places shown are then exact on every worker.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, make_response, request

from seminars.catalogue import shared_pages
from seminars.core.i18n import current_language

# Headers that belong to the page and are served again with it.
KEPT_HEADERS = ("Link",)
Headers = tuple[tuple[str, str], ...]


class PageCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[float, bytes, str, Headers]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, now: float) -> tuple[bytes, str, Headers] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, body, mimetype, headers = entry
            if expires <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return body, mimetype, headers

    def put(
        self,
        key: tuple,
        body: bytes,
        mimetype: str,
        expires: float,
        limit: int,
        headers: Headers = (),
    ) -> None:
        with self._lock:
            self._entries[key] = (expires, body, mimetype, headers)
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


page_cache = PageCache()


def cached_page(view: Callable) -> Callable:
    """Serve a GET page from the cache while it is fresh; store successful renders."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        ttl = current_app.config["CATALOGUE_CACHE_SECONDS"]
        if ttl <= 0 or request.method != "GET":
            return view(*args, **kwargs)
        key = (request.host_url, request.path, request.query_string, current_language())
        shared = current_app.config.get("PAGE_CACHE_URL")
        now = time.monotonic()
        generation = None
        if shared:
            hit, generation = shared_pages.lookup(shared, key)
        else:
            hit = page_cache.get(key, now)
        if hit is not None:
            body, mimetype, headers = hit
            return Response(body, mimetype=mimetype, headers=list(headers))
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or response.direct_passthrough:
            return response
        kept = tuple(
            (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
        )
        if not shared:
            page_cache.put(
                key,
                response.get_data(),
                response.mimetype,
                now + ttl,
                current_app.config["CATALOGUE_CACHE_ENTRIES"],
                kept,
            )
        elif generation is not None:
            page = (response.get_data(), response.mimetype, kept)
            shared_pages.store(shared, key, generation, page, ttl)
        return response

    return wrapper
