"""PDFs rendered on request (annual report, sign-in sheet) are limited per user."""

from __future__ import annotations

import pytest

from seminars.extensions import limiter
from tests import factories
from tests.accounts.test_access_matrix import client_for


@pytest.fixture
def two_per_minute(app):
    app.config["PDF_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    yield
    app.config["PDF_RATE_LIMIT"] = "1000 per minute"
    limiter.reset()


def test_rendering_pdfs_on_request_is_limited_per_user(app, two_per_minute):
    seminar = factories.seminar()
    factories.registration(seminar)
    staff = client_for(app, "staff")
    sheet = f"/verwaltung/seminare/{seminar.id}/unterschriften.pdf"
    report = "/verwaltung/statistik/bericht.pdf"
    first, second = staff.get(sheet), staff.get(report)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.data.startswith(b"%PDF") and second.data.startswith(b"%PDF")
    # One count for both documents: the third PDF within the minute is refused.
    for path in (sheet, report):
        refused = staff.get(path)
        assert refused.status_code == 429
        assert "Zu viele Anfragen" in refused.get_data(as_text=True)
    # Someone else, from the same address, still gets theirs.
    steering = client_for(app, "steering")
    assert steering.get(report).status_code == 200
