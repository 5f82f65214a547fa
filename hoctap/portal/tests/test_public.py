"""The portal's public pages: what anonymous visitors see, how fast, and what stays hidden.

Content is made as editors make it (`services.article_save` + `services.publish`); pages are read
in English. Drafts and scheduled articles stay invisible until their time; searching ignores
diacritics; hamlets have no page; anonymous visitors are served from the cache (signed-in ones
never are); the criteria pages say exactly what the scoring data says; no page names a person
of the registry.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from tinyhtml5.parser import HTMLParser as Html5Parser

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.criteria import loader
from hoctap.criteria import services as criteria_services
from hoctap.portal import services
from hoctap.portal.caching import public_page
from hoctap.portal.models import (
    Article,
    ArticleKind,
    Audience,
    Licence,
    Material,
    MaterialFormat,
    Topic,
)
from hoctap.registry.models import CentreActivity
from hoctap.registry.tests.factories import (
    HouseholdFactory,
    LearningCentreFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any, tmp_path: Any) -> Iterator[None]:
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


@pytest.fixture
def editor(tree: Tree) -> User:
    """The commune's portal editor."""
    return user_with_role(Role.PORTAL_EDITOR, tree.commune, "bientapxa")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def visitor() -> Client:
    """An anonymous visitor reading in English."""
    return english(Client())


def write(
    actor: Any,
    unit: AdminUnit | None,
    title: str,
    *,
    kind: str = ArticleKind.NEWS,
    publish: bool = True,
    at: datetime.datetime | None = None,
    image: Any = None,
    attachment: Any = None,
    **values: Any,
) -> Article:
    """An article written (and published, now or at `at`) the way editors do it."""
    article = services.article_save(
        actor,
        unit=unit,
        values={"kind": kind, "title": title, **values},
        image=image,
        attachment=attachment,
    )
    if publish:
        services.publish(actor, article, at=at)
        article.refresh_from_db()
    return article


def material(actor: Any, unit: AdminUnit | None, title: str, **values: Any) -> Material:
    item = services.material_save(
        actor,
        unit=unit,
        values={
            "title": title,
            "topic": Topic.DIGITAL_SKILLS,
            "audience": Audience.FARMERS,
            "format": MaterialFormat.VIDEO,
            "url": "https://example.org/video",
            "licence": Licence.CC_BY,
            **values,
        },
    )
    services.publish(actor, item)
    item.refresh_from_db()
    return item


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


def page_text(response: Any) -> str:
    return response.content.decode()


# -- checking the HTML ----------------------------------------------------------------------------
# html5lib is not installed; tinyhtml5 (its fork, which WeasyPrint brings) parses by the WHATWG
# algorithm and lists every parse error. The checker below adds what a parser does not judge.

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.h1 = 0
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.labels: set[str] = set()
        self.fields: list[tuple[str, dict[str, str]]] = []
        self.html_lang = ""
        self.landmarks: set[str] = set()
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "html":
            self.html_lang = attributes.get("lang", "")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
            self.h1 += tag == "h1"
        if tag in {"main", "header", "footer", "nav"}:
            self.landmarks.add(tag)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in {"input", "select", "textarea"}:
            self.fields.append((tag, attributes))
        if tag == "img" and "alt" not in attributes:
            self.problems.append(f"img without alt: {attributes.get('src')}")
        if tag == "meta":
            key = attributes.get("name") or attributes.get("property") or ""
            if key:
                self.meta[key] = attributes.get("content", "")
        if tag == "link" and attributes.get("rel") == "canonical":
            self.canonical = attributes.get("href", "")
        if tag == "title":
            self._in_title = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag == "title":
            self._in_title = False
        # <p> and <li> may close implicitly; anything else must nest properly.
        while self.stack and self.stack[-1] != tag and self.stack[-1] in {"p", "li"}:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check_html(response: Any) -> _Checker:
    """Parse the page and assert the structure every public page must have."""
    html5 = Html5Parser()
    html5.parse(page_text(response))
    lines = page_text(response).splitlines()
    errors = [
        (code, lines[line - 1][max(0, column - 80) : column + 10])
        for (line, column), code, _data in html5.errors
    ]
    assert errors == []
    checker = _Checker()
    checker.feed(page_text(response))
    checker.close()
    assert page_text(response).lstrip().lower().startswith("<!doctype html>")
    assert checker.problems == []
    assert [tag for tag in checker.stack if tag not in {"p", "li"}] == []
    assert checker.html_lang in {"vi", "en"}
    assert checker.h1 == 1
    # Headings never skip a level on the way down.
    previous = 0
    for level in checker.headings:
        assert level <= previous + 1, checker.headings
        previous = level
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    assert {"main", "header", "footer", "nav"} <= checker.landmarks
    for tag, attributes in checker.fields:
        if attributes.get("type") in {"hidden", "submit", "button"}:
            continue
        assert attributes.get("id") in checker.labels or attributes.get("aria-label"), (
            tag,
            attributes,
        )
    assert checker.title.strip()
    assert checker.meta.get("description")
    assert checker.canonical.startswith("http")
    for tag in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert checker.meta.get(tag), tag
    return checker


# -- the layout ---------------------------------------------------------------------------------


def test_layout_has_skip_link_language_switch_menu_and_sign_in(tree: Tree, visitor: Client) -> None:
    response = visitor.get(reverse("portal:home"))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    assert 'href="#main"' in text
    assert 'lang="en"' in text
    assert 'action="/language/"' in text
    for link in (
        reverse("portal:articles") + "?kind=news",
        reverse("portal:articles") + "?kind=guidance",
        reverse("portal:articles") + "?kind=legal",
        reverse("portal:events"),
        reverse("portal:materials"),
        reverse("portal:figures"),
        "/verify/",
        reverse("portal:interest"),
        reverse("accounts:login"),
    ):
        assert f'href="{link}"' in text, link
    # No CSRF token on an anonymous page: it is cached and shared.
    assert "csrfmiddlewaretoken" not in text
    assert "csrftoken" not in response.cookies


def test_vietnamese_is_the_default_language(tree: Tree) -> None:
    response = Client().get(reverse("portal:home"))

    assert 'lang="vi"' in page_text(response)


def test_language_switch_needs_no_csrf_token_and_goes_back(tree: Tree) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("public_language"), {"language": "en", "next": "/portal/"})

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in page_text(client.get(reverse("portal:home")))


def test_language_switch_refuses_a_foreign_next_address(tree: Tree) -> None:
    response = Client().post(
        reverse("public_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert not response.get("Location", "").startswith("https://evil.example")


# -- home ---------------------------------------------------------------------------------------


def test_home_shows_latest_content_figures_provinces_and_links(
    tree: Tree, people: People, visitor: Client
) -> None:
    write(people.admin, None, "Hướng dẫn đánh giá Công dân học tập", kind=ArticleKind.GUIDANCE)
    write(people.admin, None, "Tin tức toàn quốc")
    write(
        people.admin,
        None,
        "Tuần lễ hưởng ứng học tập suốt đời",
        kind=ArticleKind.EVENT,
        starts_on=timezone.localdate() + datetime.timedelta(days=10),
        ends_on=timezone.localdate() + datetime.timedelta(days=16),
        place="Nhà văn hoá tỉnh",
    )
    material(people.admin, None, "Kỹ năng số cho nông dân")

    response = visitor.get(reverse("portal:home"))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    for shown in (
        "Hướng dẫn đánh giá Công dân học tập",
        "Tin tức toàn quốc",
        "Tuần lễ hưởng ứng học tập suốt đời",
        "Nhà văn hoá tỉnh",
        "Kỹ năng số cho nông dân",
        "Learning family",  # the figures' titles
    ):
        assert shown in text, shown
    assert reverse("portal:unit", args=[tree.province.key]) in text
    assert reverse("portal:unit", args=[tree.other_province.key]) in text
    assert f'href="{reverse("portal:figures")}"' in text


def test_home_lists_upcoming_events_soonest_first(tree: Tree, people: People) -> None:
    today = timezone.localdate()
    write(people.admin, None, "Ngày Khuyến học 2/10", kind=ArticleKind.EVENT,
          starts_on=today + datetime.timedelta(days=30))  # fmt: skip
    write(people.admin, None, "Tuần lễ học tập suốt đời", kind=ArticleKind.EVENT,
          starts_on=today + datetime.timedelta(days=3))  # fmt: skip
    write(people.admin, None, "Sơ kết 5 năm (đã qua)", kind=ArticleKind.EVENT,
          starts_on=today - datetime.timedelta(days=30))  # fmt: skip

    text = page_text(english(Client()).get(reverse("portal:events")))

    upcoming, past = text.split('id="events-past"')
    assert upcoming.index("Tuần lễ học tập suốt đời") < upcoming.index("Ngày Khuyến học 2/10")
    assert "Sơ kết 5 năm (đã qua)" not in upcoming
    assert "Sơ kết 5 năm (đã qua)" in past


# -- publishing time ------------------------------------------------------------------------------


def test_drafts_are_invisible(tree: Tree, editor: User, visitor: Client) -> None:
    draft = write(editor, tree.commune, "Bản nháp chưa đăng", publish=False)

    detail = visitor.get(reverse("portal:article", args=[draft.pk, draft.slug]))
    listing = visitor.get(reverse("portal:articles"))
    unit = visitor.get(reverse("portal:unit", args=[tree.commune.key]))

    assert detail.status_code == 404
    assert "Bản nháp chưa đăng" not in page_text(listing)
    assert "Bản nháp chưa đăng" not in page_text(unit)
    assert visitor.get(reverse("portal:article_image", args=[draft.pk])).status_code == 404


def test_withdrawn_article_disappears(tree: Tree, editor: User, visitor: Client) -> None:
    article = write(editor, tree.commune, "Tin sẽ gỡ")
    services.withdraw(editor, article)

    assert (
        visitor.get(reverse("portal:article", args=[article.pk, article.slug])).status_code == 404
    )


def test_scheduled_article_appears_once_its_time_comes(
    tree: Tree, editor: User, visitor: Client
) -> None:
    now = timezone.now()
    later = now + datetime.timedelta(hours=2)
    article = write(editor, tree.commune, "Tin hẹn giờ đăng", at=later)
    address = reverse("portal:article", args=[article.pk, article.slug])

    # given: before its time
    assert visitor.get(address).status_code == 404
    assert "Tin hẹn giờ đăng" not in page_text(visitor.get(reverse("portal:articles")))

    # when: its time has come (and the cached pages have expired)
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=later + datetime.timedelta(1)):
        detail = visitor.get(address)
        listing = visitor.get(reverse("portal:articles"))

    # then
    assert detail.status_code == 200
    assert "Tin hẹn giờ đăng" in page_text(listing)


def test_wrong_slug_redirects_permanently_to_the_right_one(
    tree: Tree, editor: User, visitor: Client
) -> None:
    article = write(editor, tree.commune, "Học tập suốt đời ở Mường Giôn")

    response = visitor.get(reverse("portal:article", args=[article.pk, "ten-cu"]))

    assert response.status_code == 301
    assert response["Location"] == reverse("portal:article", args=[article.pk, article.slug])
    assert article.slug == "hoc-tap-suot-doi-o-muong-gion"


def test_unknown_article_is_404(tree: Tree, visitor: Client) -> None:
    assert visitor.get(reverse("portal:article", args=[999999, "x"])).status_code == 404


# -- articles -------------------------------------------------------------------------------------


def test_search_ignores_diacritics_and_case(tree: Tree, editor: User, visitor: Client) -> None:
    write(editor, tree.commune, "Học tập suốt đời")
    write(editor, tree.commune, "Chuyện khác hẳn")

    for words in ("hoc tap", "HỌC TẬP", "Hoc Tap"):
        text = page_text(visitor.get(reverse("portal:articles"), {"q": words}))
        assert "Học tập suốt đời" in text, words
        assert "Chuyện khác hẳn" not in text, words


def test_list_filters_by_kind_and_unit(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    write(editor, tree.commune, "Tin của xã")
    write(editor, tree.commune, "Quyết định của xã", kind=ArticleKind.LEGAL,
          document_number="12/QĐ-UBND")  # fmt: skip
    write(people.admin, tree.far_commune, "Tin của Nông Cống")

    legal = page_text(visitor.get(reverse("portal:articles"), {"kind": "legal"}))
    commune = page_text(visitor.get(reverse("portal:articles"), {"unit": tree.commune.key}))
    province = page_text(visitor.get(reverse("portal:articles"), {"unit": tree.province.key}))

    assert "Quyết định của xã" in legal
    assert "Tin của xã" not in legal
    assert "Tin của xã" in commune
    assert "Tin của Nông Cống" not in commune
    assert "Tin của xã" in province  # a province's list holds its communes' content
    assert "Tin của Nông Cống" not in province
    hamlet = visitor.get(reverse("portal:articles"), {"unit": tree.hamlet.key})
    assert hamlet.status_code == 404


def test_list_is_paginated_by_twenty(tree: Tree, people: People, visitor: Client) -> None:
    for number in range(21):
        write(people.admin, None, f"Tin số {number:02d}")

    first = visitor.get(reverse("portal:articles"))
    second = visitor.get(reverse("portal:articles"), {"page": 2})

    check_html(first)
    assert page_text(first).count('class="h6 mb-1"') == 20
    assert page_text(second).count('class="h6 mb-1"') == 1
    assert "Tin số 00" in page_text(second)  # the oldest comes last
    assert 'rel="next"' in page_text(first)


def test_article_page_shows_legal_fields_image_and_attachment(
    tree: Tree, editor: User, visitor: Client
) -> None:
    article = write(
        editor,
        tree.commune,
        "Kế hoạch xây dựng xã hội học tập",
        kind=ArticleKind.LEGAL,
        summary="Kế hoạch năm của xã",
        body="<p>Nội dung <strong>chính</strong></p><script>alert(1)</script>",
        document_number="45/KH-UBND",
        issued_on=datetime.date(2025, 3, 4),
        issuer="UBND xã Mường Giôn",
        image=png_upload(),
        image_alt="Lớp học buổi tối ở nhà văn hoá bản",
        attachment=SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES),
    )

    response = visitor.get(reverse("portal:article", args=[article.pk, article.slug]))

    assert response.status_code == 200
    checker = check_html(response)
    text = page_text(response)
    assert "45/KH-UBND" in text
    assert "04/03/2025" in text or "03/04/2025" in text or "2025" in text
    assert "UBND xã Mường Giôn" in text
    assert 'alt="Lớp học buổi tối ở nhà văn hoá bản"' in text
    assert "<strong>chính</strong>" in text
    assert "alert(1)" not in text
    assert checker.meta["og:type"] == "article"
    assert checker.meta["og:title"] == "Kế hoạch xây dựng xã hội học tập"
    assert checker.meta["description"] == "Kế hoạch năm của xã"
    assert checker.meta["og:image"].endswith(reverse("portal:article_image", args=[article.pk]))
    assert checker.canonical.endswith(reverse("portal:article", args=[article.pk, article.slug]))

    image = visitor.get(reverse("portal:article_image", args=[article.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    download = visitor.get(reverse("portal:article_file", args=[article.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "ke-hoach.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_files_of_an_unpublished_article_are_404(tree: Tree, editor: User, visitor: Client) -> None:
    article = write(
        editor,
        tree.commune,
        "Nháp có ảnh",
        publish=False,
        image=png_upload(),
        image_alt="Ảnh",
        attachment=SimpleUploadedFile("a.pdf", PDF_BYTES),
    )

    assert visitor.get(reverse("portal:article_image", args=[article.pk])).status_code == 404
    assert visitor.get(reverse("portal:article_file", args=[article.pk])).status_code == 404


def test_event_page_shows_dates_and_place(tree: Tree, editor: User, visitor: Client) -> None:
    article = write(
        editor,
        tree.commune,
        "Ngày hội đọc sách",
        kind=ArticleKind.EVENT,
        starts_on=datetime.date(2030, 10, 1),
        ends_on=datetime.date(2030, 10, 7),
        place="Thư viện xã",
    )

    text = page_text(visitor.get(reverse("portal:article", args=[article.pk, article.slug])))

    assert "Thư viện xã" in text
    assert 'id="event-fields"' in text
    assert "2030" in text


# -- unit pages -----------------------------------------------------------------------------------


def test_commune_page_shows_its_content_centre_figures_and_public_lists(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    write(editor, tree.commune, "Tin của Mường Giôn")
    write(people.admin, tree.other_commune, "Tin của Tô Hiệu")
    centre = LearningCentreFactory.create(
        commune=tree.commune, name="TTHTCĐ xã Mường Giôn", director="Lò Thị Thu", uses_it=True
    )
    CentreActivity.objects.create(centre=centre, year=2025, activity_count=12, attendance=340)
    material(people.admin, tree.commune, "Lớp tin học cơ bản", centre=centre)

    response = visitor.get(reverse("portal:unit", args=[tree.commune.key]))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    assert "Tin của Mường Giôn" in text
    assert "Tin của Tô Hiệu" not in text
    assert "TTHTCĐ xã Mường Giôn" in text
    assert "Lò Thị Thu" in text
    assert "340" in text
    assert "Lớp tin học cơ bản" in text
    year = timezone.localdate().year
    assert reverse("public:recognised_list", args=[tree.commune.key, year]) in text
    assert reverse("portal:figures") + f"?unit={tree.commune.key}" in text
    assert reverse("portal:unit", args=[tree.province.key]) in text  # back to the province


def test_province_page_shows_its_communes_and_their_content(
    tree: Tree, editor: User, visitor: Client
) -> None:
    write(editor, tree.commune, "Tin của Mường Giôn")

    response = visitor.get(reverse("portal:unit", args=[tree.province.key]))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    assert "Tin của Mường Giôn" in text
    assert reverse("portal:unit", args=[tree.commune.key]) in text
    assert reverse("portal:unit", args=[tree.other_commune.key]) in text
    assert reverse("portal:unit", args=[tree.far_commune.key]) not in text


@pytest.mark.parametrize("key", ["03694-001", "no-such-unit"])
def test_hamlet_or_unknown_unit_page_is_404(tree: Tree, visitor: Client, key: str) -> None:
    assert visitor.get(reverse("portal:unit", args=[key])).status_code == 404


def test_no_personal_data_of_the_registry_on_public_pages(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    household = HouseholdFactory.create(
        commune=tree.commune, hamlet=tree.hamlet, phone="0912345678", address="Số 7 Bản Hày"
    )
    head = PersonFactory.create(
        commune=tree.commune, hamlet=tree.hamlet, household=household, full_name="Quàng Văn Kín"
    )
    household.head = head
    household.save(update_fields=["head"])
    services.interest_submit(
        hamlet=tree.hamlet, title="learning_family", full_name="Lường Thị Riêng", phone="0987654321"
    )
    write(editor, tree.commune, "Tin của xã")

    pages = [
        visitor.get(reverse("portal:unit", args=[tree.commune.key])),
        visitor.get(reverse("portal:unit", args=[tree.province.key])),
        visitor.get(reverse("portal:home")),
        visitor.get(reverse("portal:articles")),
    ]

    for response in pages:
        text = page_text(response)
        assert response.status_code == 200
        for private in ("Quàng Văn Kín", "Lường Thị Riêng", "0912345678", "0987654321", "Số 7"):
            assert private not in text


# -- caching --------------------------------------------------------------------------------------


def test_anonymous_visitors_get_a_cached_page_for_a_minute(
    tree: Tree, people: People, visitor: Client
) -> None:
    write(people.admin, None, "Tin thứ nhất")
    first = visitor.get(reverse("portal:home"))
    write(people.admin, None, "Tin mới đăng sau")

    with CaptureQueriesContext(connection) as queries:
        second = visitor.get(reverse("portal:home"))

    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    assert "Tin mới đăng sau" not in page_text(second)
    assert len(queries) == 0
    cache.clear()  # a minute later
    assert "Tin mới đăng sau" in page_text(visitor.get(reverse("portal:home")))


def test_signed_in_users_always_get_a_fresh_page(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    write(people.admin, None, "Tin thứ nhất")
    visitor.get(reverse("portal:home"))  # cached for anonymous visitors
    write(people.admin, None, "Tin vừa đăng")
    client = english(Client())
    client.force_login(editor)

    response = client.get(reverse("portal:home"))

    assert "Tin vừa đăng" in page_text(response)
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Tin vừa đăng" not in page_text(visitor.get(reverse("portal:home")))


def test_cache_is_kept_per_language_and_query(tree: Tree, people: People) -> None:
    write(people.admin, None, "Học tập suốt đời")
    vietnamese = Client().get(reverse("portal:articles"))
    english_page = english(Client()).get(reverse("portal:articles"))
    search = english(Client()).get(reverse("portal:articles"), {"q": "khong co gi"})

    assert 'lang="vi"' in page_text(vietnamese)
    assert 'lang="en"' in page_text(english_page)
    assert "Học tập suốt đời" not in page_text(search)


def test_a_404_is_not_cached(tree: Tree, editor: User, visitor: Client) -> None:
    article = write(editor, tree.commune, "Sẽ đăng sau", publish=False)
    address = reverse("portal:article", args=[article.pk, article.slug])
    assert visitor.get(address).status_code == 404

    services.publish(editor, article)

    assert visitor.get(address).status_code == 200


def _counting_view(calls: list[int], make: Any) -> Any:
    @public_page
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return make(request)

    return view


def _anonymous(headers: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().get("/portal/x/", headers=headers)
    request.user = AnonymousUser()
    return request


def test_page_with_a_csrf_token_is_not_stored() -> None:
    calls: list[int] = []
    view = _counting_view(calls, lambda request: HttpResponse(get_token(request)))

    view(_anonymous())
    view(_anonymous())

    assert len(calls) == 2


@pytest.mark.parametrize("status", [404, 302, 500])
def test_responses_other_than_200_are_not_stored(status: int) -> None:
    calls: list[int] = []
    view = _counting_view(calls, lambda request: HttpResponse("x", status=status))

    view(_anonymous())
    view(_anonymous())

    assert len(calls) == 2


def test_htmx_fragments_are_cached_apart_from_the_page() -> None:
    calls: list[int] = []
    view = _counting_view(
        calls, lambda request: HttpResponse(request.headers.get("HX-Target", "page"))
    )

    page = view(_anonymous())
    fragment = view(_anonymous({"HX-Request": "true", "HX-Target": "results"}))
    again = view(_anonymous())

    assert (page.content, fragment.content, again.content) == (b"page", b"results", b"page")
    assert len(calls) == 2


def test_post_is_refused(tree: Tree, visitor: Client) -> None:
    assert visitor.post(reverse("portal:home")).status_code == 405


# -- speed ----------------------------------------------------------------------------------------


def _queries(client: Client, address: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_content(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    centre = LearningCentreFactory.create(commune=tree.commune)
    CentreActivity.objects.create(centre=centre, year=2024, activity_count=3, attendance=30)

    def add(count: int) -> None:
        for number in range(count):
            write(editor, tree.commune, f"Tin {number}")
            write(people.admin, None, f"Hướng dẫn {number}", kind=ArticleKind.GUIDANCE)
            write(people.admin, tree.commune, f"Sự kiện {number}", kind=ArticleKind.EVENT,
                  starts_on=timezone.localdate() + datetime.timedelta(days=number + 1))  # fmt: skip
            material(people.admin, tree.commune, f"Học liệu {number}", centre=centre)

    addresses = [
        reverse("portal:home"),
        reverse("portal:unit", args=[tree.commune.key]),
        reverse("portal:unit", args=[tree.province.key]),
        reverse("portal:articles"),
        reverse("portal:articles") + "?q=tin",
        reverse("portal:events"),
        reverse("sitemap"),
    ]
    add(2)
    article = Article.objects.filter(kind=ArticleKind.NEWS).first()
    assert article is not None
    addresses.append(reverse("portal:article", args=[article.pk, article.slug]))
    few = [_queries(visitor, address) for address in addresses]
    add(8)
    many = [_queries(visitor, address) for address in addresses]

    assert all(few)
    assert few == many


# -- sitemap and robots ---------------------------------------------------------------------------


def test_sitemap_lists_public_pages_only(
    tree: Tree, people: People, editor: User, visitor: Client
) -> None:
    article = write(editor, tree.commune, "Tin đã đăng")
    draft = write(editor, tree.commune, "Tin nháp", publish=False)
    item = material(people.admin, None, "Học liệu")

    response = visitor.get(reverse("sitemap"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    text = page_text(response)
    assert "http://testserver/portal/</loc>" in text
    assert reverse("portal:article", args=[article.pk, article.slug]) in text
    assert f"/portal/articles/{draft.pk}-" not in text
    assert reverse("portal:material", args=[item.pk]) in text
    assert reverse("portal:unit", args=[tree.commune.key]) in text
    assert reverse("portal:unit", args=[tree.province.key]) in text
    assert reverse("portal:unit", args=[tree.other_commune.key]) not in text  # nothing there
    assert reverse("portal:unit", args=[tree.hamlet.key]) not in text
    for code in {criteria_set.code for criteria_set in loader.shipped_sets()}:
        assert reverse("portal:criteria_set", args=[code]) in text


def test_robots_allows_the_portal_and_keeps_crawlers_out_of_the_application(
    tree: Tree, visitor: Client
) -> None:
    response = visitor.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = page_text(response).splitlines()
    assert "Allow: /portal/" in lines
    for path in ("/accounts/", "/api/", "/django-admin/", "/portal/manage/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# -- criteria sets --------------------------------------------------------------------------------


def test_criteria_list_shows_every_set_with_its_status(tree: Tree, visitor: Client) -> None:
    response = visitor.get(reverse("portal:criteria"))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    for criteria_set in loader.shipped_sets():
        assert reverse("portal:criteria_set", args=[criteria_set.code]) in text
        assert criteria_set.title in text
    assert "Illustrative" in text
    assert "Official" in text


@pytest.mark.parametrize(
    "criteria_set", loader.shipped_sets(), ids=lambda criteria_set: criteria_set.code
)
def test_criteria_page_shows_the_indicators_of_the_scoring_data(
    tree: Tree, visitor: Client, criteria_set: Any
) -> None:
    response = visitor.get(reverse("portal:criteria_set", args=[criteria_set.code]))

    assert response.status_code == 200
    check_html(response)
    text = page_text(response)
    shown = _indicators_on(text)
    expected = [(indicator.code, indicator.text) for indicator in criteria_set.indicators()]
    assert shown == expected
    for criterion in criteria_set.criteria:
        assert criterion.name in text
    for indicator in criteria_set.indicators():
        if indicator.max_points is not None:
            points = f"{indicator.max_points:g}"
            assert f"Up to {points} points" in text
    assert criteria_set.source.number in text
    assert str(criteria_set.period) in text
    assert ("Illustrative" in text) == criteria_set.is_illustrative
    if criteria_set.pass_rule.min_total is not None:
        assert f"at least {criteria_set.pass_rule.min_total:g} points in total" in text
    for level in criteria_set.levels:
        assert level.name in text


def _indicators_on(text: str) -> list[tuple[str, str]]:
    """(code, text) of each indicator, in page order."""
    import html
    import re

    found = re.findall(
        r'<span class="indicator-code">(.*?)</span> <span class="indicator-text">(.*?)</span>',
        text,
        flags=re.DOTALL,
    )
    return [(html.unescape(code), html.unescape(words)) for code, words in found]


def test_unknown_criteria_set_is_404(tree: Tree, visitor: Client) -> None:
    assert visitor.get(reverse("portal:criteria_set", args=["khong-co"])).status_code == 404


def test_unknown_province_of_a_criteria_set_is_404(tree: Tree, visitor: Client) -> None:
    code = loader.shipped_sets()[0].code
    address = reverse("portal:criteria_set", args=[code])

    assert visitor.get(address, {"province": tree.commune.key}).status_code == 404
    assert visitor.get(address, {"province": tree.province.key}).status_code == 200


def test_a_province_version_of_a_set_is_shown_as_the_scoring_applies_it(
    tree: Tree, people: People, visitor: Client
) -> None:
    path = loader.SETS_DIR / "gia-dinh-hoc-tap-minh-hoa.yaml"
    shipped = loader.load_file(path)
    first = next(shipped.indicators())
    yaml_text = path.read_text(encoding="utf-8")
    yaml_text = yaml_text.replace(first.text, "Chỉ số riêng của tỉnh Sơn La", 1)
    yaml_text = yaml_text.replace(f"version: {shipped.version}", "version: son-la-2025", 1)
    criteria_services.criteria_set_upload(
        actor=people.admin,
        province=tree.province,
        yaml_text=yaml_text,
        valid_from=datetime.date(2025, 1, 1),
    )
    address = reverse("portal:criteria_set", args=[shipped.code])

    provincial = page_text(visitor.get(address, {"province": tree.province.key}))
    national = page_text(visitor.get(address))
    listing = page_text(visitor.get(reverse("portal:criteria")))

    assert (first.code, "Chỉ số riêng của tỉnh Sơn La") in _indicators_on(provincial)
    assert (first.code, first.text) in _indicators_on(national)
    assert f"{address}?province={tree.province.key}" in listing
    assert "Tỉnh Sơn La" in listing
    assert people.admin.username not in listing  # who uploaded it is not public
