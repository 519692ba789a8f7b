"""Every PDF the application makes (certificates, annual report, sign-in sheet) comes from here.

Tagged PDF/UA-1 by WeasyPrint, with one font configuration per process (a batch of a hundred
certificates does not load the fonts a hundred times), and a fetcher that reads nothing from
the network and nothing from disk outside the app's static folder; ``data:`` URIs (the QR
codes of ``core/qr.py``) carry their content in the page itself.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

_font_config = None


def font_config():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def static_only_fetcher(static_folder: str):
    """A WeasyPrint URL fetcher that reads files from ``static_folder`` and ``data:`` URIs,
    and nothing else."""
    from weasyprint.urls import URLFetcher

    static = Path(static_folder).resolve()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith("file://"):
                raise ValueError(f"documents fetch nothing from {url!r}")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if static not in path.parents:
                raise ValueError(f"documents read nothing outside the static folder: {url!r}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` (relative links resolve inside ``static/``) as a tagged PDF/UA-1."""
    from weasyprint import HTML

    static_folder = current_app.static_folder
    assert static_folder is not None  # create_app always names it
    static = Path(static_folder).resolve()
    document = HTML(
        string=html,
        base_url=static.as_uri() + "/",
        url_fetcher=static_only_fetcher(static_folder),
    )
    return document.write_pdf(font_config=font_config(), pdf_variant="pdf/ua-1")


def warm_up() -> None:
    """Load the PDF engine and the fonts now: the first document a process renders otherwise
    pays for both (about a second), inside someone's request. App servers call this
    when a worker starts (``gunicorn.conf.py``)."""
    from weasyprint import HTML

    HTML(string="<p lang='de'>Selbsthilfe im Dialog</p>").write_pdf(
        font_config=font_config(), pdf_variant="pdf/ua-1"
    )
