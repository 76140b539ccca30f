"""End-to-end journeys in Debian's Chromium driven by Playwright, against a live server.

Every journey saves screenshots under test-artifacts/browser/<test>/; a failing journey also
saves the page's HTML and the browser console log there.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must prove the journeys, never pass by skipping them
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


class Journey:
    """A browser context for one user, with screenshots named in order."""

    def __init__(self, browser, live_server, folder: Path, viewport=(1366, 900)):
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN"
        )
        self.page = self.context.new_page()
        self.base = live_server.url
        self.folder = folder
        self.step = 0
        self.console: list[str] = []
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, name: str):
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)

    def login(self, username: str, password: str):
        self.go("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line or "pageerror" in line]


@pytest.fixture
def journey(request, browser, live_server):
    folder = ARTIFACTS / re.sub(r"[^\w.-]", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    opened: list[Journey] = []

    def open_journey(viewport=(1366, 900), name=""):
        j = Journey(browser, live_server, folder / name if name else folder, viewport)
        opened.append(j)
        return j

    yield open_journey
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for j in opened:
        if failed:
            j.folder.mkdir(parents=True, exist_ok=True)
            (j.folder / "page.html").write_text(j.page.content())
            (j.folder / "console.log").write_text("\n".join(j.console))
            j.page.screenshot(path=str(j.folder / "failure.png"), full_page=True)
        j.context.close()
