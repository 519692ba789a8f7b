"""Markdown to safe HTML for seminar descriptions written by staff or imported from files."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is shown as text, never interpreted.
_parser = MarkdownIt("commonmark", {"html": False, "typographer": False})

_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}


_HEADING = re.compile(r"<(/?)h([1-6])>")
# The description sits under the page's h1 and its own h2: its top headings become h3.
_FIRST_LEVEL = 3


def _shift_headings(html: str) -> str:
    """Move headings so the highest one is h3, keeping their order and gaps closed."""
    levels = sorted({int(level) for _, level in _HEADING.findall(html)})
    if not levels:
        return html
    # Map each used level to consecutive levels from h3 on, so no level is skipped.
    mapping = {level: min(_FIRST_LEVEL + index, 6) for index, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{mapping[int(m.group(2))]}>", html)


def render_markdown(source: str | None) -> Markup:
    """Render Markdown and sanitise the result: no script, no event handler, no odd scheme."""
    if not source:
        return Markup("")
    html = _shift_headings(_parser.render(source))
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 above
