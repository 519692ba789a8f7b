"""Housekeeping says how many places on new dates it withdrew, like its other counts."""

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import services
from seminars.registrations import allocation
from tests.planning.test_new_dates import full_seminar, new_date, places_on


def test_housekeeping_counts_the_places_it_withdrew(app):
    old, (w1, _w2) = full_seminar(("email", "email"))
    copy = new_date(old, capacity=1)
    now = utcnow()
    services.set_status(copy.id, "published", actor=None, now=now)
    db.session.commit()
    allocation.cancel(places_on(old.id)[0].id, now=now)
    db.session.commit()
    allocation.accept_offer(w1.id, now=now)  # w1 takes the seat on the old date
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert (
        "1 Platz auf einem neuen Termin zurückgenommen: Die Person hat einen Platz am "
        "früheren Termin" in result.output
    )
    again = app.test_cli_runner().invoke(args=["housekeeping"])
    assert "zurückgenommen" not in again.output
