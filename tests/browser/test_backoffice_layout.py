"""The back office is laid out for work: at 1280 px no table is cut off, at 375 px a table that
is wider than the screen scrolls inside a labelled region that the keyboard reaches, the key
figures' labels never break inside a word, and the navigation says where you are.

Every page here also goes through the audit (axe, the Nu Html Checker, screenshots named
``layout-<page>-<width>`` in tests/artifacts/screenshots).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import (
    an_undelivered_mail,
    calls_to_make,
    letters_to_print,
    staff_login,
    texts_to_review,
)

pytestmark = pytest.mark.browser

OVERDUE_TITLE = "Gebärdensprache verpasst"

# (path, name, the staff-navigation link that must be marked as the current page)
LIST_PAGES = [
    ("/verwaltung/", "dashboard", "/verwaltung/"),
    ("/verwaltung/seminare", "seminars", "/verwaltung/seminare"),
    ("/verwaltung/seminare/1", "seminar", "/verwaltung/seminare"),
    ("/verwaltung/orte", "venues", "/verwaltung/seminare"),
    ("/verwaltung/themen", "topics", "/verwaltung/seminare"),
    ("/verwaltung/seminare/8/anmeldungen", "registrations", "/verwaltung/seminare"),
    ("/verwaltung/benutzer", "users", "/verwaltung/benutzer"),
    ("/verwaltung/befragung", "questionnaire", "/verwaltung/befragung"),
    ("/verwaltung/befragung/freitexte", "text-review", "/verwaltung/befragung/freitexte"),
    ("/verwaltung/statistik", "statistics", "/verwaltung/statistik"),
    ("/verwaltung/unterstuetzung", "support-tasks", "/verwaltung/unterstuetzung"),
    ("/verwaltung/unterstuetzung/anbieter", "support-providers", "/verwaltung/unterstuetzung"),
    ("/verwaltung/briefe", "letters", "/verwaltung/briefe"),
    # A seminar's venue check and materials belong to the seminar, not to the task list.
    ("/verwaltung/seminare/1/ortspruefung", "venue-check", "/verwaltung/seminare"),
    ("/verwaltung/seminare/1/unterlagen", "materials", "/verwaltung/seminare"),
    ("/verwaltung/anrufe", "calls", "/verwaltung/anrufe"),
]
SCREENSHOTS = {"dashboard", "seminars", "statistics", "support-tasks", "calls", "letters"}

# Each table, with the box it must fit: its scroll region, else its parent.
_TABLES = """() => Array.from(document.querySelectorAll('main table')).map(table => {
    const box = table.closest('.table-scroll') || table.parentElement;
    const style = getComputedStyle(box);
    const name = (table.caption ? table.caption.textContent : table.outerHTML.slice(0, 60));
    return {
        name: name.trim().replace(/\\s+/g, ' ').slice(0, 70),
        overflows: box.scrollWidth > box.clientWidth + 1,
        right: table.getBoundingClientRect().right,
        viewport: document.documentElement.clientWidth,
        scrolls: ['auto', 'scroll'].includes(style.overflowX),
        region: box.getAttribute('role') === 'region' && box.getAttribute('tabindex') === '0'
            && !!(box.getAttribute('aria-labelledby') || box.getAttribute('aria-label')),
    };
})"""

# Labels whose rendered lines start anywhere but after a space or a hyphen written in the text,
# or that hyphenate automatically, or whose words stick out of their box.
_BROKEN_LABELS = """(selector) => {
    const problems = [];
    const labels = Array.from(document.querySelectorAll(selector));
    if (!labels.length) return ['no label matches ' + selector];
    for (const label of labels) {
        const text = label.textContent.trim();
        const style = getComputedStyle(label);
        if (style.hyphens === 'auto') problems.push(text + ': hyphens: auto');
        if (['break-all', 'break-word'].includes(style.wordBreak))
            problems.push(text + ': word-break: ' + style.wordBreak);
        if (label.scrollWidth > label.clientWidth + 1)
            problems.push(text + ': a word is wider than its box');
        const range = document.createRange();
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
        let top = null, previous = ' ', line = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.data.length; i++) {
                const character = node.data[i];
                if (/\\s/.test(character)) { previous = character; line += ' '; continue; }
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rects = range.getClientRects();
                if (!rects.length) continue;
                if (top !== null && rects[0].top > top + 1 && !/[\\s\\-–\\/]/.test(previous))
                    problems.push(text + ': breaks inside a word after "' + line.trim() + '"');
                if (top === null || rects[0].top > top + 1) { top = rects[0].top; line = ''; }
                previous = character;
                line += character;
            }
        }
    }
    return problems;
}"""
KEY_FIGURE_LABELS = "section[aria-labelledby='headline-heading'] dt"


def an_overdue_interpreter_booking(live_server) -> None:
    """A seminar in ten days with a sign-language request: booking was due 21 days ahead."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from tests import factories

    with live_server.app.app_context():
        if db.session.scalar(select(Seminar.id).where(Seminar.title == OVERDUE_TITLE)):
            return
        seminar = factories.seminar(OVERDUE_TITLE, starts_in=timedelta(days=10))
        factories.registration(seminar, commit=False).need_sign_language = True
        db.session.commit()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_back_office_lists_fit_and_key_figures_read_whole_words(live_server, new_page, audit, size):
    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    width = viewport["width"]
    an_undelivered_mail(live_server)
    an_overdue_interpreter_booking(live_server)
    texts_to_review(live_server)
    calls_to_make(live_server)
    letters_to_print(live_server)
    page = new_page(viewport)
    staff_login(live_server, page)
    problems = []
    for path, name, current in LIST_PAGES:
        page.goto(live_server.url + path)
        if name in SCREENSHOTS:
            audit.check(page, f"layout-{name}-{width}")
        marked = page.eval_on_selector_all(
            ".staff-nav a[aria-current='page']", "links => links.map(a => a.pathname)"
        )
        if marked != [current]:
            problems.append(f"{width} px {path}: navigation marks {marked}, not {current}")
        for table in page.evaluate(_TABLES):
            where = f"{width} px {path}: table „{table['name']}“"
            if width >= 1280:
                if table["overflows"] or table["right"] > table["viewport"] + 0.5:
                    problems.append(f"{where} is cut off at the right")
            elif table["overflows"] and not (table["scrolls"] and table["region"]):
                problems.append(f"{where} is wider than the screen outside a labelled region")
        if name == "statistics":
            for broken in page.evaluate(_BROKEN_LABELS, KEY_FIGURE_LABELS):
                problems.append(f"{width} px key figure {broken}")
        if name == "dashboard":
            upcoming = page.locator("#upcoming-heading + * table tbody")
            unlinked = upcoming.locator("th[scope=row]:not(:has(a))").count()
            if unlinked:
                problems.append(f"{width} px dashboard: {unlinked} seminar names without a link")
            row = upcoming.locator("tr", has_text=OVERDUE_TITLE)
            if "überfällig" not in row.inner_text():
                problems.append(f"{width} px dashboard: the overdue booking is not called overdue")
            task = page.locator("#tasks-heading ~ ul li", has_text=OVERDUE_TITLE)
            if task.count() != 1 or "überfällig" not in task.inner_text():
                problems.append(f"{width} px dashboard: the overdue task is not called overdue")
        if name == "calls":
            late = page.locator("tbody tr", has_text="überfällig")
            if late.count() < 1:
                problems.append(f"{width} px calls: the overdue offer is not called overdue")
        if name == "support-tasks":
            task = page.locator("#group-overdue ~ * tr", has_text=OVERDUE_TITLE)
            if task.count() != 1 or "überfällig" not in task.inner_text():
                problems.append(f"{width} px support tasks: the overdue task is not overdue")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_demand_tables_fit_the_screen(live_server, new_page, audit, size):
    from tests.browser.test_journeys import demand_to_show

    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    width = viewport["width"]
    demand_to_show(live_server)
    page = new_page(viewport)
    staff_login(live_server, page, role="steering")
    problems = []
    for path in ("/verwaltung/statistik/nachfrage", "/verwaltung/statistik/nachfrage?year=2026"):
        page.goto(live_server.url + path)
        audit.check(
            page, f"layout-demand-{width}" if "year" not in path else f"layout-demand-year-{width}"
        )
        marked = page.eval_on_selector_all(
            ".staff-nav a[aria-current='page']", "links => links.map(a => a.pathname)"
        )
        if marked != ["/verwaltung/statistik"]:
            problems.append(f"{width} px {path}: navigation marks {marked}")
        tables = page.evaluate(_TABLES)
        if len(tables) != 3:
            problems.append(f"{width} px {path}: {len(tables)} tables, not 3")
        for table in tables:
            where = f"{width} px {path}: table „{table['name']}“"
            if width >= 1280:
                if table["overflows"] or table["right"] > table["viewport"] + 0.5:
                    problems.append(f"{where} is cut off at the right")
            elif table["overflows"] and not (table["scrolls"] and table["region"]):
                problems.append(f"{where} is wider than the screen outside a labelled region")
    assert problems == [], "\n".join(problems)
