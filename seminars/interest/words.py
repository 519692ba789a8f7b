"""An interest subscription in words, in the current language: what it asks for and where."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from seminars.extensions import db
from seminars.interest.models import REGION_ONLINE, InterestSubscription
from seminars.programme.models import Seminar, Topic
from seminars.registrations.counties import COUNTY_NAMES


def region_name(region: str | None) -> str:
    """The region of a topic subscription in words (current language)."""
    if region is None:
        return _("überall")
    if region == REGION_ONLINE:
        return _("online")
    return COUNTY_NAMES.get(region, region)


def describe(subscription: InterestSubscription) -> str:
    """What the subscription asks for, as one sentence part in the current language, e.g.
    "neue Seminare im Themenbereich „Recht“ (Erfurt (Stadt))"."""
    if subscription.seminar_id is not None:
        seminar = db.session.get(Seminar, subscription.seminar_id)
        title = seminar.title if seminar else "–"
        return _("ein neuer Termin für das Seminar „%(title)s“", title=title)
    topic = db.session.get(Topic, subscription.topic_id)
    locale = str(get_locale() or "de").split("_")[0]
    name = topic.name(locale) if topic else "–"
    return _(
        "neue Seminare im Themenbereich „%(topic)s“ (%(region)s)",
        topic=name,
        region=region_name(subscription.region),
    )
