"""The registry in a real browser: an Excel import with errors, fixed, committed, then found
by a diacritic-free search; the progress page polling; and the pages at phone width.

Tasks run with the immediate backend, so the sheet is checked inside the upload request
(the live server runs in a thread): the job page then shows its final state at once.
Selectors use ids, URLs and the data typed in, never interface wording.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from hoctap.conftest import People, Tree
from hoctap.registry.models import ImportJob, Person
from hoctap.registry.tests.records import IMMEDIATE_TASKS, add_household, sheet_bytes
from hoctap.testing.browser import PHONE, log_in

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def fast_settings(settings: Any) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def good_rows(tree: Tree) -> list[list[Any]]:
    return [
        ["HH-900", tree.hamlet.name, "Hoàng Văn Thắng", "Chủ hộ", "Nam", "15/08/1982", ""],
        ["HH-900", tree.hamlet.name, "Lò Thị Hương", "Vợ", "Nữ", "1985", ""],
        ["HH-901", tree.other_hamlet.name, "Lê Văn Đức", "Chủ hộ", "Nam", "1975", "014075000123"],
    ]


def bad_rows(tree: Tree) -> list[list[Any]]:
    rows = good_rows(tree)
    rows[1][2] = ""  # row 5: no name
    rows[2][1] = "Bản Không Có"  # row 6: no such hamlet
    rows[2][6] = "12345"  # row 6: not a CCCD
    return rows


def upload(page: Page, base: str, tree: Tree, data: bytes, name: str) -> None:
    page.goto(f"{base}/registry/imports/new/")
    payload: FilePayload = {"name": name, "mimeType": XLSX, "buffer": data}
    page.set_input_files("#id_file", files=payload)
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/registry/imports/\d+/$"))


def test_commune_official_imports_fixes_commits_and_finds_a_person(
    live_server, tree: Tree, people: People, open_page
):
    page, base = open_page(), live_server.url
    log_in(page, base, people.commune_official.username)

    # A file with errors: every one is listed by row, column and reason; nothing is saved.
    upload(page, base, tree, sheet_bytes(bad_rows(tree)), "co-loi.xlsx")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "invalid")
    job = ImportJob.objects.get(original_name="co-loi.xlsx")
    assert {issue["row"] for issue in job.errors} == {5, 6}
    table_rows = page.locator("#import-errors tbody tr")
    expect(table_rows).to_have_count(len(job.errors))
    for index, issue in enumerate(job.errors):
        cells = table_rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(str(issue["row"]))
        expect(cells.nth(1)).to_have_text(issue["column"])
        expect(cells.nth(3)).to_have_text(issue["message"])
    assert "Họ và tên" in {issue["column"] for issue in job.errors}
    expect(page.locator("#commit-form")).to_have_count(0)
    assert not Person.objects.filter(full_name="Hoàng Văn Thắng").exists()

    # The fixed file is ready; committing saves every row.
    page.click("#upload-again")
    expect(page).to_have_url(f"{base}/registry/imports/new/")
    upload(page, base, tree, sheet_bytes(good_rows(tree)), "da-sua.xlsx")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "ready")
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator("#job-summary")).to_contain_text("3")
    with page.expect_navigation():
        page.click("#commit")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#job-done")).to_be_visible()
    assert Person.objects.filter(household__code__in=["HH-900", "HH-901"]).count() == 3

    # Found without diacritics through the live search.
    page.click("#to-people")
    expect(page).to_have_url(f"{base}/registry/")
    page.fill("#id_q", "hoang van thang")
    with page.expect_response(lambda r: "/registry/?q=hoang" in r.url and r.status == 200):
        page.press("#id_q", "Enter")
    result = page.locator("#people-results tbody a", has_text="Hoàng Văn Thắng")
    expect(result).to_have_count(1)
    expect(page.locator("#people-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/registry/\?q=hoang(\+|%20)van(\+|%20)thang"))
    result.click()
    expect(page.locator("h1")).to_have_text("Hoàng Văn Thắng")


def test_progress_page_polls_until_the_check_is_done(
    live_server, tree: Tree, people: People, open_page
):
    page, base = open_page(), live_server.url
    log_in(page, base, people.commune_official.username)
    upload(page, base, tree, sheet_bytes(good_rows(tree)), "cho.xlsx")
    job = ImportJob.objects.get(original_name="cho.xlsx")
    # As if the worker were still checking it:
    ImportJob.objects.filter(pk=job.pk).update(status="validating", total_rows=3, processed_rows=1)
    page.goto(f"{base}/registry/imports/{job.pk}/")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "validating")
    expect(page.locator("#job-status .progress")).to_have_attribute("aria-valuenow", "33")
    ImportJob.objects.filter(pk=job.pk).update(status="ready", processed_rows=3)
    # htmx asks again every second and swaps in the preview when the check is over.
    expect(page.locator("#job-status")).to_have_attribute("data-status", "ready", timeout=5000)
    expect(page.locator("#commit")).to_be_visible()


PHONE_PAGES = [
    "/registry/",
    "/registry/households/",
    "/registry/clans/",
    "/registry/organisations/",
    "/registry/centres/",
    "/registry/statistics/",
    "/registry/imports/",
    "/registry/imports/new/",
]


def test_registry_pages_fit_a_phone(live_server, tree: Tree, people: People, open_page):
    for number in range(8):
        add_household(
            people.admin,
            tree.hamlet,
            f"HH-{number:03d}",
            [
                {"full_name": "Nguyễn Thị Phương Thảo", "birth_year": 1988, "sex": "female"},
                {"full_name": "Hoàng Văn Bình", "birth_year": 2012, "relation": "child"},
            ],
        )
    base = live_server.url
    people_page = open_page(**PHONE)
    log_in(people_page, base, people.commune_official.username)
    for url in PHONE_PAGES:
        people_page.goto(base + url)
        scroll_width = people_page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{url} scrolls sideways ({scroll_width}px)"
    people_page.goto(f"{base}/registry/")
    expect(people_page.locator("#people-results tbody tr")).to_have_count(16)

    # The import preview, with errors, warnings and fixes, on a phone.
    preview = open_page(**PHONE)
    log_in(preview, base, people.commune_official.username)
    rows = [
        *bad_rows(tree),
        good_rows(tree)[0],
        ["HH-902", tree.hamlet.name, " Lò  Văn Sáu ", "Chủ hộ", "Nam", 29221, 14080000777],
    ]
    upload(preview, base, tree, sheet_bytes(rows), "dien-thoai.xlsx")
    expect(preview.locator("#import-errors")).to_be_visible()
    scroll_width = preview.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the preview scrolls sideways ({scroll_width}px)"
