"""Criteria-set pages: who sees and who uploads, refusals listing every problem, the readable
page generated from the set's data."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from hoctap.accounts.models import User
from hoctap.conftest import People, Tree
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.services import criteria_set_upload

pytestmark = pytest.mark.django_db

LIST = reverse("criteria:list")
UPLOAD = reverse("criteria:upload")
SHIPPED_TEXT = (loader.SETS_DIR / "cong-dan-hoc-tap-2023.yaml").read_text(encoding="utf-8")
OWN_TEXT = SHIPPED_TEXT.replace('version: "2023"', 'version: "son-la-2025"')
ILLUSTRATIVE = "gia-dinh-hoc-tap"


def vi(message: str) -> str:
    with translation.override("vi"):
        return escape(translation.gettext(message))


def text(response: Any) -> str:
    return response.content.decode()


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def upload_data(province: Any, **extra: Any) -> dict[str, Any]:
    data = {"province": province.key if province is not None else "", "valid_from": "01/01/2025"}
    data.update(extra)
    return data


@pytest.mark.parametrize("url", [LIST, UPLOAD, reverse("criteria:detail", args=["x"])])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url, safe='/')}"


@pytest.mark.parametrize("who", ["commune_official", "collector", "citizen", "organisation_head"])
def test_others_than_province_officials_get_404_on_the_upload_page(
    client: Client, people: People, tree: Tree, who: str
) -> None:
    signed_in(client, getattr(people, who))
    assert client.get(UPLOAD).status_code == 404
    response = client.post(UPLOAD, upload_data(tree.province, text=OWN_TEXT))
    assert response.status_code == 404
    assert not CriteriaSetVersion.objects.exists()
    # They still see the sets.
    assert client.get(LIST).status_code == 200


def test_a_province_official_uploads_a_file_for_their_province(
    client: Client, people: People, tree: Tree
) -> None:
    signed_in(client, people.province_official)
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert tree.province.name in text(page)
    assert tree.other_province.name not in text(page)
    file = SimpleUploadedFile("son-la.yaml", OWN_TEXT.encode("utf-8"))
    response = client.post(UPLOAD, upload_data(tree.province, file=file))
    assert response.status_code == 302
    assert response["Location"] == LIST
    version = CriteriaSetVersion.objects.get()
    assert (version.province, version.version, version.valid_from) == (
        tree.province,
        "son-la-2025",
        datetime.date(2025, 1, 1),
    )
    listing = text(client.get(LIST))
    assert "son-la-2025" in listing
    assert "01/01/2025" in listing
    assert str(people.province_official) in listing


def test_a_province_official_may_not_upload_for_another_province(
    client: Client, people: People, tree: Tree
) -> None:
    signed_in(client, people.province_official)
    response = client.post(UPLOAD, upload_data(tree.other_province, text=OWN_TEXT))
    assert response.status_code == 404
    response = client.post(UPLOAD, upload_data(None, text=OWN_TEXT))
    assert response.status_code == 422  # nationwide is not offered: the province is required
    assert not CriteriaSetVersion.objects.exists()


def test_a_system_admin_uploads_a_national_version(
    client: Client, people: People, tree: Tree
) -> None:
    signed_in(client, people.admin)
    page = text(client.get(UPLOAD))
    assert tree.province.name in page
    assert tree.other_province.name in page
    response = client.post(UPLOAD, upload_data(None, text=OWN_TEXT))
    assert response.status_code == 302
    version = CriteriaSetVersion.objects.get()
    assert version.province is None
    assert version.uploaded_by == people.admin


def test_a_broken_file_lists_every_problem_and_saves_nothing(
    client: Client, people: People, tree: Tree
) -> None:
    broken = OWN_TEXT.replace("mode: points", "mode: somehow").replace(
        "status: official", "status: maybe"
    )
    assert broken != OWN_TEXT
    signed_in(client, people.province_official)
    file = SimpleUploadedFile("hong.yaml", broken.encode("utf-8"))
    response = client.post(UPLOAD, upload_data(tree.province, file=file))
    assert response.status_code == 422
    page = text(response)
    _, problems = loader.check_text(broken, file="hong.yaml")
    assert len(problems) >= 2
    for problem in problems:
        assert escape(problem.reason) in page
        assert f"hong.yaml — <code>{escape(problem.path)}</code>" in page
    assert not CriteriaSetVersion.objects.exists()


def test_a_file_that_is_not_yaml_names_the_root(client: Client, people: People, tree: Tree) -> None:
    signed_in(client, people.province_official)
    response = client.post(UPLOAD, upload_data(tree.province, text="code: [unclosed"))
    assert response.status_code == 422
    assert f"<code>{vi('(root)')}</code>" in text(response)
    assert not CriteriaSetVersion.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "The file is not UTF-8 text."),
        (b"#" * (512 * 1024 + 1), "The file is larger than 512 KB."),
    ],
)
def test_a_file_too_large_or_not_utf8_is_refused(
    client: Client, people: People, tree: Tree, content: bytes, message: str
) -> None:
    signed_in(client, people.province_official)
    file = SimpleUploadedFile("x.yaml", content)
    response = client.post(UPLOAD, upload_data(tree.province, file=file))
    assert response.status_code == 422
    assert vi(message) in text(response)
    assert not CriteriaSetVersion.objects.exists()


def test_nothing_to_upload_and_a_bad_date_are_form_errors(
    client: Client, people: People, tree: Tree
) -> None:
    signed_in(client, people.province_official)
    response = client.post(UPLOAD, upload_data(tree.province, valid_from="2025-13-01"))
    assert response.status_code == 422
    assert vi("Upload a criteria set file or paste its text.") in text(response)
    assert not CriteriaSetVersion.objects.exists()


def test_the_list_marks_illustrative_sets(client: Client, people: People) -> None:
    signed_in(client, people.citizen)
    page = text(client.get(LIST))
    illustrative = [s for s in loader.shipped_sets() if s.is_illustrative]
    assert illustrative
    assert page.count(vi("Illustrative")) == len(illustrative)
    assert "324/QĐ-KHVN" in page
    assert reverse("criteria:detail", args=[ILLUSTRATIVE]) in page


def test_the_list_shows_versions_of_the_users_provinces_only(
    client: Client, people: People, tree: Tree
) -> None:
    criteria_set_upload(
        actor=people.admin,
        province=tree.other_province,
        yaml_text=OWN_TEXT.replace("son-la-2025", "thanh-hoa-2025"),
        valid_from=datetime.date(2025, 1, 1),
    )
    signed_in(client, people.commune_official)
    assert "thanh-hoa-2025" not in text(client.get(LIST))
    signed_in(client, people.other_province_official)
    assert "thanh-hoa-2025" in text(client.get(LIST))


def test_the_readable_page_shows_the_wording_from_the_file(client: Client, people: People) -> None:
    signed_in(client, people.collector)
    shipped = next(s for s in loader.shipped_sets() if s.code == ILLUSTRATIVE)
    response = client.get(reverse("criteria:detail", args=[ILLUSTRATIVE]))
    assert response.status_code == 200
    page = text(response)
    for indicator in shipped.indicators():
        assert escape(indicator.text) in page
        if indicator.evidence_hint:
            assert escape(indicator.evidence_hint) in page
    assert vi("Illustrative") in page


def test_the_readable_page_explains_computed_indicators(client: Client, people: People) -> None:
    signed_in(client, people.collector)
    shipped = next(s for s in loader.shipped_sets() if s.code == "cong-dong-hoc-tap-thon")
    computed = [i for i in shipped.indicators() if i.computed is not None]
    assert computed
    page = text(client.get(reverse("criteria:detail", args=[shipped.code])))
    for indicator in computed:
        assert indicator.computed is not None
        assert escape(indicator.computed.description) in page
        assert indicator.computed.source in page
    assert vi("Computed by the system") in page


def test_the_readable_page_follows_the_users_province_version(
    client: Client, people: People, tree: Tree
) -> None:
    own = OWN_TEXT.replace("text: ", "text: Sơn La — ", 1)
    criteria_set_upload(
        actor=people.province_official,
        province=tree.province,
        yaml_text=own,
        valid_from=datetime.date(2020, 1, 1),
    )
    url = reverse("criteria:detail", args=["cong-dan-hoc-tap"])
    signed_in(client, people.commune_official)
    assert "Sơn La — " in text(client.get(url))
    signed_in(client, people.other_province_official)
    assert "Sơn La — " not in text(client.get(url))


def test_an_unknown_set_is_404(client: Client, people: People) -> None:
    signed_in(client, people.citizen)
    assert client.get(reverse("criteria:detail", args=["khong-co"])).status_code == 404


def test_a_user_without_a_role_sees_no_criteria_pages(client: Client, tree: Tree) -> None:
    user = User.objects.create_user(username="khongvaitro", password="x")
    signed_in(client, user)
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("criteria:detail", args=[ILLUSTRATIVE])).status_code == 404
    assert client.get(UPLOAD).status_code == 404


def test_the_same_version_twice_is_refused_on_the_form(
    client: Client, people: People, tree: Tree
) -> None:
    signed_in(client, people.province_official)
    assert client.post(UPLOAD, upload_data(tree.province, text=OWN_TEXT)).status_code == 302
    response = client.post(UPLOAD, upload_data(tree.province, text=OWN_TEXT))
    assert response.status_code == 422
    assert vi("This version of the criteria set has already been added here.") in text(response)
    assert CriteriaSetVersion.objects.count() == 1
