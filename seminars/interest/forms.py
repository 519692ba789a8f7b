"""The two forms that subscribe an address: to new seminars of a topic (on the catalogue),
and to a new date of a full seminar (on its page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from seminars.core.forms import Form
from seminars.interest.models import REGION_ONLINE
from seminars.registrations.counties import SAXONY, THURINGIA
from seminars.registrations.forms import _one_line, email_field

# The region field's value for "anywhere" (stored as NULL).
ANYWHERE = ""


def region_groups():
    """(group label or None, [(value, name)]) for the region list, rendered with optgroups:
    anywhere and online first, then the counties."""
    return [
        (None, [(ANYWHERE, _l("überall")), (REGION_ONLINE, _l("online"))]),
        (_l("Thüringen"), THURINGIA),
        (_l("Sachsen"), SAXONY),
    ]


class TopicSubscriptionForm(Form):
    """On the catalogue, whose pages are cached and shared between visitors: no CSRF token
    (see ``interest/views.py``), and the fields carry a prefix so that their ids do not clash
    with the catalogue's filter form."""

    class Meta:
        csrf = False

    # Rendered as selects (``templates/interest/_topic_form.html``); checked against the
    # choices here.
    topic = StringField(
        _l("Themenbereich"),
        filters=[_one_line],
        validators=[DataRequired(_l("Bitte wählen Sie einen Themenbereich aus."))],
    )
    region = StringField(_l("Wo?"), filters=[_one_line], default=ANYWHERE)
    email = email_field()

    def __init__(self, *args, topics=(), language: str = "de", **kwargs):
        kwargs.setdefault("prefix", "interest")
        super().__init__(*args, **kwargs)
        self.topic_choices = [("", _l("Bitte wählen"))] + [
            (str(topic.id), topic.name(language)) for topic in topics
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        known = {value for value, _name in self.topic_choices if value}
        if self.topic.data and self.topic.data not in known:
            self.topic.data = ""
            self.topic.errors = [*self.topic.errors, _l("Bitte wählen Sie einen Eintrag aus.")]
            valid = False
        regions = {value for _group, entries in region_groups() for value, _name in entries}
        if (self.region.data or ANYWHERE) not in regions:
            self.region.data = ANYWHERE
            self.region.errors = [*self.region.errors, _l("Bitte wählen Sie einen Eintrag aus.")]
            valid = False
        return valid

    @property
    def topic_id(self) -> int:
        return int(self.topic.data)

    @property
    def region_value(self) -> str | None:
        return self.region.data or None


class SeminarSubscriptionForm(Form):
    """On a full seminar's page: the address alone."""

    email = email_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new_date")
        super().__init__(*args, **kwargs)
