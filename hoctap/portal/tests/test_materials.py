"""Learning materials: the public catalogue (search without accents, filters, drafts and
scheduled materials hidden, downloads counted, licences shown) and the editors' pages (safe
uploads only, http(s) links only, scope: another unit's material is a 404 and stays as it was).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.portal import services
from hoctap.portal.models import Material, Status
from hoctap.registry.tests.factories import LearningCentreFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LOGIN = "/accounts/login/"


def pptx_bytes() -> bytes:
    """The smallest archive the type check takes for a PowerPoint file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        archive.writestr(
            "ppt/presentation.xml",
            '<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/'
            'presentationml/2006/main"/>',
        )
    return buffer.getvalue()


def docm_bytes() -> bytes:
    """A Word file with macros, whatever name it is given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


UNSAFE_FILES = {
    "html_named_pdf": ("bai-giang.pdf", b"<!doctype html><script>alert(1)</script>"),
    "exe": ("tai-lieu.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
    "docm_named_docx": ("tai-lieu.docx", docm_bytes()),
    "svg_with_script": (
        "hinh.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Uploads go to a fresh folder; cached public pages never leak from one test to another."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield settings.MEDIA_ROOT
    cache.clear()


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def editors(tree: Tree, people: People) -> dict[str, User]:
    return {
        "commune": user_with_role(Role.PORTAL_EDITOR, tree.commune, "bientapxa"),
        "other_commune": user_with_role(Role.PORTAL_EDITOR, tree.other_commune, "bientapxakhac"),
        "province": user_with_role(Role.PORTAL_EDITOR, tree.province, "bientaptinh"),
    }


def english(client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(user: User) -> Client:
    client = english()
    client.force_login(user)
    return client


def values(**changes: Any) -> dict[str, Any]:
    base = {
        "title": "Kỹ năng số cho nông dân",
        "description": "Cách dùng điện thoại để tra cứu giá nông sản.",
        "topic": "digital_skills",
        "audience": "farmers",
        "format": "document",
        "url": "",
        "licence": "cc_by_4",
        "author": "Trung tâm GDTX tỉnh Sơn La",
        "centre": None,
    }
    return {**base, **changes}


def make_material(
    people: People,
    unit: AdminUnit | None,
    *,
    publish: bool = True,
    at: datetime.datetime | None = None,
    file: tuple[str, bytes] | None = ("bai-giang.pdf", PDF_BYTES),
    **changes: Any,
) -> Material:
    """A material saved (and published) through the services, as an editor would."""
    upload = SimpleUploadedFile(file[0], file[1]) if file else None
    material = services.material_save(
        people.admin, unit=unit, values=values(**changes), file=upload
    )
    if publish:
        services.publish(people.admin, material, at=at)
        material.refresh_from_db()
    return material


def form_data(**changes: Any) -> dict[str, Any]:
    return {key: ("" if value is None else value) for key, value in values(**changes).items()}


def listed(response: Any) -> set[int]:
    return {item.material.pk for item in response.context["items"]}


# -- the public catalogue ---------------------------------------------------------------------


def test_search_ignores_accents_and_capitals(tree: Tree, people: People) -> None:
    digital = make_material(people, tree.commune, title="Kỹ năng số cho nông dân")
    coffee = make_material(people, tree.commune, title="Trồng cà phê chè", description="")
    client = english()

    for query in ("KY NANG so", "kỹ năng", "Nông Dân"):
        response = client.get(reverse("portal:materials"), {"q": query})
        assert response.status_code == 200
        assert listed(response) == {digital.pk}, query
    response = client.get(reverse("portal:materials"), {"q": "ca phe"})
    assert listed(response) == {coffee.pk}
    assert "Trồng cà phê chè" in response.content.decode()


def test_filters_by_topic_audience_format_and_unit(tree: Tree, people: People) -> None:
    farmers = make_material(people, tree.commune, audience="farmers", topic="agriculture")
    pupils = make_material(people, tree.commune, audience="pupils", topic="culture")
    video = make_material(
        people,
        tree.other_commune,
        audience="farmers",
        topic="agriculture",
        format="video",
        url="https://www.youtube.com/watch?v=abc",
        file=None,
    )
    far = make_material(people, tree.far_commune, audience="workers")
    client = english()
    url = reverse("portal:materials")

    assert listed(client.get(url, {"audience": "farmers"})) == {farmers.pk, video.pk}
    assert listed(client.get(url, {"topic": "culture"})) == {pupils.pk}
    assert listed(client.get(url, {"format": "video"})) == {video.pk}
    assert listed(client.get(url, {"format": "video", "audience": "pupils"})) == set()
    # A unit shows its own materials and those of the units below it.
    assert listed(client.get(url, {"unit": tree.commune.key})) == {farmers.pk, pupils.pk}
    assert listed(client.get(url, {"unit": tree.province.key})) == {
        farmers.pk,
        pupils.pk,
        video.pk,
    }
    assert listed(client.get(url, {"unit": tree.other_province.key})) == {far.pk}
    # A value that is not on the list is ignored, not an error.
    assert len(listed(client.get(url, {"topic": "<script>"}))) == 4
    # A unit that has no public page (a hamlet, an unknown key) is not found.
    assert client.get(url, {"unit": tree.hamlet.key}).status_code == 404
    assert client.get(url, {"unit": "nowhere"}).status_code == 404


def test_filter_form_is_accessible_and_works_without_javascript(tree: Tree, people: People) -> None:
    make_material(people, tree.commune)
    content = english().get(reverse("portal:materials"), {"unit": tree.commune.key}).content
    page = content.decode()

    assert '<form method="get"' in page
    assert "<fieldset" in page
    assert "<legend" in page
    for name in ("q", "topic", "audience", "format"):
        assert f'for="id_{name}"' in page
        assert f'id="id_{name}"' in page
    # The unit chosen travels with the form.
    assert f'name="unit" value="{tree.commune.key}"' in page


def test_list_shows_format_topic_audience_licence_unit_and_size(tree: Tree, people: People) -> None:
    make_material(people, tree.commune, licence="cc_by_sa_4")
    page = english().get(reverse("portal:materials")).content.decode()

    assert "Document" in page
    assert "Digital skills" in page
    assert "Farmers" in page
    assert "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)" in page
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/deed.en"' in page
    assert tree.commune.name in page
    assert f"PDF, {len(PDF_BYTES)}" in page  # "PDF, 80 bytes"


def test_list_is_paginated_by_twenty(tree: Tree, people: People) -> None:
    first = make_material(people, tree.commune, title="Tài liệu 0")
    Material.objects.bulk_create(
        Material(
            unit=tree.commune,
            unit_path=tree.commune.path,
            title=f"Tài liệu {number}",
            topic="health",
            audience="everyone",
            format="link",
            url="https://example.org/",
            licence="linked",
            status=Status.PUBLISHED,
            publish_at=first.publish_at,
            search_text=f"tai lieu {number}",
        )
        for number in range(1, 21)
    )
    client = english()
    url = reverse("portal:materials")

    first_page = client.get(url, {"q": "tai lieu"})
    second_page = client.get(url, {"q": "tai lieu", "page": "2"})

    assert len(first_page.context["items"]) == 20
    assert len(second_page.context["items"]) == 1
    assert 'page=2"' in first_page.content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/portal/materials/?page=2">'
        in second_page.content.decode()
    )
    assert "q=tai+lieu&amp;page=2" in first_page.content.decode()


def test_public_pages_are_cached_for_anonymous_visitors_only(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    make_material(people, tree.commune, title="Cũ")
    anonymous = english()
    editor = signed_in(editors["commune"])
    url = reverse("portal:materials")
    anonymous.get(url)

    # when: a material is published within the minute the page is kept
    make_material(people, tree.commune, title="Mới đăng")

    cached = anonymous.get(url)
    assert "Mới đăng" not in cached.content.decode()
    assert "max-age=60" in cached["Cache-Control"]
    assert "Mới đăng" in editor.get(url).content.decode()


def test_licence_deed_is_in_the_visitor_s_language(tree: Tree, people: People) -> None:
    material = make_material(people, tree.commune, licence="cc0")

    page = Client().get(reverse("portal:material", args=[material.pk])).content.decode()

    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/deed.vi"' in page


def test_drafts_are_invisible(tree: Tree, people: People) -> None:
    draft = make_material(people, tree.commune, publish=False)
    client = english()

    assert draft.pk not in listed(client.get(reverse("portal:materials")))
    assert client.get(reverse("portal:material", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:material_file", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.downloads == 0


def test_withdrawn_material_is_invisible(tree: Tree, people: People) -> None:
    material = make_material(people, tree.commune)
    services.withdraw(people.admin, material)

    response = english().get(reverse("portal:material", args=[material.pk]))

    assert response.status_code == 404


def test_scheduled_material_is_invisible_until_its_time(
    tree: Tree, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = timezone.now() + datetime.timedelta(days=2)
    scheduled = make_material(people, tree.commune, at=at)
    client = english()
    detail = reverse("portal:material", args=[scheduled.pk])

    assert scheduled.status == Status.PUBLISHED
    assert scheduled.pk not in listed(client.get(reverse("portal:materials")))
    assert client.get(detail).status_code == 404
    assert client.get(reverse("portal:material_file", args=[scheduled.pk])).status_code == 404

    # when: its time has come
    later = at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    cache.clear()

    assert scheduled.pk in listed(client.get(reverse("portal:materials")))
    assert client.get(detail).status_code == 200


def test_detail_shows_licence_author_centre_and_download(tree: Tree, people: People) -> None:
    centre = LearningCentreFactory.create(commune=tree.commune, name="TTHTCĐ xã Mường Giôn")
    material = make_material(people, tree.commune, centre=centre)

    response = english().get(reverse("portal:material", args=[material.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Creative Commons Attribution 4.0 (CC BY 4.0)" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.en"' in page
    assert "Trung tâm GDTX tỉnh Sơn La" in page
    assert "TTHTCĐ xã Mường Giôn" in page
    assert reverse("portal:unit", args=[tree.commune.key]) in page
    assert tree.commune.name in page
    assert reverse("portal:material_file", args=[material.pk]) in page
    assert "<title>Kỹ năng số cho nông dân" in page
    assert '<meta name="description" content="Cách dùng điện thoại' in page


def test_detail_of_a_link_says_where_it_goes(tree: Tree, people: People) -> None:
    material = make_material(
        people,
        tree.commune,
        format="video",
        url="https://www.youtube.com/watch?v=abc",
        licence="linked",
        file=None,
    )

    page = english().get(reverse("portal:material", args=[material.pk])).content.decode()

    assert 'href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer"' in page
    assert "Open the link" in page
    assert "youtube.com" in page
    assert "Published elsewhere: see the owner" in page
    # Not a Creative Commons licence: no deed to link to.
    assert "creativecommons.org" not in page
    assert reverse("portal:material_file", args=[material.pk]) not in page


def test_download_is_an_attachment_with_the_original_name_and_is_counted(
    tree: Tree, people: People
) -> None:
    material = make_material(people, tree.commune, file=("Bài giảng số 1.pdf", PDF_BYTES))
    client = english()
    url = reverse("portal:material_file", args=[material.pk])

    response = client.get(url)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    client.get(url)

    assert response.status_code == 200
    assert body == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''B%C3%A0i%20gi%E1%BA%A3ng%20s%E1%BB%91%201.pdf" in disposition
    material.refresh_from_db()
    assert material.downloads == 2
    # A HEAD request fetches no file: it is not a download.
    assert client.head(url).status_code == 200
    material.refresh_from_db()
    assert material.downloads == 2


def test_download_of_a_link_material_is_not_found(tree: Tree, people: People) -> None:
    material = make_material(
        people, tree.commune, format="link", url="https://example.org/", file=None
    )

    response = english().get(reverse("portal:material_file", args=[material.pk]))

    assert response.status_code == 404


# -- editors: writing ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(UNSAFE_FILES))
def test_unsafe_upload_is_refused_and_nothing_is_stored(
    tree: Tree, editors: dict[str, User], media: Path, name: str
) -> None:
    file_name, data = UNSAFE_FILES[name]
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_new"),
        {
            **form_data(),
            "file": SimpleUploadedFile(file_name, data, content_type="application/pdf"),
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "A material file must be a PDF, Word, Excel or PowerPoint (.pptx) file or a photo; "
        "give videos as links."
    ]
    assert "A material file must be a PDF" in response.content.decode()
    assert not Material.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("file_name", "data", "content_type"),
    [
        ("Bài giảng.pdf", PDF_BYTES, "application/pdf"),
        (
            "Trình chiếu.pptx",
            pptx_bytes(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ],
)
def test_safe_pdf_and_pptx_are_accepted(
    tree: Tree,
    editors: dict[str, User],
    media: Path,
    file_name: str,
    data: bytes,
    content_type: str,
) -> None:
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_new"),
        {**form_data(format="slides"), "file": SimpleUploadedFile(file_name, data)},
    )

    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:material_edit", args=[material.pk])
    assert material.unit == tree.commune
    assert material.status == Status.DRAFT
    assert material.file_name == file_name
    assert material.file_type == content_type
    assert material.file_size == len(data)
    assert [path.read_bytes() for path in stored_files(media)] == [data]
    # The stored name is generated, never the editor's.
    assert file_name not in str(material.file.name)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.org/a"]
)
def test_link_that_is_not_http_is_refused(tree: Tree, editors: dict[str, User], url: str) -> None:
    client = signed_in(editors["commune"])

    response = client.post(reverse("portal:material_new"), form_data(format="link", url=url))

    assert response.status_code == 422
    assert response.context["form"].errors["url"] == [
        "A link must be a web address starting with http:// or https://."
    ]
    assert not Material.objects.exists()


def test_video_without_a_link_is_refused(tree: Tree, editors: dict[str, User]) -> None:
    client = signed_in(editors["commune"])

    response = client.post(reverse("portal:material_new"), form_data(format="video"))

    assert response.status_code == 422
    assert response.context["form"].errors["url"] == [
        "A video, audio or web page is given by its link."
    ]
    assert "A video, audio or web page is given by its link." in response.content.decode()
    assert not Material.objects.exists()


def test_document_without_file_or_link_is_refused(tree: Tree, editors: dict[str, User]) -> None:
    response = signed_in(editors["commune"]).post(reverse("portal:material_new"), form_data())

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == ["Attach the file or give a link to it."]
    assert not Material.objects.exists()


def test_centre_choices_are_those_inside_the_unit(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    ours = LearningCentreFactory.create(commune=tree.commune, name="TTHTCĐ Mường Giôn")
    theirs = LearningCentreFactory.create(commune=tree.other_commune, name="TTHTCĐ Tô Hiệu")
    client = signed_in(editors["commune"])

    form = client.get(reverse("portal:material_new")).context["form"]
    refused = client.post(
        reverse("portal:material_new"),
        form_data(format="link", url="https://example.org/", centre=theirs.pk),
    )
    accepted = client.post(
        reverse("portal:material_new"),
        form_data(format="link", url="https://example.org/", centre=ours.pk),
    )

    assert list(form.fields["centre"].queryset) == [ours]
    assert refused.status_code == 422
    assert "centre" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Material.objects.get().centre == ours


def test_editor_changes_a_material_and_the_file_stays(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = signed_in(editors["commune"])
    url = reverse("portal:material_edit", args=[material.pk])

    page = client.get(url)
    response = client.post(url, form_data(title="Kỹ năng số, bản mới", revision=material.revision))

    assert page.status_code == 200
    assert "bai-giang.pdf" in page.content.decode()
    assert response.status_code == 302
    changed = Material.objects.get(pk=material.pk)
    assert changed.title == "Kỹ năng số, bản mới"
    assert changed.file.name == material.file.name
    assert changed.revision == material.revision + 1


def test_edit_page_ids_are_unique(tree: Tree, people: People, editors: dict[str, User]) -> None:
    material = make_material(people, tree.commune)

    page = signed_in(editors["commune"]).get(reverse("portal:material_edit", args=[material.pk]))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())

    assert "id_revision" in ids
    assert "publish_revision" in ids
    assert sorted(ids) == sorted(set(ids))


def test_stale_form_is_refused_with_a_conflict_message(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    material = make_material(people, tree.commune, publish=False)
    stale = material.revision
    services.material_save(
        people.admin, material=material, revision=stale, values=values(title="Đổi trước")
    )
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_edit", args=[material.pk]),
        form_data(title="Đổi sau", revision=stale),
    )

    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "This page was changed by someone else meanwhile. Reload it and try again."
    ]
    assert Material.objects.get(pk=material.pk).title == "Đổi trước"


def test_publish_now_then_withdraw(tree: Tree, people: People, editors: dict[str, User]) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = signed_in(editors["commune"])

    published = client.post(
        reverse("portal:material_publish", args=[material.pk]),
        {"at": "", "revision": material.revision},
    )
    material.refresh_from_db()
    public = english().get(reverse("portal:material", args=[material.pk]))
    cache.clear()
    withdrawn = client.post(
        reverse("portal:material_withdraw", args=[material.pk]),
        {"revision": material.revision},
    )

    assert published.status_code == 302
    assert public.status_code == 200
    assert withdrawn.status_code == 302
    material.refresh_from_db()
    assert material.status == Status.DRAFT
    assert english().get(reverse("portal:material", args=[material.pk])).status_code == 404


def test_publish_at_a_vietnamese_date_and_time(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    material = make_material(people, tree.commune, publish=False)
    when = timezone.localtime() + datetime.timedelta(days=3)
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_publish", args=[material.pk]),
        {"at": when.strftime("%d/%m/%Y %H:%M"), "revision": material.revision},
    )

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == Status.PUBLISHED
    assert material.publish_at == when.replace(second=0, microsecond=0)
    page = client.get(reverse("portal:material_edit", args=[material.pk])).content.decode()
    assert 'data-status="scheduled"' in page
    assert english().get(reverse("portal:material", args=[material.pk])).status_code == 404


def test_publish_in_the_past_is_refused(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_publish", args=[material.pk]),
        {"at": "01/01/2020 08:00", "revision": material.revision},
    )

    assert response.status_code == 422
    assert response.context["publish_form"].errors["at"] == [
        "A publishing time cannot be in the past."
    ]
    material.refresh_from_db()
    assert material.status == Status.DRAFT


def test_admin_writes_national_materials_and_for_any_unit(tree: Tree, people: People) -> None:
    client = signed_in(people.admin)

    national = client.post(
        reverse("portal:material_new"), form_data(format="link", url="https://moet.gov.vn/")
    )
    provincial = client.post(
        reverse("portal:material_new") + f"?unit={tree.other_province.key}",
        form_data(format="link", url="https://thanhhoa.gov.vn/", title="Của Thanh Hóa"),
    )

    assert national.status_code == 302
    assert provincial.status_code == 302
    assert Material.objects.get(title="Kỹ năng số cho nông dân").unit is None
    assert Material.objects.get(title="Của Thanh Hóa").unit == tree.other_province


def test_editor_of_several_units_chooses_one(tree: Tree, editors: dict[str, User]) -> None:
    editor = editors["commune"]
    RoleAssignment.objects.create(user=editor, role=Role.PORTAL_EDITOR, unit=tree.other_commune)
    client = signed_in(editor)

    choice = client.get(reverse("portal:material_new"))
    chosen = client.post(
        reverse("portal:material_new") + f"?unit={tree.other_commune.key}",
        form_data(format="link", url="https://example.org/"),
    )

    expected = sorted([tree.commune, tree.other_commune], key=lambda unit: unit.path)
    assert choice.context["choose_units"] == expected
    assert chosen.status_code == 302
    assert Material.objects.get().unit == tree.other_commune


# -- editors: scope -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(tree: Tree, people: People) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = english()

    pages = [
        ("get", reverse("portal:material_new")),
        ("get", reverse("portal:material_edit", args=[material.pk])),
        ("post", reverse("portal:material_edit", args=[material.pk])),
        ("post", reverse("portal:material_publish", args=[material.pk])),
        ("post", reverse("portal:material_withdraw", args=[material.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {"revision": material.revision})
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    material.refresh_from_db()
    assert material.status == Status.DRAFT


def test_non_editor_gets_404(tree: Tree, people: People) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = signed_in(people.commune_official)

    assert client.get(reverse("portal:material_new")).status_code == 404
    assert client.get(reverse("portal:material_edit", args=[material.pk])).status_code == 404


@pytest.mark.parametrize(
    ("editor", "owner"),
    [
        ("other_commune", "commune"),  # another commune
        ("commune", "province"),  # the province above
        ("province", "commune"),  # a commune of the province
    ],
)
def test_editor_cannot_touch_a_material_of_another_unit(
    tree: Tree, people: People, editors: dict[str, User], editor: str, owner: str
) -> None:
    unit = tree.commune if owner == "commune" else tree.province
    draft = make_material(people, unit, publish=False)
    public = make_material(people, unit, title="Đã đăng")
    client = signed_in(editors[editor])
    before = {m.pk: (m.title, m.status, m.publish_at, m.revision) for m in Material.objects.all()}

    responses = [
        client.get(reverse("portal:material_edit", args=[draft.pk])),
        client.post(
            reverse("portal:material_edit", args=[draft.pk]),
            form_data(title="Bị sửa", format="link", url="https://x.org/", revision=draft.revision),
        ),
        client.post(
            reverse("portal:material_publish", args=[draft.pk]),
            {"at": "", "revision": draft.revision},
        ),
        client.post(
            reverse("portal:material_withdraw", args=[public.pk]),
            {"revision": public.revision},
        ),
        client.post(
            reverse("portal:material_new") + f"?unit={unit.key}",
            form_data(title="Viết hộ", format="link", url="https://x.org/"),
        ),
    ]

    assert [response.status_code for response in responses] == [404] * 5
    after = {m.pk: (m.title, m.status, m.publish_at, m.revision) for m in Material.objects.all()}
    assert after == before


def test_commune_editor_cannot_create_for_the_province_even_with_a_forged_unit(
    tree: Tree, editors: dict[str, User]
) -> None:
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_new") + f"?unit={tree.province.key}",
        form_data(format="link", url="https://example.org/"),
    )

    assert response.status_code == 404
    assert not Material.objects.exists()


def test_same_commune_editor_publishes(
    tree: Tree, people: People, editors: dict[str, User]
) -> None:
    material = make_material(people, tree.commune, publish=False)
    client = signed_in(editors["commune"])

    response = client.post(
        reverse("portal:material_publish", args=[material.pk]),
        {"at": "", "revision": material.revision},
    )

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == Status.PUBLISHED
    assert material.published_by == editors["commune"]
