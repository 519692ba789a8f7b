from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from seminars.extensions import db
from seminars.programme.models import SeminarSession
from tests import factories


def test_timestamps_come_back_aware_in_utc(app):
    berlin_summer = timezone(timedelta(hours=2))
    start = datetime(2027, 6, 5, 9, 30, tzinfo=berlin_summer)
    item = factories.seminar(starts_at=start)
    db.session.expire_all()
    stored = db.session.scalars(
        select(SeminarSession.starts_at).where(SeminarSession.seminar_id == item.id)
    ).one()
    assert stored.tzinfo is not None
    assert stored == datetime(2027, 6, 5, 7, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused(app):
    with pytest.raises(StatementError):
        factories.seminar(starts_at=datetime(2027, 6, 5, 9, 30))  # noqa: DTZ001
    db.session.rollback()
