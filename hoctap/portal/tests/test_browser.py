"""The public portal in a real browser, as a visitor who never signs in uses it, with axe-core
checking the accessibility of every page on the way.

The content is made the way editors and officials make it: materials, an article and an
event through the portal's services, and a certificate through a real recognition decision.
The visitor opens the portal's home and goes on by following links only: finds a learning
material by typing its words without diacritics, narrows the list by audience, downloads the
file; checks a certificate by its serial; registers interest in three steps. Each page is run
through axe (`hoctap.testing.accessibility`), which must find nothing serious or critical.
Keyboard use is checked on the search form, and the search on a browser without JavaScript.

Refusals (a mistyped serial, an unknown one, a registration sent empty) and empty results
pass the same check. A parametrized test runs axe on every public page, at a desktop's and a
phone's width, in Vietnamese (the default) and the home page once in English; another makes
sure the checker itself is not silent on a page with the usual faults.

Selectors use ids, names and data-* attributes; the words compared are the content's own
(Vietnamese whatever the interface language) or the interface's through `vietnamese()`, which
reads the same before and after the catalogue is translated.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, ViewportSize, expect

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.assessments.models import State, Title
from hoctap.assessments.tests.factories import AssessmentFactory
from hoctap.conftest import People, Tree
from hoctap.criteria import loader
from hoctap.portal import services
from hoctap.portal.models import (
    Article,
    ArticleKind,
    Audience,
    Interest,
    Licence,
    Material,
    MaterialFormat,
    Topic,
)
from hoctap.recognition import services as recognition_services
from hoctap.recognition.models import Certificate
from hoctap.recognition.tests.factories import YEAR, draft
from hoctap.registry.models import Person
from hoctap.registry.tests.factories import (
    HouseholdFactory,
    LearningCentreFactory,
    PersonFactory,
)
from hoctap.targets import services as target_services
from hoctap.testing.accessibility import axe_violations, describe_violations, duplicate_ids
from hoctap.testing.browser import PHONE, TIMEOUT_MS, PageFactory

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MATERIAL_TITLE = "Học tập suốt đời cho nông dân vùng cao"
PUPILS_TITLE = "Học tập cùng con: đọc sách mỗi tối"
COFFEE_TITLE = "Kỹ thuật trồng cà phê chè"
FILE_NAME = "Học tập suốt đời.pdf"
HOLDER = "Lò Thị Hoa"
NAME = "Quàng Văn Minh"


@dataclasses.dataclass(frozen=True)
class Portal:
    """What the portal has published, and the certificate a visitor checks."""

    material: Material
    pupils_material: Material
    article: Article
    event: Article
    certificate: Certificate


def vietnamese(message: str) -> str:
    """A message of the interface as the page shows it (Vietnamese, the default language)."""
    with translation.override("vi"):
        return translation.gettext(message)


def _publish_material(actor: Any, unit: Any, *, file: Any = None, **values: Any) -> Material:
    material = services.material_save(actor, unit=unit, values=values, file=file)
    services.publish(actor, material)
    material.refresh_from_db()
    return material


def _publish_article(actor: Any, unit: Any, **values: Any) -> Article:
    article = services.article_save(actor, unit=unit, values=values)
    services.publish(actor, article)
    article.refresh_from_db()
    return article


def _certificate(tree: Tree, people: People) -> Certificate:
    """A learning citizen of Bản Hày recognised by the commune: a real decision, a real serial."""
    household = HouseholdFactory.create(hamlet=tree.hamlet, commune=tree.commune)
    person: Person = PersonFactory.create(household=household, full_name=HOLDER)
    assessment = AssessmentFactory.create(
        title=Title.LEARNING_CITIZEN,
        person=person,
        household=None,
        state=State.PROPOSED,
        passed=True,
        total=90,
    )
    recognition_services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=Title.LEARNING_CITIZEN,
        year=YEAR,
        assessment_ids=[assessment.pk],
        draft=draft(15),
    )
    return Certificate.objects.get(assessment=assessment)


def publish_portal(tree: Tree, people: People) -> Portal:
    """Materials with their licences, an article and an event, as their editors publish them."""
    commune_editor = user_with_role(Role.PORTAL_EDITOR, tree.commune, "bientapxa")
    province_editor = user_with_role(Role.PORTAL_EDITOR, tree.province, "bientaptinh")
    centre = LearningCentreFactory.create(commune=tree.commune, name="TTHTCĐ xã Mường Giôn")
    material = _publish_material(
        commune_editor,
        tree.commune,
        file=SimpleUploadedFile(FILE_NAME, PDF_BYTES),
        title=MATERIAL_TITLE,
        description="Vì sao và làm thế nào để cả nhà cùng học, ghi chép sau mỗi buổi sinh hoạt.",
        topic=Topic.LIFELONG_LEARNING,
        audience=Audience.FARMERS,
        format=MaterialFormat.DOCUMENT,
        licence=Licence.CC_BY,
        author="Hội Khuyến học tỉnh Sơn La",
        centre=centre,
    )
    pupils = _publish_material(
        province_editor,
        tree.province,
        title=PUPILS_TITLE,
        topic=Topic.CULTURE,
        audience=Audience.PUPILS,
        format=MaterialFormat.VIDEO,
        url="https://www.youtube.com/watch?v=hoctap",
        licence=Licence.LINKED,
    )
    _publish_material(
        people.admin,
        None,
        title=COFFEE_TITLE,
        topic=Topic.AGRICULTURE,
        audience=Audience.FARMERS,
        format=MaterialFormat.LINK,
        url="https://example.org/ca-phe",
        licence=Licence.CC_BY_SA,
    )
    article = _publish_article(
        commune_editor,
        tree.commune,
        kind=ArticleKind.GUIDANCE,
        title="Hướng dẫn đăng ký Gia đình học tập năm nay",
        summary="Các bước đăng ký và hồ sơ cần chuẩn bị.",
        body="<p>Hộ gia đình <strong>đăng ký</strong> với trưởng bản trước ngày 31/3.</p>"
        "<ul><li>Bước 1: đăng ký</li><li>Bước 2: tự đánh giá</li></ul>",
    )
    starts_on = timezone.localdate() + datetime.timedelta(days=20)
    event = _publish_article(
        province_editor,
        tree.province,
        kind=ArticleKind.EVENT,
        title="Tuần lễ hưởng ứng học tập suốt đời",
        summary="Chuỗi hoạt động đọc sách và chia sẻ kinh nghiệm học tập.",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=6),
        place="Nhà văn hóa tỉnh Sơn La",
    )
    return Portal(
        material=material,
        pupils_material=pupils,
        article=article,
        event=event,
        certificate=_certificate(tree, people),
    )


@pytest.fixture
def portal(tree: Tree, people: People, settings: Any, tmp_path: Path) -> Iterator[Portal]:
    """The published portal, files under a fresh folder, limits out of the way, cache empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOCTAP_VERIFY_RATE_PER_MINUTE = 1000
    settings.HOCTAP_INTEREST_RATE_PER_HOUR = 1000
    cache.clear()
    # The open figures compare with the national targets, as on a real installation.
    target_services.national_targets_load()
    yield publish_portal(tree, people)
    cache.clear()


def assert_accessible(page: Page) -> None:
    """axe finds nothing serious or critical on the page as it is now, and no id is repeated."""
    violations = axe_violations(page)
    assert not violations, describe_violations(violations, url=page.url)
    assert duplicate_ids(page) == [], f"duplicate ids on {page.url}"


def follow(page: Page, link: Any) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


# -- the visitor's journey ------------------------------------------------------------------------


def test_a_visitor_finds_a_material_checks_a_certificate_and_registers_interest(
    live_server: Any, tree: Tree, portal: Portal, open_page: PageFactory, tmp_path: Path
) -> None:
    page = open_page()
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    expect(page.locator("h1")).to_have_text(vietnamese("Lifelong learning portal"))
    assert_accessible(page)

    # (1) From the menu to the learning materials; a search typed without diacritics.
    follow(page, page.locator(f"header nav a[href='{reverse('portal:materials')}']"))
    expect(page.locator("h1")).to_contain_text(vietnamese("Learning materials"))
    results = page.locator("#material-results > li[data-material]")
    expect(results).to_have_count(3)
    assert_accessible(page)
    page.fill("#id_q", "hoc tap")
    follow(page, page.locator("#material-search"))
    expect(results).to_have_count(2)
    # Newest first: the province's video was published after the commune's document.
    expect(results.locator("h2")).to_have_text([PUPILS_TITLE, MATERIAL_TITLE])
    expect(page.locator("#id_q")).to_have_value("hoc tap")
    assert_accessible(page)

    # Narrows the results to farmers: the pupils' video goes, the search stays.
    page.select_option("#id_audience", Audience.FARMERS)
    follow(page, page.locator("#material-search"))
    expect(results).to_have_count(1)
    expect(
        page.locator(f"#material-results li[data-material='{portal.material.pk}']")
    ).to_be_visible()
    expect(page.locator("#id_q")).to_have_value("hoc tap")
    expect(page.locator("#id_audience")).to_have_value(Audience.FARMERS)
    assert_accessible(page)

    # Opens the material: its licence, its centre, then downloads the file.
    follow(page, results.locator("h2 a"))
    expect(page.locator("h1")).to_have_text(MATERIAL_TITLE)
    expect(page.locator("#material-licence")).to_have_attribute("data-licence", Licence.CC_BY)
    expect(page.locator("#material-licence a[rel~=license]")).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/deed.vi"
    )
    expect(page.locator("#material-centre")).to_contain_text("TTHTCĐ xã Mường Giôn")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("#material-download")
    download = download_info.value
    assert download.suggested_filename == FILE_NAME
    saved = tmp_path / "download.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES
    portal.material.refresh_from_db()
    assert portal.material.downloads == 1

    # (2) "Verify a certificate" from the menu: the serial, then the certificate, valid.
    follow(page, page.locator(f"header nav a[href='{reverse('public:verify_form')}']"))
    expect(page.locator("#id_serial")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_serial", portal.certificate.serial)
    follow(page, page.locator("#verify-submit"))
    expect(page).to_have_url(
        re.compile(re.escape(reverse("public:verify", args=[portal.certificate.serial])) + "$")
    )
    expect(page.locator("#verification")).to_have_attribute("data-status", "valid")
    expect(page.locator("#verify-status")).to_contain_text(vietnamese("Valid"))
    expect(page.locator("#verify-holder")).to_have_text(HOLDER)
    expect(page.locator("#verify-serial")).to_have_text(portal.certificate.serial)
    assert_accessible(page)

    # (3) Registers interest: province, then commune, then hamlet, then the details.
    follow(page, page.locator(f"header nav a[href='{reverse('portal:interest')}']"))
    expect(page.locator("h1")).to_have_text(vietnamese("Register to take part"))
    assert_accessible(page)
    page.select_option("#id_province", tree.province.key)
    page.wait_for_selector(f"#id_commune option[value='{tree.commune.key}']", state="attached")
    page.select_option("#id_commune", tree.commune.key)
    page.wait_for_selector(f"#id_hamlet option[value='{tree.hamlet.key}']", state="attached")
    page.select_option("#id_hamlet", tree.hamlet.key)
    assert_accessible(page)
    page.check(f"input[name=title][value='{Title.LEARNING_FAMILY}']")
    page.fill("#id_full_name", NAME)
    page.fill("#id_birth_year", "1985")
    page.check("#id_consent")
    follow(page, page.locator("#interest-submit"))
    expect(page).to_have_url(re.compile(re.escape(reverse("portal:interest_thanks")) + "$"))
    expect(page.locator("#interest-thanks")).to_be_visible()
    expect(page.locator("main")).to_contain_text(tree.hamlet.name)
    assert_accessible(page)
    interest = Interest.objects.get()
    assert (interest.hamlet_id, interest.title, interest.full_name) == (
        tree.hamlet.pk,
        Title.LEARNING_FAMILY,
        NAME,
    )
    # The name given is on no public page: not even the thanks page shows the whole of it.
    assert NAME not in page.inner_text("main")


def test_the_material_search_is_used_with_the_keyboard_alone(
    live_server: Any, portal: Portal, open_page: PageFactory
) -> None:
    page = open_page()
    page.goto(f"{live_server.url}{reverse('portal:materials')}")
    # Tab from the top of the page: the skip link first, then on until the search field.
    page.keyboard.press("Tab")
    expect(page.locator("a[href='#main']")).to_be_focused()
    search = page.locator("#id_q")
    for _ in range(40):
        if page.evaluate("() => document.activeElement?.id") == "id_q":
            break
        page.keyboard.press("Tab")
    expect(search).to_be_focused()
    # The focused field is seen: the browser draws a focus ring around it.
    assert page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
    )
    page.keyboard.type("hoc tap")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=hoc+tap" in page.url
    results = page.locator("#material-results > li[data-material]")
    expect(results).to_have_count(2)
    expect(page.locator("#material-count")).to_have_attribute("role", "status")
    assert_accessible(page)


def test_the_search_works_without_javascript(
    live_server: Any, portal: Portal, chromium_browser: Browser
) -> None:
    context = chromium_browser.new_context(java_script_enabled=False, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('portal:home')}")
        follow(page, page.locator(f"header nav a[href='{reverse('portal:materials')}']"))
        page.fill("#id_q", "HOC TAP")
        page.select_option("#id_audience", Audience.PUPILS)
        follow(page, page.locator("#material-search"))
        results = page.locator("#material-results > li[data-material]")
        expect(results).to_have_count(1)
        expect(results.locator("h2")).to_have_text(PUPILS_TITLE)
        follow(page, results.locator("h2 a"))
        expect(page.locator("#material-link")).to_have_attribute(
            "href", "https://www.youtube.com/watch?v=hoctap"
        )
        # The articles' search too.
        follow(
            page, page.locator(f"header nav a[href='{reverse('portal:articles')}?kind=guidance']")
        )
        page.fill("#article-q", "gia dinh hoc tap")
        follow(page, page.locator("form[role=search] button[type=submit]"))
        expect(page.locator("#article-results > li")).to_have_count(1)
        expect(page.locator("#article-results")).to_contain_text(portal.article.title)
    finally:
        context.close()


def test_refusals_and_empty_results_read_as_well_as_the_pages(
    live_server: Any, tree: Tree, portal: Portal, open_page: PageFactory
) -> None:
    """What a visitor sees when something is wrong passes the check too."""
    page = open_page()
    base = live_server.url

    # A serial with characters no serial has: the message sits under the field it concerns.
    page.goto(f"{base}{reverse('public:verify_form')}?serial=%21%21")
    expect(page.locator("#id_serial")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_serial_error\b")
    )
    assert_accessible(page)
    # A serial no certificate has: said in words, not by colour alone.
    page.goto(f"{base}{reverse('public:verify', args=['03694-2026-999999'])}")
    expect(page.locator("#verification")).to_have_attribute("data-status", "unknown")
    expect(page.locator("#verify-status")).to_contain_text(vietnamese("Unknown"))
    assert_accessible(page)
    # A search that finds nothing.
    page.goto(f"{base}{reverse('portal:materials')}?q=khong+co+gi")
    expect(page.locator("#material-empty")).to_be_visible()
    assert_accessible(page)
    # The registration sent empty by a browser that does not check forms: every refusal is
    # tied to its field, and nothing is saved.
    page.goto(
        f"{base}{reverse('portal:interest')}?province={tree.province.key}&commune={tree.commune.key}"
    )
    page.evaluate("() => { document.querySelector('#interest-form').noValidate = true; }")
    follow(page, page.locator("#interest-submit"))
    expect(page.locator("#interest-errors")).to_be_visible()
    expect(page.locator("#id_full_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_hamlet")).to_have_attribute("aria-describedby", "id_hamlet_error")
    assert_accessible(page)
    assert not Interest.objects.exists()


# -- every public page ----------------------------------------------------------------------------


PageAddress = Callable[[Tree, Portal], str]
PUBLIC_PAGES: dict[str, PageAddress] = {
    "home": lambda tree, portal: reverse("portal:home"),
    "province": lambda tree, portal: reverse("portal:unit", args=[tree.province.key]),
    "commune": lambda tree, portal: reverse("portal:unit", args=[tree.commune.key]),
    "articles": lambda tree, portal: reverse("portal:articles"),
    "article": lambda tree, portal: reverse(
        "portal:article", args=[portal.article.pk, portal.article.slug]
    ),
    "event": lambda tree, portal: reverse(
        "portal:article", args=[portal.event.pk, portal.event.slug]
    ),
    "events": lambda tree, portal: reverse("portal:events"),
    "criteria": lambda tree, portal: reverse("portal:criteria"),
    "criteria_set": lambda tree, portal: reverse(
        "portal:criteria_set", args=[loader.shipped_sets()[0].code]
    ),
    "materials": lambda tree, portal: reverse("portal:materials"),
    "material": lambda tree, portal: reverse("portal:material", args=[portal.material.pk]),
    "material_link": lambda tree, portal: reverse(
        "portal:material", args=[portal.pupils_material.pk]
    ),
    "figures_country": lambda tree, portal: reverse("portal:figures"),
    "figures_province": lambda tree, portal: (
        f"{reverse('portal:figures')}?unit={tree.province.key}"
    ),
    "figures_commune": lambda tree, portal: f"{reverse('portal:figures')}?unit={tree.commune.key}",
    "interest": lambda tree, portal: reverse("portal:interest"),
    "interest_places": lambda tree, portal: (
        f"{reverse('portal:interest')}?province={tree.province.key}&commune={tree.commune.key}"
    ),
    "thanks": lambda tree, portal: reverse("portal:interest_thanks"),
    "verify": lambda tree, portal: reverse("public:verify_form"),
    "certificate": lambda tree, portal: reverse("public:verify", args=[portal.certificate.serial]),
    "verify_key": lambda tree, portal: reverse("public:verify_key"),
    "recognised": lambda tree, portal: reverse(
        "public:recognised_list", args=[tree.commune.key, YEAR]
    ),
}


@pytest.mark.parametrize(
    ("name", "language"),
    [(name, "vi") for name in PUBLIC_PAGES] + [("home", "en")],
    ids=lambda value: str(value),
)
def test_every_public_page_passes_the_accessibility_check(
    live_server: Any,
    tree: Tree,
    portal: Portal,
    open_page: PageFactory,
    name: str,
    language: str,
) -> None:
    page = open_page()
    if language != "vi":
        page.context.add_cookies(
            [
                {
                    "name": django_settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "url": live_server.url,
                }
            ]
        )
    response = page.goto(f"{live_server.url}{PUBLIC_PAGES[name](tree, portal)}")
    assert response is not None
    assert response.status == 200, f"{name} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(f"header button[name=language][value={language}]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("main h1")).to_have_count(1)
    # Every collapsed part (the figures' tables) is checked too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert_accessible(page)
    # On a phone the same page reflows: what scrolls sideways must still take the focus.
    page.set_viewport_size(ViewportSize(width=PHONE["width"], height=PHONE["height"]))
    assert_accessible(page)


def test_the_check_finds_what_shuts_people_out(open_page: PageFactory) -> None:
    """The checker is not silent: a page with the usual faults fails it, each fault named."""
    page = open_page()
    page.set_content(
        '<!doctype html><html lang="vi"><head><title>Sai</title></head><body><main>'
        "<h1>Trang lỗi</h1>"
        '<p style="color:#bbbbbb;background:#ffffff">Chữ quá nhạt</p>'
        '<img src="data:,">'
        '<input type="text" name="q">'
        '<a href="/x"></a>'
        '<div id="twice"></div><div id="twice"></div>'
        "</main></body></html>"
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"color-contrast", "image-alt", "label", "link-name"} <= found
    assert duplicate_ids(page) == ["twice"]
    # Limited to some rules, only those run; the report names the element and the fix.
    only = axe_violations(page, rules=["image-alt"])
    assert [violation["id"] for violation in only] == ["image-alt"]
    text = describe_violations(only, url="about:blank")
    assert "[critical] image-alt" in text
    assert "<img" in text
