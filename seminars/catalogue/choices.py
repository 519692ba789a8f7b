"""The filter form's choices (topics, towns, months), kept by each worker for a few seconds.

They change only when the programme does (a seminar published, moved or given another
venue), never with the places, yet reading them costs two queries over every seminar on each
list page. Each worker keeps them for ``CATALOGUE_CHOICES_SECONDS`` (0: read every time), so
a new town or month is offered at most that much later. The lists themselves, their counts
and places are read anew on every request.
"""

from __future__ import annotations

import threading
import time

from flask import current_app

from seminars.catalogue import services
from seminars.catalogue.services import FilterChoices

EXTENSION = "catalogue_choices"


class _Kept:
    def __init__(self) -> None:
        self.choices: FilterChoices | None = None
        self.expires = 0.0
        self.lock = threading.Lock()


def current_choices() -> FilterChoices:
    """The choices to offer, read at most every ``CATALOGUE_CHOICES_SECONDS``."""
    seconds = current_app.config["CATALOGUE_CHOICES_SECONDS"]
    if seconds <= 0:
        return services.filter_choices()
    kept: _Kept = current_app.extensions.setdefault(EXTENSION, _Kept())
    now = time.monotonic()
    with kept.lock:
        if kept.choices is None or kept.expires <= now:
            kept.choices = services.filter_choices()
            kept.expires = now + seconds
        return kept.choices
