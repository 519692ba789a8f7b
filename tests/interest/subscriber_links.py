"""Stand-in addresses for the subscriber's own pages while they are not part of the app.

``interest.manage`` and ``interest.unsubscribe`` belong to the subscription flow; a mail to
a subscriber names both. Where the app has no such endpoint, ``use_stand_ins`` makes the
mails name a fixed address built from the subscriber's token instead; where it has them, it
does nothing.
"""

from __future__ import annotations

from seminars.core.urls import base_url
from seminars.interest import links, mails


def use_stand_ins(app, monkeypatch) -> None:
    if "interest.manage" in app.view_functions:
        return
    monkeypatch.setattr(
        mails, "manage_url", lambda item: f"{base_url()}/interesse/{links.token_for(item)}"
    )
    monkeypatch.setattr(
        mails,
        "unsubscribe_url",
        lambda item: f"{base_url()}/interesse/{links.token_for(item)}/abbestellen",
    )
