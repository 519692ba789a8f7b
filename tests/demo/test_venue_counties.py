"""The demo's venues name their county, so that programme alerts for a county find them."""

from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.demo.services import seed_demo
from seminars.extensions import db
from seminars.programme.models import Venue
from seminars.registrations.counties import COUNTY_NAMES


def test_every_demo_venue_has_its_county(app):
    seed_demo(utcnow())
    db.session.commit()
    counties = {v.town: v.county for v in db.session.scalars(select(Venue))}
    assert counties and all(county in COUNTY_NAMES for county in counties.values())
    assert counties["Jena"] == "th-jena" and counties["Görlitz"] == "sn-goerlitz"
