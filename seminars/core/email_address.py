"""The one spelling of an e-mail address under which it is stored, compared and looked up.

Staff accounts (``accounts``), registrations (``email_normalized``), the person key and the
privacy export all key on it, so an address typed as ``" Name@Example.org "`` finds what
``"name@example.org"`` stored. Surrounding white space goes, and the whole address is
lower-cased (the local part too: no mail provider the academy writes to tells case apart).
"""

from __future__ import annotations


def normalise_email(email: str) -> str:
    return email.strip().lower()
