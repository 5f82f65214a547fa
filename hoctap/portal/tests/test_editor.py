"""The editors' pages: writing an article, the publishing workflow (draft → published →
withdrawn → scheduled), uploads, refusals next to their fields, stale forms, double clicks,
and the dashboard of what an editor writes."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.portal import selectors, services
from hoctap.portal.models import Article, Material, Status

NEW_URL = reverse("portal:article_new")
MANAGE_URL = reverse("portal:manage")
SECRET = "21.3256N 103.9188E bí mật"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Public pages are cached for anonymous visitors; each test starts with none."""
    cache.clear()


@pytest.fixture
def editor(tree: Tree, people: People) -> User:
    return user_with_role(Role.PORTAL_EDITOR, tree.commune, "bientapxa")


def signed_in(client: Client, user: User | None) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def new_url(unit: AdminUnit | None) -> str:
    return f"{NEW_URL}?unit={unit.key}" if unit is not None else NEW_URL


def edit_url(article: Article) -> str:
    return reverse("portal:article_edit", args=[article.pk])


def publish_url(article: Article) -> str:
    return reverse("portal:article_publish", args=[article.pk])


def withdraw_url(article: Article) -> str:
    return reverse("portal:article_withdraw", args=[article.pk])


def form_data(**changes: Any) -> dict[str, Any]:
    """What the article form posts, with everything optional left blank."""
    data = {
        "kind": "news",
        "title": "Tuần lễ hưởng ứng học tập suốt đời",
        "summary": "Xã tổ chức tuần lễ học tập.",
        "body": "<h2>Chương trình</h2><p>Ngày hội đọc sách tại nhà văn hóa.</p>",
        "image_alt": "",
        "document_number": "",
        "issued_on": "",
        "issuer": "",
        "starts_on": "",
        "ends_on": "",
        "place": "",
    }
    data.update(changes)
    return data


def saved_draft(actor: User, unit: AdminUnit | None, title: str = "Bản tin") -> Article:
    return services.article_save(
        actor, unit=unit, values={"kind": "news", "title": title, "body": "<p>Nội dung</p>"}
    )


def field_block(html: str, name: str) -> str:
    """The HTML of one field's block of the form (label, input, errors, help)."""
    start = html.index(f'id="field-{name}"')
    end = html.find('<div class="mb-3" id="field-', start + 1)
    return html[start : end if end != -1 else len(html)]


def later(**delta: float) -> datetime.datetime:
    """A local time in the future, to the minute (what the publishing form takes)."""
    moment = timezone.localtime() + datetime.timedelta(**delta)
    return moment.replace(second=0, microsecond=0)


def typed(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def png_with_metadata() -> bytes:
    """A PNG carrying a text chunk and EXIF with a place: what a phone's screenshot may hold."""
    image = Image.new("RGB", (64, 48), (30, 120, 200))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    exif = Image.Exif()
    exif[0x010F] = "HangMayAnh"  # Make
    exif[0x010E] = SECRET  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, exif=exif.tobytes())
    return buffer.getvalue()


def office_file(part: str, extra: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
        for name in extra:
            archive.writestr(name, "x")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- writing ------------------------------------------------------------------------------------


def test_an_editor_writes_a_draft_that_is_not_public(client: Client, editor: User) -> None:
    # when
    response = signed_in(client, editor).post(NEW_URL, form_data())

    # then
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    assert article.unit is not None
    assert article.unit.key == "03694"
    assert article.status == Status.DRAFT
    assert article.created_by == editor
    assert article.revision == 1
    assert not selectors.article_list().filter(pk=article.pk).exists()
    assert client.get(reverse("portal:article", args=[article.pk, article.slug])).status_code == 404


def test_the_edit_page_shows_the_sanitised_preview_and_the_draft_status(
    client: Client, editor: User, tree: Tree
) -> None:
    # given
    article = services.article_save(
        editor,
        unit=tree.commune,
        values={"kind": "news", "title": "Có mã", "body": '<p onclick="x()">An toàn</p><script>'},
    )

    # when
    html = signed_in(client, editor).get(edit_url(article)).content.decode()

    # then
    preview = html[html.index('id="preview"') :]
    assert "<p>An toàn</p>" in preview
    assert "onclick" not in html
    assert "<script>" not in preview.split("</section>")[0]
    assert 'data-status="draft"' in html
    assert "Publish now" in html
    assert "Withdraw" not in html


def test_an_event_without_its_first_day_is_refused_next_to_the_field(
    client: Client, editor: User
) -> None:
    # when
    response = signed_in(client, editor).post(
        NEW_URL, form_data(kind="event", title="Ngày hội", place="Nhà văn hóa")
    )

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "An event needs the day it starts." in field_block(html, "starts_on")
    assert 'aria-invalid="true"' in field_block(html, "starts_on")
    assert 'value="Ngày hội"' in html
    assert not Article.objects.exists()


def test_an_event_is_saved_with_its_days_and_place(client: Client, editor: User) -> None:
    response = signed_in(client, editor).post(
        NEW_URL,
        form_data(
            kind="event",
            title="Ngày khuyến học",
            starts_on="02/10/2026",
            ends_on="04/10/2026",
            place="Nhà văn hóa bản Hày",
        ),
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert article.starts_on == datetime.date(2026, 10, 2)
    assert article.ends_on == datetime.date(2026, 10, 4)
    assert article.place == "Nhà văn hóa bản Hày"


def test_a_legal_document_keeps_its_number_date_and_issuer(client: Client, editor: User) -> None:
    signed_in(client, editor).post(
        NEW_URL,
        form_data(
            kind="legal",
            title="Kế hoạch xây dựng xã hội học tập",
            document_number="12/KH-UBND",
            issued_on="10/03/2025",
            issuer="UBND xã Mường Giôn",
        ),
    )

    article = Article.objects.get()
    assert (article.document_number, article.issued_on, article.issuer) == (
        "12/KH-UBND",
        datetime.date(2025, 3, 10),
        "UBND xã Mường Giôn",
    )


def test_a_date_in_the_wrong_shape_is_refused_and_nothing_saved(
    client: Client, editor: User
) -> None:
    response = signed_in(client, editor).post(
        NEW_URL, form_data(kind="legal", issued_on="31/02/2025")
    )

    assert response.status_code == 422
    assert "Enter a valid date." in field_block(response.content.decode(), "issued_on")
    assert not Article.objects.exists()


def test_a_page_without_a_title_is_refused_with_the_services_message(
    client: Client, editor: User
) -> None:
    response = signed_in(client, editor).post(NEW_URL, form_data(title="   "))

    assert response.status_code == 422
    assert "A page needs a title." in field_block(response.content.decode(), "title")
    assert not Article.objects.exists()


def test_changing_an_article_bumps_its_revision(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)

    response = signed_in(client, editor).post(
        edit_url(article), form_data(title="Tiêu đề mới", revision=article.revision)
    )

    article.refresh_from_db()
    assert response.status_code == 302
    assert article.title == "Tiêu đề mới"
    assert article.revision == 2


def test_an_edit_without_its_revision_is_refused(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)

    response = signed_in(client, editor).post(edit_url(article), form_data(title="Không có"))

    article.refresh_from_db()
    assert response.status_code == 422
    assert "Reload the page and try again." in response.content.decode()
    assert article.title == "Bản tin"


# -- the publishing workflow --------------------------------------------------------------------


def test_draft_publish_withdraw_schedule(client: Client, editor: User, tree: Tree) -> None:
    signed_in(client, editor)
    # a draft
    client.post(new_url(tree.commune), form_data(title="Ngày hội đọc sách"))
    article = Article.objects.get()
    assert not selectors.article_list(unit=tree.commune).exists()

    # published now: public
    response = client.post(publish_url(article), {"when": "now", "revision": article.revision})
    article.refresh_from_db()
    assert response.status_code == 302
    assert article.status == Status.PUBLISHED
    assert article.published_by == editor
    assert list(selectors.article_list(unit=tree.commune)) == [article]
    assert selectors.article_get(article.pk) == article
    public = Client().get(reverse("portal:article", args=[article.pk, article.slug]))
    assert public.status_code == 200
    assert "Ngày hội đọc sách" in public.content.decode()

    # withdrawn: not public any more
    response = client.post(withdraw_url(article), {"revision": article.revision})
    article.refresh_from_db()
    assert response.status_code == 302
    assert article.status == Status.DRAFT
    assert not selectors.article_list(unit=tree.commune).exists()
    with pytest.raises(Article.DoesNotExist):
        selectors.article_get(article.pk)
    cache.clear()
    assert (
        Client().get(reverse("portal:article", args=[article.pk, article.slug])).status_code == 404
    )

    # scheduled: public only once its time has come
    at = later(days=2)
    response = client.post(
        publish_url(article),
        {"when": "later", "publish_at": typed(at), "revision": article.revision},
    )
    article.refresh_from_db()
    assert response.status_code == 302
    assert article.status == Status.PUBLISHED
    assert article.publish_at == at
    assert not selectors.article_list(unit=tree.commune).exists()
    assert not selectors.article_list(now=at - datetime.timedelta(minutes=1)).exists()
    assert list(selectors.article_list(now=at)) == [article]
    with pytest.raises(Article.DoesNotExist):
        selectors.article_get(article.pk, now=at - datetime.timedelta(seconds=1))
    assert selectors.article_get(article.pk, now=at + datetime.timedelta(hours=1)) == article
    page = client.get(edit_url(article)).content.decode()
    assert 'data-status="scheduled"' in page
    assert f"from {typed(at)}" in page


def test_publishing_takes_a_time_in_the_browsers_picker_shape_too(
    client: Client, editor: User, tree: Tree
) -> None:
    article = saved_draft(editor, tree.commune)
    at = later(days=1)

    signed_in(client, editor).post(
        publish_url(article),
        {
            "when": "later",
            "publish_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
            "revision": article.revision,
        },
    )

    article.refresh_from_db()
    assert article.publish_at == at


def test_a_schedule_in_the_past_is_refused(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)
    past = later(days=-1)

    response = signed_in(client, editor).post(
        publish_url(article),
        {"when": "later", "publish_at": typed(past), "revision": article.revision},
    )

    html = response.content.decode()
    article.refresh_from_db()
    assert response.status_code == 422
    assert "A publishing time cannot be in the past." in html
    assert f'value="{typed(past)}"' in html
    assert article.status == Status.DRAFT
    assert article.publish_at is None
    assert article.revision == 1


@pytest.mark.parametrize("value", ["", "mai lúc 8 giờ", "31/12/2026", "32/01/2027 08:00"])
def test_a_schedule_without_a_readable_time_is_refused(
    client: Client, editor: User, tree: Tree, value: str
) -> None:
    article = saved_draft(editor, tree.commune)

    response = signed_in(client, editor).post(
        publish_url(article), {"when": "later", "publish_at": value, "revision": 1}
    )

    article.refresh_from_db()
    assert response.status_code == 422
    assert 'id="id_publish_at_error"' in response.content.decode()
    assert article.status == Status.DRAFT


def test_a_stale_edit_is_refused_and_keeps_what_the_editor_typed(
    client: Client, editor: User, tree: Tree
) -> None:
    # given: the form was read at revision 1, then a colleague saved
    article = saved_draft(editor, tree.commune, "Bản gốc")
    colleague = user_with_role(Role.PORTAL_EDITOR, tree.commune, "dongnghiep")
    services.article_save(
        colleague, article=article, revision=1, values={"kind": "news", "title": "Của đồng nghiệp"}
    )

    # when
    response = signed_in(client, editor).post(
        edit_url(article), form_data(title="Bản của tôi", body="<p>Đoạn tôi viết</p>", revision=1)
    )

    # then
    html = response.content.decode()
    article.refresh_from_db()
    assert response.status_code == 409
    assert "changed by someone else" in html
    assert 'value="Bản của tôi"' in html
    assert "&lt;p&gt;Đoạn tôi viết&lt;/p&gt;" in html
    assert article.title == "Của đồng nghiệp"
    assert article.revision == 2


def test_a_stale_publish_is_refused(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)
    colleague = user_with_role(Role.PORTAL_EDITOR, tree.commune, "dongnghiep")
    services.article_save(
        colleague, article=article, revision=1, values={"kind": "news", "title": "Sửa chưa xem"}
    )

    response = signed_in(client, editor).post(
        publish_url(article), {"when": "now", "revision": 1}, follow=True
    )

    article.refresh_from_db()
    assert "changed by someone else" in response.content.decode()
    assert article.status == Status.DRAFT
    assert not AuditEvent.objects.filter(action="portal.publish").exists()


def test_a_double_post_of_publish_is_harmless(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)
    signed_in(client, editor)

    first = client.post(publish_url(article), {"when": "now", "revision": 1})
    article.refresh_from_db()
    published_at = article.publish_at
    second = client.post(publish_url(article), {"when": "now", "revision": 1}, follow=True)

    article.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert "Done already" in second.content.decode()
    assert "changed by someone else" not in second.content.decode()
    assert Article.objects.count() == 1
    assert article.status == Status.PUBLISHED
    assert article.publish_at == published_at
    assert AuditEvent.objects.filter(action="portal.publish").count() == 1


def test_publishing_again_moves_the_time_without_a_duplicate(
    client: Client, editor: User, tree: Tree
) -> None:
    article = saved_draft(editor, tree.commune)
    first, second = later(days=1), later(days=3)
    signed_in(client, editor)

    client.post(publish_url(article), {"when": "later", "publish_at": typed(first), "revision": 1})
    client.post(publish_url(article), {"when": "later", "publish_at": typed(second), "revision": 2})

    article.refresh_from_db()
    assert Article.objects.count() == 1
    assert article.publish_at == second
    assert article.revision == 3
    assert not selectors.article_list(now=first + datetime.timedelta(hours=1)).exists()


def test_a_stale_schedule_for_another_time_is_not_taken_for_a_double_click(
    client: Client, editor: User, tree: Tree
) -> None:
    article = saved_draft(editor, tree.commune)
    first, other = later(days=1), later(days=2)
    signed_in(client, editor)

    client.post(publish_url(article), {"when": "later", "publish_at": typed(first), "revision": 1})
    response = client.post(
        publish_url(article),
        {"when": "later", "publish_at": typed(other), "revision": 1},
        follow=True,
    )

    article.refresh_from_db()
    assert "changed by someone else" in response.content.decode()
    assert article.publish_at == first


def test_a_double_post_of_withdraw_is_harmless(client: Client, editor: User, tree: Tree) -> None:
    article = saved_draft(editor, tree.commune)
    services.publish(editor, article, revision=1)
    signed_in(client, editor)

    client.post(withdraw_url(article), {"revision": 2})
    second = client.post(withdraw_url(article), {"revision": 2}, follow=True)

    article.refresh_from_db()
    assert "Done already" in second.content.decode()
    assert article.status == Status.DRAFT
    assert article.revision == 3


# -- uploads ------------------------------------------------------------------------------------


def test_an_image_is_re_encoded_without_its_metadata(
    client: Client, editor: User, tree: Tree
) -> None:
    original = png_with_metadata()
    upload = SimpleUploadedFile("anh-chup.png", original, content_type="image/png")

    response = signed_in(client, editor).post(
        NEW_URL, {**form_data(image_alt="Người dân đọc sách"), "image": upload}
    )

    article = Article.objects.get()
    assert response.status_code == 302
    stored = Path(article.image.path).read_bytes()
    assert stored != original
    assert SECRET.encode() not in stored
    assert b"HangMayAnh" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert image.size == (64, 48)
        assert "Comment" not in image.info
        assert not image.getexif()
    assert str(article.image.name).startswith("portal/images/")
    assert "anh-chup" not in str(article.image.name)
    assert article.image_alt == "Người dân đọc sách"


def test_an_image_without_its_description_is_refused(
    client: Client, editor: User, tree: Tree
) -> None:
    upload = SimpleUploadedFile("anh.png", png_with_metadata(), content_type="image/png")

    response = signed_in(client, editor).post(NEW_URL, {**form_data(), "image": upload})

    html = response.content.decode()
    assert response.status_code == 422
    assert "Describe the image for people who cannot see it." in field_block(html, "image_alt")
    assert "choose them again" in html
    assert not Article.objects.exists()
    assert not list(Path(django_settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("anh.png", b"<html><script>alert(1)</script></html>"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("tai-lieu.png", PDF),
        ("anh.png", b"\x89PNG\r\n\x1a\nnot really a picture"),
    ],
    ids=["html-named-png", "svg", "pdf-as-image", "broken-png"],
)
def test_an_unsafe_image_is_refused_next_to_the_image_field(
    client: Client, editor: User, name: str, data: bytes
) -> None:
    upload = SimpleUploadedFile(name, data, content_type="image/png")

    response = signed_in(client, editor).post(
        NEW_URL, {**form_data(image_alt="Ảnh"), "image": upload}
    )

    assert response.status_code == 422
    block = field_block(response.content.decode(), "image")
    assert "invalid-feedback" in block
    assert not Article.objects.exists()
    assert not list(Path(django_settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("ke-hoach.pdf", PDF, True),
        ("ke-hoach.docx", office_file("word/document.xml"), True),
        ("so-lieu.xlsx", office_file("xl/workbook.xml"), True),
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, False),
        ("macro.docx", office_file("word/document.xml", ("word/vbaProject.bin",)), False),
        ("slides.pptx", office_file("ppt/presentation.xml"), False),
        ("anh.pdf", png_with_metadata(), False),
        ("trang.pdf", b"<html><body>Not a PDF</body></html>", False),
        ("chuong-trinh.exe", b"MZ\x90\x00" + b"\0" * 60, False),
    ],
    ids=["pdf", "docx", "xlsx", "old-doc", "macro", "pptx", "png", "html", "exe"],
)
def test_attachment_types(
    client: Client, editor: User, name: str, data: bytes, accepted: bool
) -> None:
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")

    response = signed_in(client, editor).post(NEW_URL, {**form_data(), "attachment": upload})

    if accepted:
        article = Article.objects.get()
        assert response.status_code == 302
        assert article.attachment_name == name
        assert Path(article.attachment.path).read_bytes() == data
        assert str(article.attachment.name).startswith("portal/files/")
    else:
        assert response.status_code == 422
        block = field_block(response.content.decode(), "attachment")
        assert "An attached file must be a PDF, Word (.docx) or Excel (.xlsx) file." in block
        assert not Article.objects.exists()


def test_a_file_over_the_limit_is_refused(client: Client, editor: User, settings: Any) -> None:
    settings.HOCTAP_EVIDENCE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("lon.pdf", PDF + b"0" * 2048, content_type="application/pdf")

    response = signed_in(client, editor).post(NEW_URL, {**form_data(), "attachment": upload})

    assert response.status_code == 422
    assert "larger than" in field_block(response.content.decode(), "attachment")
    assert not Article.objects.exists()


# -- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_lists_only_the_editors_units_items(
    client: Client, editor: User, tree: Tree, people: People
) -> None:
    # given: items of the commune, its neighbour, its province and the country
    for unit, name in (
        (tree.commune, "Của Mường Giôn"),
        (tree.other_commune, "Của Tô Hiệu"),
        (tree.province, "Của tỉnh Sơn La"),
        (None, "Của cả nước"),
    ):
        saved_draft(people.admin, unit, f"Bài {name}")
        services.material_save(
            people.admin,
            unit=unit,
            values={
                "title": f"Học liệu {name}",
                "topic": "digital_skills",
                "audience": "everyone",
                "format": "link",
                "url": "https://example.org/hoc-lieu",
                "licence": "linked",
            },
        )

    # when
    html = signed_in(client, editor).get(MANAGE_URL).content.decode()

    # then
    assert "Bài Của Mường Giôn" in html
    assert "Học liệu Của Mường Giôn" in html
    for name in ("Tô Hiệu", "tỉnh Sơn La", "cả nước"):
        assert f"Bài Của {name}" not in html
        assert f"Học liệu Của {name}" not in html
    commune_article = Article.objects.get(unit=tree.commune)
    commune_material = Material.objects.get(unit=tree.commune)
    assert f'href="{edit_url(commune_article)}"' in html
    assert f'href="{reverse("portal:material_edit", args=[commune_material.pk])}"' in html
    assert f'href="{NEW_URL}?unit=03694"' in html
    assert f'href="{reverse("portal:material_new")}?unit=03694"' in html
    # an editor handles no registrations of interest
    assert reverse("portal:interests") not in html


def test_the_dashboard_says_draft_scheduled_or_published(
    client: Client, editor: User, tree: Tree
) -> None:
    draft = saved_draft(editor, tree.commune, "Bản nháp")
    scheduled = saved_draft(editor, tree.commune, "Hẹn giờ")
    published = saved_draft(editor, tree.commune, "Đã đăng")
    at = later(days=5)
    services.publish(editor, scheduled, revision=1, at=at)
    services.publish(editor, published, revision=1)

    html = signed_in(client, editor).get(MANAGE_URL).content.decode()

    rows = {
        pk: html[html.index(f'data-article="{pk}"') :].split("</tr>")[0]
        for pk in (draft.pk, scheduled.pk, published.pk)
    }
    assert 'data-status="draft"' in rows[draft.pk]
    assert ">Draft<" in rows[draft.pk]
    assert ">Scheduled<" in rows[scheduled.pk]
    assert typed(at) in rows[scheduled.pk]
    assert ">Published<" in rows[published.pk]
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", rows[published.pk])


def test_someone_without_a_portal_role_gets_404(client: Client, people: People) -> None:
    for user in (people.citizen, people.organisation_head):
        assert signed_in(Client(), user).get(MANAGE_URL).status_code == 404


def test_a_collector_sees_the_registrations_of_interest_but_writes_nothing(
    client: Client, people: People
) -> None:
    response = signed_in(client, people.collector).get(MANAGE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("portal:interests")}"' in html
    assert "New article" not in html
    assert signed_in(Client(), people.collector).get(NEW_URL).status_code == 404


def test_an_editor_who_is_also_an_official_sees_both(
    client: Client, people: People, tree: Tree
) -> None:
    from hoctap.accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=people.commune_official, role=Role.PORTAL_EDITOR, unit=tree.commune
    )

    html = signed_in(client, people.commune_official).get(MANAGE_URL).content.decode()

    assert f'href="{NEW_URL}?unit=03694"' in html
    assert f'href="{reverse("portal:interests")}"' in html


def test_an_administrator_writes_for_the_country_and_picks_a_unit_by_code(
    client: Client, people: People, tree: Tree
) -> None:
    saved_draft(people.admin, None, "Tin toàn quốc")
    saved_draft(people.admin, tree.commune, "Tin của xã")
    signed_in(client, people.admin)

    national = client.get(MANAGE_URL).content.decode()
    picked = client.get(MANAGE_URL, {"unit": "03694"}).content.decode()
    unknown = client.get(MANAGE_URL, {"unit": "99999"})

    assert "Tin toàn quốc" in national
    assert "Tin của xã" not in national
    assert f'href="{NEW_URL}"' in national
    assert "Tin của xã" in picked
    assert f'href="{NEW_URL}?unit=03694"' in picked
    assert "No province or commune with this code." in unknown.content.decode()


def test_an_editor_of_several_units_chooses_one_for_a_new_article(
    client: Client, tree: Tree, people: People
) -> None:
    from hoctap.accounts.models import RoleAssignment

    editor = user_with_role(Role.PORTAL_EDITOR, tree.commune, "haidonvi")
    RoleAssignment.objects.create(user=editor, role=Role.PORTAL_EDITOR, unit=tree.other_commune)

    html = signed_in(client, editor).get(NEW_URL).content.decode()
    posted = client.post(NEW_URL, form_data())

    assert f'href="{NEW_URL}?unit=03694"' in html
    assert f'href="{NEW_URL}?unit=03646"' in html
    assert posted.status_code == 404
    assert not Article.objects.exists()
