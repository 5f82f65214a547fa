"""The unit pages in a real browser: hamlet management, search, scope, phone width, no CDN.

Selectors use ids, URLs and the data typed in, never interface wording, so filling in
translations cannot break these tests.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.conftest import People, Tree
from hoctap.testing.browser import PHONE, PageFactory, log_in, log_out

pytestmark = pytest.mark.browser

NEW_HAMLET = "Bản Nà Sản"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def search(page: Page, base_url: str, query: str) -> None:
    """Type into the unit search and wait for htmx to swap the results in."""
    page.goto(f"{base_url}/units/")
    page.fill("#q", query)
    with page.expect_response(lambda r: "/units/?q=" in r.url and r.status == 200):
        page.press("#q", "Enter")
    expect(page.locator("#search-results .list-group-item").first).to_be_visible()


def test_commune_official_adds_a_hamlet_that_other_communes_cannot_see(
    live_server: LiveServer, tree: Tree, people: People, browser_page: Page
) -> None:
    page, base = browser_page, live_server.url
    commune_url = f"{base}/units/{tree.commune.key}/"

    log_in(page, base, people.commune_official.username)
    page.goto(commune_url)
    expect(page.locator("h1")).to_have_text(tree.commune.name)
    page.fill("#id_name", NEW_HAMLET)
    page.select_option("#id_kind", "ban")
    with page.expect_navigation():
        page.click("form[action$='/hamlets/new/'] button[type=submit]")

    assert page.url == commune_url  # redirected back after the POST
    expect(page.locator(".alert-success")).to_contain_text(NEW_HAMLET)
    row_link = page.locator("#children tbody a", has_text=NEW_HAMLET)
    expect(row_link).to_be_visible()
    hamlet = AdminUnit.objects.get(parent=tree.commune, name=NEW_HAMLET)
    assert hamlet.level == Level.HAMLET
    assert hamlet.search_name == "ban na san"
    assert hamlet.path.startswith(tree.commune.path)
    expect(row_link).to_have_attribute("href", f"/units/{hamlet.key}/")

    # Found without diacritics, from the search box on the tree page.
    search(page, base, "na san")
    result = page.locator("#search-results a", has_text=NEW_HAMLET)
    expect(result).to_have_count(1)
    expect(result).to_have_attribute("href", f"/units/{hamlet.key}/")
    expect(page).to_have_url(re.compile(r"/units/\?q=na(\+|%20)san$"))  # hx-push-url
    result.click()
    expect(page.locator("h1")).to_have_text(NEW_HAMLET)

    log_out(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # An official of another commune of the same province sees neither page nor hamlet.
    log_in(page, base, people.other_commune_official.username)
    for url in (commune_url, f"{base}/units/{hamlet.key}/"):
        response = page.goto(url)
        assert response is not None
        assert response.status == 404, url
        expect(page.locator("main a[href='/']")).to_be_visible()  # the site's own 404 page
        expect(page.locator("nav.navbar")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(NEW_HAMLET)
        expect(page.locator("body")).not_to_contain_text(tree.commune.name)
    search(page, base, "na san")
    expect(page.locator("#search-results a")).to_have_count(0)
    expect(page.locator("#search-results")).not_to_contain_text(NEW_HAMLET)
    # The search itself works for them: their own hamlet is found the same way.
    search(page, base, "to dan pho")
    expect(
        page.locator("#search-results a", has_text=tree.other_commune_hamlet.name)
    ).to_have_count(1)


def test_unit_pages_fit_a_phone_and_the_menu_opens(
    live_server: LiveServer, tree: Tree, people: People, open_page: PageFactory
) -> None:
    page, base = open_page(**PHONE), live_server.url
    log_in(page, base, people.commune_official.username)

    page.goto(f"{base}/units/{tree.commune.key}/")
    expect(page.locator("#children tbody a", has_text=tree.hamlet.name)).to_be_visible()
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    for url in (
        f"/units/{tree.commune.key}/",
        f"/units/{tree.hamlet.key}/edit/",
        "/units/?q=ban",
        "/units/",
        "/",
    ):
        page.goto(base + url)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{url} scrolls sideways ({scroll_width}px)"

    page.goto(f"{base}/units/{tree.commune.key}/")
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#nav")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu.locator("a[href='/units/']").click()
    expect(page).to_have_url(f"{base}/units/")
    expect(page.locator("#q")).to_be_visible()


def test_pages_load_nothing_from_outside_the_server(
    live_server: LiveServer, tree: Tree, people: People, browser_page: Page
) -> None:
    page, base = browser_page, live_server.url
    requested: list[str] = []
    broken: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: broken.append(f"{request.url} failed"))
    page.on(
        "response",
        lambda response: (
            broken.append(f"{response.url} {response.status}") if response.status >= 400 else None
        ),
    )
    # Anything leaving the machine is cut off, as on a commune office's offline network.
    page.context.route(
        lambda url: urlsplit(url).hostname not in LOCAL_HOSTS, lambda route: route.abort()
    )

    log_in(page, base, people.commune_official.username)
    for url in (
        "/",
        "/units/",
        f"/units/{tree.commune.key}/",
        f"/units/{tree.hamlet.key}/edit/",
    ):
        page.goto(base + url, wait_until="networkidle")
    search(page, base, "muong")

    outside = [url for url in requested if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left the server: {outside}"
    assert not broken, f"missing assets or failed requests: {broken}"
    assert any("/static/bootstrap/" in url for url in requested)
    # Bootstrap's script, htmx and the stylesheet really ran and applied.
    assert page.evaluate("typeof window.bootstrap.Collapse") == "function"
    assert page.evaluate("typeof window.htmx.ajax") == "function"
    navbar_colour = page.eval_on_selector(
        "nav.navbar", "element => getComputedStyle(element).backgroundColor"
    )
    assert navbar_colour not in ("rgba(0, 0, 0, 0)", "transparent")
