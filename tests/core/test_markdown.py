from html.parser import HTMLParser

import pytest

from seminars.core.markdown import render_markdown


class _Elements(HTMLParser):
    """Collects the real elements and attributes of an HTML fragment (not escaped text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Text <script src='https://evil.example/x.js'></script>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">klick</a>',
        "<svg onload=alert(1)>",
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_never_interpreted(source):
    elements = _Elements(str(render_markdown(source)))
    assert set(elements.tags) <= {"p"}
    assert not [name for name, _ in elements.attributes if name.startswith("on")]


@pytest.mark.parametrize(
    "link",
    [
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](java\tscript:alert(1))",
        "[klick](vbscript:msgbox(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_links_lose_their_target(link):
    elements = _Elements(str(render_markdown(link)))
    targets = [value.lower() for name, value in elements.attributes if name == "href"]
    assert not [t for t in targets if not t.startswith(("http://", "https://", "mailto:"))]


def test_safe_markdown_survives():
    html = str(
        render_markdown("**fett** und [Seite](https://example.org) und *kursiv*\n\n- a\n- b")
    )
    assert "<strong>fett</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">Seite</a>' in html
    assert "<ul>" in html and "<em>kursiv</em>" in html


def test_headings_start_below_the_page_structure_without_gaps():
    html = str(render_markdown("# Eins\n\n## Zwei\n\n###### Sechs"))
    assert "<h3>Eins</h3>" in html and "<h4>Zwei</h4>" in html and "<h5>Sechs</h5>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_lower_headings_move_up_to_h3():
    html = str(render_markdown("## Inhalte\n\ntext\n\n#### Details"))
    assert "<h3>Inhalte</h3>" in html and "<h4>Details</h4>" in html


def test_empty_description_renders_nothing():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""
