"""Browser-test fixtures: Playwright's sync API driving Debian's Chromium.

Registered for the whole suite through `pytest_plugins` in hoctap/conftest.py. Use with
pytest-django's `live_server` (which makes the test transactional):

    @pytest.mark.browser
    def test_something(live_server, people, browser_page):
        log_in(browser_page, live_server.url, "xa")

When Chromium is missing the tests skip with a message; with HOCTAP_REQUIRE_BROWSER=1 (as
in CI) they fail instead, so a broken browser install cannot pass unnoticed.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# Short enough that a broken page fails quickly, long enough for a slow CI machine.
TIMEOUT_MS = 15_000

PageFactory = Callable[..., "Page"]


def _browser_unavailable(reason: str) -> NoReturn:
    if os.environ.get("HOCTAP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (HOCTAP_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(f"{reason}; install Debian's chromium package to run browser tests")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"_hoctap_report_{report.when}", report)
    return report


def _failed(node: pytest.Item) -> bool:
    return any(
        getattr(getattr(node, f"_hoctap_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture
def chromium_browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A headless Chromium for one test; closed afterwards."""
    if not CHROMIUM.exists():
        _browser_unavailable(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        _browser_unavailable("the playwright package is not installed")
    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would
    # refuse ORM calls from the test (SynchronousOnlyOperation). Django documents this
    # variable for exactly this case; monkeypatch restores it after the test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            _browser_unavailable(f"Chromium at {CHROMIUM} did not start: {error.message}")
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop runs, Django keeps database connections in context
            # variables instead of the thread's storage, so ORM calls made by the test open
            # a second connection. Close it here, or PostgreSQL refuses to drop the test
            # database at the end ("being accessed by other users").
            from django.db import connections

            connections.close_all()


@pytest.fixture
def open_page(request: pytest.FixtureRequest, chromium_browser: Browser) -> Iterator[PageFactory]:
    """Open pages in fresh browser contexts: `open_page(width=360, height=740)`.

    When the test fails, each page's screenshot goes to test-artifacts/ (gitignored);
    HOCTAP_SCREENSHOTS=1 keeps them for passing tests too.
    """
    pages: list[Page] = []

    def factory(width: int = DESKTOP["width"], height: int = DESKTOP["height"]) -> Page:
        context = chromium_browser.new_context(
            viewport={"width": width, "height": height}, locale="vi-VN"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        pages.append(page)
        return page

    yield factory
    node = request.node
    if _failed(node) or os.environ.get("HOCTAP_SCREENSHOTS") == "1":
        directory = request.config.rootpath / "test-artifacts"
        directory.mkdir(exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", node.nodeid)
        for number, page in enumerate(pages):
            if page.is_closed():
                continue
            suffix = f"-{number}" if len(pages) > 1 else ""
            try:
                page.screenshot(path=str(directory / f"{stem}{suffix}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                warnings.warn(f"no screenshot of {node.nodeid}: {error}", stacklevel=1)
    for page in pages:
        page.context.close()


@pytest.fixture
def browser_page(open_page: PageFactory) -> Page:
    """One desktop-sized page."""
    return open_page()


def log_in(page: Page, base_url: str, username: str, password: str | None = None) -> None:
    """Sign in through the real login form and wait for the page it leads to."""
    from hoctap.accounts.tests.factories import PASSWORD

    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"signing in as {username} failed: {page.inner_text('main')}")


def log_out(page: Page) -> None:
    """Sign out through the menu's form (a POST), opening the collapsed menu if needed."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.click("nav .dropdown-toggle")
    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button")
