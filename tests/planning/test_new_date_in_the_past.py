"""A new date must lie ahead: one that has begun would take the waiting over to a seminar
nobody can attend."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminars.core.timezone import utcnow
from seminars.extensions import db
from seminars.planning import new_dates
from seminars.planning.errors import PlanningError
from seminars.programme.models import Seminar
from tests.conftest import field_error
from tests.planning.test_new_date_views import form_values, full_seminar, text
from tests.planning.test_new_dates import new_date


def test_a_new_date_that_has_begun_is_refused(app):
    old = full_seminar(waiting=2, interested=0)
    with pytest.raises(PlanningError, match="Zukunft") as refused:
        new_date(old, starts_in=timedelta(hours=-1), code="TIPPFEHLER")
    assert refused.value.field == "sessions"
    db.session.rollback()
    assert new_dates.demand_for(old.id).waiting == 2
    assert new_date(old, starts_in=timedelta(days=3), code="RICHTIG").repeat_of_id == old.id


def test_the_form_says_so_under_the_dates(client, login):
    login("staff")
    old = full_seminar()
    page = text(client.get(f"/verwaltung/seminare/{old.id}/neuer-termin"))
    yesterday = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%d")
    response = client.post(
        f"/verwaltung/seminare/{old.id}/neuer-termin",
        data=form_values(page, sessions=f"{yesterday} 09:30-16:00"),
    )
    assert response.status_code == 422
    assert "Zukunft" in field_error(text(response), "sessions")
    assert db.session.scalar(select(Seminar).where(Seminar.repeat_of_id == old.id)) is None
