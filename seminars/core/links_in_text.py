"""Text that people type is never a link.

Names and other free fields end up in mails sent from the academy's address, in the back
office and on certificates. A web address there would reach other people as if the academy
had written it, so form fields refuse anything that looks like one, and the HTML part of a mail
makes clickable only the links the application built itself (``registrations/mails.py``).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_LINK = re.compile(
    r"""
      [a-z][a-z0-9+.-]*://                   # any scheme: https://, ftp://
    | (?:^|[\s<("'])//[^\s/]                  # protocol-relative //host
    | \bwww\d{0,3}\.                          # www.example
    | (?:[^\W_][\w-]*\.)+[^\W\d_]{2,}(?::\d+)?[/\\?#]   # example.org/..., example.org?x
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")

LINK_MESSAGE = _l("Bitte geben Sie hier keine Internetadresse und keinen Link ein.")
ADDRESS_MESSAGE = _l(
    "Bitte geben Sie hier keine E-Mail-Adresse ein; dafür gibt es ein eigenes Feld."
)


def contains_link(text: str | None) -> bool:
    if not text:
        return False
    return _LINK.search(text) is not None


def contains_address(text: str | None) -> bool:
    if not text:
        return False
    return _ADDRESS.search(text) is not None


def no_links(form, field) -> None:
    """WTForms validator for free text: no web addresses."""
    if contains_link(field.data):
        raise ValidationError(LINK_MESSAGE)


def no_links_or_addresses(form, field) -> None:
    """WTForms validator for names: no web addresses and no e-mail addresses."""
    no_links(form, field)
    if contains_address(field.data):
        raise ValidationError(ADDRESS_MESSAGE)
