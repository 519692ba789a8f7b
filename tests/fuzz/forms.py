"""Read the forms of a page as a browser would: action, method and the values it would send."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = Form(
                action=(attributes.get("action") or self.page_path).split("#")[0],
                method=(attributes.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None and self._form is not None:
            value = attributes.get("value") or ""
            self._form.choices.setdefault(self._select, []).append(value)
            if self._select_value is None or "selected" in attributes:
                self._select_value = value
            return
        if self._form is None or "name" not in attributes or "disabled" in attributes:
            return
        name = attributes["name"]
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(name, []).append(attributes.get("value") or "on")
                if "checked" in attributes:
                    self._form.fields.append((name, attributes.get("value") or "on"))
            elif kind in ("submit", "image", "button", "reset"):
                self._form.buttons.append((name, attributes.get("value") or ""))
            else:
                self._form.fields.append((name, attributes.get("value") or ""))
        elif tag == "button":
            if (attributes.get("type") or "submit").lower() == "submit":
                self._form.buttons.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def forms_of(html: str, page_path: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def form_for(html: str, page_path: str, action: str) -> Form:
    """The POST form on the page that sends to ``action`` (query string ignored)."""
    for form in forms_of(html, page_path):
        if form.method == "post" and form.action.split("?")[0] == action:
            return form
    found = sorted({f.action for f in forms_of(html, page_path)})
    raise AssertionError(f"no POST form for {action} on {page_path}; forms: {found}")
