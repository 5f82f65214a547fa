"""The assessment workflow in a real browser: a collector registers a household, scores it,
attaches a photo from the file picker, submits; a commune official returns it with a reason;
the collector reads the reason, fixes a score and resubmits; the hamlet's collector reviews
(the default rules give hamlet-level titles' review to the collector) and the commune official
appraises. The pages are then checked at phone width. Selectors use ids, names and data-*
attributes, never interface wording.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from hoctap.assessments.models import Assessment, Evidence, State, Title
from hoctap.conftest import People, Tree
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.testing.browser import PHONE, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def photo() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(buffer, "JPEG")
    return {"name": "giay-khen.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def act(page: Page, action: str, reason: str = "") -> None:
    """Press a workflow step's button (typing the reason first when it asks for one)."""
    if reason:
        page.fill(f"#reason-{action}", reason)
    with page.expect_navigation():
        page.click(f"#action-{action} button[type=submit]")
    expect(page.locator("#assessment-error")).to_have_count(0)


def fill_full_marks(page: Page) -> None:
    inputs = page.locator("#scores-form input[name^='value-']")
    for index in range(inputs.count()):
        field = inputs.nth(index)
        field.fill(field.get_attribute("max") or "0")


def sideways_scroll(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_register_score_attach_submit_return_fix_review_appraise(
    live_server: Any, tree: Tree, people: People, open_page: Any
) -> None:
    base = live_server.url
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-777")
    head = PersonFactory.create(household=household, full_name="Lò Văn Ánh")
    household.head = head
    household.save(update_fields=["head"])

    # The collector registers the household, found by a search typed without diacritics.
    collector = open_page(**PHONE)
    log_in(collector, base, people.collector.username)
    collector.goto(f"{base}/assessments/register/")
    collector.select_option("#id_title", Title.LEARNING_FAMILY)
    collector.fill("#id_q", "lo van anh")
    choice = collector.locator(f"#subject-{household.pk}")
    expect(choice).to_be_visible()
    choice.check()
    with collector.expect_navigation():
        collector.click("#register-submit")
    expect(collector).to_have_url(re.compile(r"/assessments/\d+/$"))
    assessment = Assessment.objects.get(household=household)
    expect(collector.locator("#illustrative-badge")).to_be_visible()

    # Scores every indicator, attaches a photo to the first one, submits.
    fill_full_marks(collector)
    with collector.expect_navigation():
        collector.click("#scores-save")
    expect(collector.locator("#assessment-error")).to_have_count(0)
    first = collector.locator("[data-indicator]").first.get_attribute("data-indicator")
    collector.set_input_files(f"[id='file-{first}']", files=photo())
    with collector.expect_navigation():
        collector.click(f"[id='attach-{first}']")
    expect(collector.locator(f"[data-evidence-list='{first}'] li")).to_have_count(1)
    assert Evidence.objects.get(assessment=assessment).content_type == "image/jpeg"
    assert sideways_scroll(collector) <= PHONE["width"]
    _keep_screenshot(collector, "assessment-phone.png")
    act(collector, "submit")
    expect(collector.locator("#assessment")).to_have_attribute("data-state", State.SUBMITTED)
    expect(collector.locator("#result")).to_be_visible()

    # The commune official returns it with a reason.
    official = open_page()
    log_in(official, base, people.commune_official.username)
    official.goto(f"{base}/assessments/{assessment.pk}/")
    reason = "Ảnh minh chứng chưa rõ, chấm lại chỉ số đầu"
    act(official, "return", reason)
    expect(official.locator("#assessment")).to_have_attribute("data-state", State.RETURNED)

    # The collector reads the reason, lowers the first score, resubmits.
    collector.goto(f"{base}/assessments/{assessment.pk}/")
    expect(collector.locator("#return-reason")).to_contain_text(reason)
    collector.fill(f"[id='value-{first}']", "6")
    with collector.expect_navigation():
        collector.click("#scores-save")
    expect(collector.locator(f"[id='value-{first}']")).to_have_value(re.compile(r"^6(\.0+)?$"))
    act(collector, "submit")

    # The hamlet's collector reviews; the commune official sees what changed and appraises.
    act(collector, "review")
    official.goto(f"{base}/assessments/{assessment.pk}/")
    expect(official.locator(f"[data-changed-indicator='{first}']")).to_be_visible()
    act(official, "appraise")
    expect(official.locator("#assessment")).to_have_attribute("data-state", State.APPRAISED)

    steps = official.locator("#timeline li")
    expected = [
        ("register", State.REGISTERED),
        ("submit", State.SUBMITTED),
        ("return", State.RETURNED),
        ("submit", State.SUBMITTED),
        ("review", State.REVIEWED),
        ("appraise", State.APPRAISED),
    ]
    expect(steps).to_have_count(len(expected))
    for index, (action, state) in enumerate(expected):
        expect(steps.nth(index)).to_have_attribute("data-action", action)
        expect(steps.nth(index)).to_have_attribute("data-to-state", state)
    expect(steps.nth(2).locator("[data-reason]")).to_contain_text(reason)

    # The bulk table of the hamlet fits a phone too.
    phone = open_page(**PHONE)
    log_in(phone, base, people.commune_official.username)
    phone.goto(f"{base}/assessments/bulk/?hamlet={tree.hamlet.key}")
    expect(phone.locator(f"#bulk-table tr[data-assessment='{assessment.pk}']")).to_be_visible()
    assert sideways_scroll(phone) <= PHONE["width"]
    _keep_screenshot(phone, "bulk-phone.png")


def _keep_screenshot(page: Page, name: str) -> None:
    """With HOCTAP_SCREENSHOTS=1, keep a phone-width picture of the page for a human to look at."""
    if os.environ.get("HOCTAP_SCREENSHOTS") != "1":
        return
    directory = Path(__file__).resolve().parents[3] / "test-artifacts"
    directory.mkdir(exist_ok=True)
    page.screenshot(path=str(directory / name), full_page=True)
