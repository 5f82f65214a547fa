"""The dashboard in a real browser: a province official drills from the province to a commune to
a hamlet, reads its learning-family figures, and after a decision is issued the reloaded page
counts the new recognitions at once. Selectors use ids and data-* attributes, never wording."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from hoctap.assessments.models import State
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.recognition import services as recognition
from hoctap.recognition.tests.factories import draft, proposed_families
from hoctap.registry.tests.factories import HouseholdFactory
from hoctap.targets import registry_counts, rollups, services
from hoctap.targets.tests.factories import FAMILY
from hoctap.testing.browser import PHONE, log_in

pytestmark = pytest.mark.browser


def test_drill_down_to_a_hamlet_and_see_a_decision_counted(
    live_server: Any, tree: Tree, people: People, open_page: Any
) -> None:
    # given one family of Bản Hày recognised and two proposed (three households in all)
    services.national_targets_load()
    make_assessment(
        household=HouseholdFactory(hamlet=tree.hamlet, commune=tree.commune),
        state=State.RECOGNISED,
        year=YEAR,
    )
    proposed = proposed_families(tree.hamlet, 2)
    rollups.rebuild()
    registry_counts.rebuild()
    base = live_server.url

    # The province official opens the dashboard from the menu and lands on the province.
    page = open_page()
    log_in(page, base, people.province_official.username)
    page.click("#nav-dashboard")
    expect(page.locator("#dashboard")).to_have_attribute("data-unit", tree.province.key)
    page.select_option("#id_year", str(YEAR))
    with page.expect_navigation():
        page.click("#dashboard-show")
    expect(page.locator("#dashboard")).to_have_attribute("data-year", str(YEAR))

    # Drills to the commune, then to the hamlet, through the units-below table.
    with page.expect_navigation():
        page.click(f"#children-table tr[data-unit='{tree.commune.key}'] a")
    expect(page.locator("#dashboard")).to_have_attribute("data-unit", tree.commune.key)
    expect(page.locator("#breadcrumb a")).to_have_count(1)
    with page.expect_navigation():
        page.click(f"#children-table tr[data-unit='{tree.hamlet.key}'] a")
    expect(page.locator("#dashboard")).to_have_attribute("data-unit", tree.hamlet.key)
    expect(page.locator("#dashboard")).to_have_attribute("data-year", str(YEAR))

    family = page.locator(f"#titles tr[data-title='{FAMILY}']")
    expect(family.locator("[data-field=registered]")).to_have_text("3")
    expect(family.locator("[data-field=recognised]")).to_have_text("1")
    households = page.locator("#summary tr[data-indicator='households_learning_family']")
    expect(households.locator("[data-field=percentage]")).to_have_text("33,3%")

    # when the commune issues a decision recognising the two proposed families
    recognition.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=FAMILY,
        year=YEAR,
        assessment_ids=[assessment.pk for assessment in proposed],
        draft=draft(15),
    )

    # then the reloaded page counts them: no batch job, no wait
    page.reload()
    expect(family.locator("[data-field=recognised]")).to_have_text("3")
    expect(households.locator("[data-field=percentage]")).to_have_text("100%")
    expect(households.locator("[data-status]")).to_have_attribute("data-status", "met")

    # and the commune's page reads well on a phone (nothing wider than the screen but tables)
    phone = open_page(**PHONE)
    log_in(phone, base, people.commune_official.username)
    phone.goto(f"{base}/dashboard/?year={YEAR}")
    expect(phone).to_have_url(re.compile(rf"/dashboard/{tree.commune.key}/"))
    expect(phone.locator("#bar-chart svg")).to_be_visible()
    width: int = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
