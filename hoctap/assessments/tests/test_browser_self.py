"""Registration by the subject in a real browser, on a phone: a citizen whose account is linked
to their registry person signs in, lands on “My titles”, registers as a learning citizen,
scores every indicator, attaches a photo from the camera picker and submits; the hamlet's
collector then finds it submitted, ready to review. Selectors use ids, names and data-*
attributes, never interface wording.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from hoctap.accounts import services as account_services
from hoctap.assessments.models import Assessment, Evidence, State, Title
from hoctap.conftest import People, Tree
from hoctap.registry.models import Relation
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
    return {"name": "the-thu-vien.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def fill_full_marks(page: Page) -> None:
    inputs = page.locator("#scores-form input[name^='value-']")
    for index in range(inputs.count()):
        field = inputs.nth(index)
        field.fill(field.get_attribute("max") or "0")


def test_a_citizen_registers_scores_attaches_a_photo_and_submits_then_the_collector_sees_it(
    live_server: Any, tree: Tree, people: People, open_page: Any
) -> None:
    base = live_server.url
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-321")
    head = PersonFactory.create(household=household, full_name="Lò Văn Ánh", relation=Relation.HEAD)
    account_services.user_person_link(actor=people.admin, user=people.citizen, person=head)

    # Signing in on a phone leads straight to “My titles”, with the button to register.
    citizen = open_page(**PHONE)
    log_in(citizen, base, people.citizen.username)
    expect(citizen).to_have_url(re.compile(r"/assessments/mine/$"))
    button = citizen.locator(f"#register-{Title.LEARNING_CITIZEN} button[type=submit]")
    expect(button).to_be_visible()
    with citizen.expect_navigation():
        button.click()
    expect(citizen).to_have_url(re.compile(r"/assessments/\d+/$"))
    assessment = Assessment.objects.get(person=head)
    assert assessment.registered_by == people.citizen

    # Scores every indicator, attaches a photo to the first one, submits.
    fill_full_marks(citizen)
    with citizen.expect_navigation():
        citizen.click("#scores-save")
    expect(citizen.locator("#assessment-error")).to_have_count(0)
    first = citizen.locator("[data-indicator]").first.get_attribute("data-indicator")
    picker = citizen.locator(f"[id='file-{first}']")
    expect(picker).to_have_attribute("capture", "environment")
    picker.set_input_files(files=photo())
    with citizen.expect_navigation():
        citizen.click(f"[id='attach-{first}']")
    expect(citizen.locator(f"[data-evidence-list='{first}'] li")).to_have_count(1)
    expect(citizen.locator("#action-review")).to_have_count(0)
    with citizen.expect_navigation():
        citizen.click("#action-submit button[type=submit]")
    expect(citizen.locator("#assessment-error")).to_have_count(0)
    expect(citizen.locator("#assessment")).to_have_attribute("data-state", State.SUBMITTED)
    expect(citizen.locator("#result")).to_be_visible()
    width: int = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    # Back on “My titles”: submitted, nothing left to fill in, no second registration offered.
    citizen.goto(f"{base}/assessments/mine/")
    row = citizen.locator(f"[data-assessment='{assessment.pk}']")
    expect(row).to_have_attribute("data-state", State.SUBMITTED)
    expect(row.locator("[data-fill-in]")).to_have_count(0)
    expect(citizen.locator(f"#register-{Title.LEARNING_CITIZEN}")).to_have_count(0)

    # The hamlet's collector finds it in their work list, opens the photo and may review it.
    collector = open_page()
    log_in(collector, base, people.collector.username)
    collector.goto(f"{base}/assessments/")
    item = collector.locator(f"[data-assessment='{assessment.pk}'][data-action='review']")
    expect(item).to_be_visible()
    collector.goto(f"{base}/assessments/{assessment.pk}/")
    expect(collector.locator("#assessment")).to_have_attribute("data-state", State.SUBMITTED)
    expect(collector.locator("#action-review")).to_be_visible()
    evidence = Evidence.objects.get(assessment=assessment)
    response = collector.request.get(f"{base}/assessments/evidence/{evidence.pk}/")
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
