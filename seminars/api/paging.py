"""Links between the pages of a list: in the body (``links``) and as an RFC 8288 ``Link``
header. Every link keeps the filters of the request it answers."""

from __future__ import annotations

from collections.abc import Callable

from seminars.catalogue.filters import CatalogueFilters
from seminars.catalogue.services import CataloguePage

# The relations, in the order the header names them (``self`` only in the body).
HEADER_RELATIONS = ("first", "prev", "next", "last")


def page_links(
    page: CataloguePage,
    filters: CatalogueFilters,
    *,
    per_page: int | None,
    url_for_args: Callable[[dict[str, str | int]], str],
) -> dict[str, str | None]:
    """``self``, ``first``, ``last`` always; ``prev`` and ``next`` where such a page exists
    (null otherwise). ``per_page`` is kept when the request gave it."""

    def link(number: int) -> str:
        args = filters.query_args(page=number)
        args["page"] = number  # always named, also for the first page
        if per_page is not None:
            args["per_page"] = per_page
        return url_for_args(args)

    return {
        "self": link(page.page),
        "first": link(1),
        "prev": link(page.page - 1) if page.has_previous else None,
        "next": link(page.page + 1) if page.has_next else None,
        "last": link(page.pages),
    }


def link_header(links: dict[str, str | None]) -> str:
    """``<url>; rel="first", <url>; rel="next", …`` (RFC 8288), for the links that exist."""
    return ", ".join(
        f'<{links[rel]}>; rel="{rel}"' for rel in HEADER_RELATIONS if links.get(rel) is not None
    )
