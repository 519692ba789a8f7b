"""Browser tests: the real app on a live server, Debian's Chromium driven by Playwright.

Without Chromium (or Java and the Nu Html Checker for the HTML check) these tests skip with a
message; with ``REQUIRE_BROWSER`` set (CI) they fail instead. Every page a journey visits is
audited: axe-core (WCAG 2.0/2.1 A and AA), saved for the HTML check, and photographed into
``tests/artifacts/screenshots`` (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set, but {reason}")
    pytest.skip(reason)


@dataclass
class Audit:
    """Pages seen by the journeys: axe results, saved HTML, screenshots."""

    pages: dict[str, str] = field(default_factory=dict)  # file name -> URL
    urls: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)

    def check(self, page, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state("load")
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        found = [
            f"{label} ({page.url}): {v['id']} – {v['help']} – "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
            for v in results.response["violations"]
        ]
        self.violations.extend(found)
        name = re.sub(r"[^a-z0-9-]+", "-", label.lower()).strip("-")
        html_dir = ARTIFACTS / "html"
        html_dir.mkdir(parents=True, exist_ok=True)
        (html_dir / f"{name}.html").write_text(page.content(), encoding="utf-8")
        self.pages[f"{name}.html"] = page.url
        self.urls.add(page.url.split("#")[0])
        shots = ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert found == [], "\n".join(found)


@pytest.fixture(scope="session")
def audit() -> Audit:
    shutil.rmtree(ARTIFACTS / "html", ignore_errors=True)
    return Audit()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class LiveServer:
    url: str
    app: object
    mailbox: object

    def links_for(self, address: str) -> list[str]:
        """Paths of the personal links mailed to an address, newest last."""
        links = []
        for message in self.mailbox.messages:
            if str(message["To"]) != address:
                continue
            body = message.get_body(preferencelist=("plain",)).get_content()
            links += re.findall(re.escape(self.url) + r"(/anmeldung/[A-Za-z0-9_-]+)", body)
        return links


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a free port with the demo programme and a real SMTP server for its mail."""
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from seminars import create_app
    from seminars.core.timezone import utcnow
    from seminars.demo.services import seed_demo
    from seminars.extensions import db
    from tests.conftest import SMTPRecorder, free_port

    mailbox = SMTPRecorder()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "BASE_URL": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "CATALOGUE_CACHE_SECONDS": 0,
            "LANGUAGES": ["de", "en"],
            "MATERIALS_FOLDER": str(tmp_path_factory.mktemp("live-materials")),
        },
    )
    with app.app_context():
        upgrade()
        seed_demo(utcnow())
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, mailbox)
    finally:
        server.shutdown()
        controller.stop()


@pytest.fixture(scope="session")
def outage_server(tmp_path_factory):
    """The app on a free port, configured for a database that cannot be opened."""
    from werkzeug.serving import make_server

    from seminars import create_app
    from tests.conftest import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    missing = tmp_path_factory.mktemp("outage") / "no-such-directory" / "seminars.sqlite3"
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}",
            "BASE_URL": url,
            "CATALOGUE_CACHE_SECONDS": 0,
            "LANGUAGES": ["de", "en"],
        },
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, None)
    finally:
        server.shutdown()


@pytest.fixture
def new_page(browser):
    """A fresh browser context (own cookies) per call: ``new_page(viewport, language)``."""
    contexts = []

    def make(viewport=DESKTOP, locale="de-DE"):
        context = browser.new_context(viewport=viewport, locale=locale, bypass_csp=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
