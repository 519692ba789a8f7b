"""The venue check in Chromium: staff see the warning on the start page and on the seminar's
page, open the check, are told what is missing in the form, and settle it. Every page is
audited (axe at 1280 and 375 px, the Nu Html Checker, no sideways scrolling at 320 px)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, VNU_JAR, unavailable
from tests.browser.test_journeys import choose_language, staff_login

pytestmark = pytest.mark.browser

VARIANTS = [("de", "desktop"), ("de", "phone"), ("en", "desktop"), ("en", "phone")]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PREFIX = "venue-check-"
_visited: dict[str, str] = {}  # saved HTML file -> URL, of this module's pages


def seminar_at_a_venue_without_a_loop(live_server, title: str) -> int:
    """A seminar at a venue with steps and no hearing loop; one person needs both, another
    waits for a seat and needs the loop."""
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.registrations import allocation
    from tests import factories

    with live_server.app.app_context():
        place = factories.venue(
            "Altenburg", step_free_access=False, accessible_toilet=False, hearing_loop=False
        )
        seminar = factories.seminar(title, place=place, capacity=1)
        for number, needs in enumerate(
            ({"need_step_free": True, "need_hearing_loop": True}, {"need_hearing_loop": True})
        ):
            applicant = factories.applicant(90_000 + seminar.id * 10 + number, **needs)
            allocation.register(seminar.id, applicant, now=utcnow())
            db.session.commit()
        return seminar.id


def check(audit, page, label: str) -> None:
    audit.check(page, PREFIX + label)
    name = PREFIX + label
    _visited[f"{name}.html"] = page.url


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_settle_a_venue_that_misses_a_need(live_server, new_page, audit, language, size):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    staff_login(live_server, page, role="staff")
    title = f"Ortsprüfung {tag}"
    seminar_id = seminar_at_a_venue_without_a_loop(live_server, title)
    check_path = f"/verwaltung/seminare/{seminar_id}/ortspruefung"

    page.goto(live_server.url + "/verwaltung/")
    assert page.locator(f"#venue-checks a[href$='{check_path}']").count() == 1
    check(audit, page, f"dashboard-{tag}")

    page.goto(live_server.url + f"/verwaltung/seminare/{seminar_id}")
    assert page.locator("#venue-check-warning-heading").count() == 1
    check(audit, page, f"seminar-warning-{tag}")
    page.click(f"a[href$='{check_path}']")
    page.wait_for_url(f"**{check_path}")
    assert page.locator("section[aria-labelledby^='check-'] form").count() == 3
    check(audit, page, f"page-{tag}")

    # "Fine" without a reason: refused, the message sits at the note.
    page.check("#check-hearing_loop-resolution-fine")
    page.click("section[aria-labelledby='check-hearing_loop-heading'] button[type=submit]")
    page.wait_for_selector("#check-hearing_loop-note-error")
    assert page.is_checked("#check-hearing_loop-resolution-fine")
    check(audit, page, f"refused-{tag}")

    page.check("#check-hearing_loop-resolution-arranged")
    page.fill("#check-hearing_loop-note", "Mobile Höranlage beim Verleih bestellt")
    page.click("section[aria-labelledby='check-hearing_loop-heading'] button[type=submit]")
    page.wait_for_selector(".notice--success")
    assert page.locator("section[aria-labelledby='check-hearing_loop-heading'] .badge").count()
    check(audit, page, f"settled-{tag}")

    page.goto(live_server.url + "/verwaltung/")
    items = page.locator(f"#venue-checks a[href$='{check_path}']")
    assert items.count() == 1  # step-free access and the toilet are still open


def test_steering_sees_no_venue_check(live_server, new_page):
    page = new_page(DESKTOP)
    staff_login(live_server, page, role="steering")
    assert page.locator("#venue-checks").count() == 0


_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def test_venue_check_pages_do_not_scroll_sideways_at_320_px(live_server, new_page):
    if not _visited:
        pytest.skip("no pages were visited (run the whole module)")
    narrow = new_page({"width": 320, "height": 640})
    staff_login(live_server, narrow, role="staff")
    overflowing = []
    for url in sorted(set(_visited.values())):
        narrow.goto(url)
        if narrow.evaluate(_SCROLLS_SIDEWAYS):
            overflowing.append(url)
    assert overflowing == []


def test_venue_check_pages_are_valid_html():
    if not _visited:
        pytest.skip("no pages were visited (run the whole module)")
    if shutil.which("java") is None or not VNU_JAR.exists():
        unavailable(f"the Nu Html Checker needs java and {VNU_JAR} (npm ci)")
    files = [str(ARTIFACTS / "html" / name) for name in sorted(_visited)]
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:5000]
