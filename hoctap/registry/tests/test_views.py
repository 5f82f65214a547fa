"""Registry pages: the role × scope matrix for every page and form, search and filters,
stale forms, the import pages and query budgets."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.conftest import People, Tree
from hoctap.registry import services
from hoctap.registry.models import (
    CentreActivity,
    Clan,
    DeclaredStatistic,
    Household,
    ImportJob,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.tests.records import (
    IMMEDIATE_TASKS,
    Registry,
    add_household,
    build_registry,
    database_state,
    sheet_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def fast_settings(settings: Any) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    # Eight accounts per test: a deliberately slow password hash would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def registry(tree: Tree, people: People, django_capture_on_commit_callbacks: Any) -> Registry:
    return build_registry(tree, people, django_capture_on_commit_callbacks)


def vi(message: str) -> str:
    """The message as a Vietnamese page shows it (translated, HTML-escaped)."""
    with translation.override("vi"):
        return escape(translation.gettext(message))


def text(response: Any) -> str:
    return response.content.decode()


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def login_redirect(path: str) -> str:
    return f"{reverse('accounts:login')}?next={quote(path, safe='/')}"


# --- the pages and forms, as (method, url, form data, "did it happen") ---------------------

Builder = Callable[[Tree, Registry], Any]


@dataclass
class Case:
    name: str
    method: str
    url: Builder
    data: Builder | None = None
    happened: Builder | None = None  # for POSTs: true once the change is in the database

    def __str__(self) -> str:
        return self.name


def person_post(tree: Tree, reg: Registry) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Văn Án Mới",
        "sex": "male",
        "birth": "12/03/1980",
        "relation": "head",
        "ethnicity": "Thái",
        "cccd": "014080000001",
        "phone": "0912345678",
        "organisation": "",
        "target_group": "worker",
        "is_worker": "on",
        "is_adult": "on",
        "digital_skill": "basic",
        "version": reg.head.version,
    }


def upload_post(tree: Tree, reg: Registry) -> dict[str, Any]:
    data = sheet_bytes([["HH-200", tree.hamlet.name, "Hà Văn Khánh", "Chủ hộ", "Nam", "1965", ""]])
    return {"commune": tree.commune.key, "file": SimpleUploadedFile("moi.xlsx", data)}


# Pages about one object of tree.commune (or a form whose target is in tree.commune).
OBJECT_CASES = [
    Case("person_detail", "get", lambda t, r: reverse("registry:person_detail", args=[r.head.pk])),
    Case("person_edit", "get", lambda t, r: reverse("registry:person_edit", args=[r.head.pk])),
    Case(
        "person_edit_post",
        "post",
        lambda t, r: reverse("registry:person_edit", args=[r.head.pk]),
        person_post,
        lambda t, r: Person.objects.get(pk=r.head.pk).full_name == "Nguyễn Văn Án Mới",
    ),
    Case(
        "household_detail",
        "get",
        lambda t, r: reverse("registry:household_detail", args=[r.household.pk]),
    ),
    Case(
        "household_edit",
        "get",
        lambda t, r: reverse("registry:household_edit", args=[r.household.pk]),
    ),
    Case(
        "household_edit_post",
        "post",
        lambda t, r: reverse("registry:household_edit", args=[r.household.pk]),
        lambda t, r: {
            "hamlet": t.hamlet.key,
            "code": "HH-001A",
            "address": "Bản Hày",
            "phone": "",
            "head": r.head.pk,
            "version": r.household.version,
        },
        lambda t, r: Household.objects.get(pk=r.household.pk).code == "HH-001A",
    ),
    Case(
        "member_add",
        "get",
        lambda t, r: reverse("registry:household_member_add", args=[r.household.pk]),
    ),
    Case(
        "member_add_post",
        "post",
        lambda t, r: reverse("registry:household_member_add", args=[r.household.pk]),
        lambda t, r: {
            "full_name": "Nguyễn Thị Giang",
            "sex": "female",
            "birth": "2012",
            "relation": "child",
            "target_group": "learner",
            "digital_skill": "none",
        },
        lambda t, r: Person.objects.filter(
            full_name="Nguyễn Thị Giang", household=r.household
        ).exists(),
    ),
    Case(
        "household_create_post",
        "post",
        lambda t, r: reverse("registry:household_create"),
        lambda t, r: {"hamlet": t.hamlet.key, "code": "HH-NEW", "address": "", "phone": ""},
        lambda t, r: Household.objects.filter(code="HH-NEW", hamlet=t.hamlet).exists(),
    ),
    Case(
        "organisation_edit",
        "get",
        lambda t, r: reverse("registry:organisation_edit", args=[r.organisation.pk]),
    ),
    Case(
        "organisation_edit_post",
        "post",
        lambda t, r: reverse("registry:organisation_edit", args=[r.organisation.pk]),
        lambda t, r: {
            "commune": t.commune.key,
            "name": "Trường Tiểu học Mường Giôn số 1",
            "kind": "school",
            "managing_level": "commune",
            "member_count": "25",
            "version": r.organisation.version,
        },
        lambda t, r: Organisation.objects.get(pk=r.organisation.pk).member_count == 25,
    ),
    Case(
        "organisation_create_post",
        "post",
        lambda t, r: reverse("registry:organisation_create"),
        lambda t, r: {
            "commune": t.commune.key,
            "name": "Hợp tác xã Chè Mường Giôn",
            "kind": "cooperative",
            "managing_level": "commune",
        },
        lambda t, r: Organisation.objects.filter(name="Hợp tác xã Chè Mường Giôn").exists(),
    ),
    Case("clan_edit", "get", lambda t, r: reverse("registry:clan_edit", args=[r.clan.pk])),
    Case(
        "clan_edit_post",
        "post",
        lambda t, r: reverse("registry:clan_edit", args=[r.clan.pk]),
        lambda t, r: {
            "commune": t.commune.key,
            "name": "Họ Lò Văn",
            "households": [r.household.pk, r.other_hamlet_household.pk],
            "representative": r.head.pk,
            "fund_amount": "5000000",
            "version": r.clan.version,
        },
        lambda t, r: Clan.objects.get(pk=r.clan.pk).households.count() == 2,
    ),
    Case(
        "clan_create_post",
        "post",
        lambda t, r: reverse("registry:clan_create"),
        lambda t, r: {
            "commune": t.commune.key,
            "name": "Họ Cầm",
            "households": [r.other_hamlet_household.pk],
            "fund_amount": "0",
        },
        lambda t, r: Clan.objects.filter(name="Họ Cầm").exists(),
    ),
    Case(
        "centre_detail", "get", lambda t, r: reverse("registry:centre_detail", args=[t.commune.key])
    ),
    Case(
        "centre_detail_post",
        "post",
        lambda t, r: reverse("registry:centre_detail", args=[t.commune.key]),
        lambda t, r: {"name": r.centre.name, "director": "Lò Văn Hạnh", "staff_count": "3"},
        lambda t, r: LearningCentre.objects.get(pk=r.centre.pk).director == "Lò Văn Hạnh",
    ),
    Case(
        "centre_activity_post",
        "post",
        lambda t, r: reverse("registry:centre_activity", args=[t.commune.key]),
        lambda t, r: {"year": "2026", "activity_count": "5", "attendance": "90"},
        lambda t, r: CentreActivity.objects.filter(centre=r.centre, year=2026).exists(),
    ),
    Case(
        "statistic_edit",
        "get",
        lambda t, r: reverse("registry:statistic_edit", args=[r.statistic.pk]),
    ),
    Case(
        "statistic_edit_post",
        "post",
        lambda t, r: reverse("registry:statistic_edit", args=[r.statistic.pk]),
        lambda t, r: {"value": "1300", "source": "Báo cáo sửa"},
        lambda t, r: DeclaredStatistic.objects.get(pk=r.statistic.pk).value == 1300,
    ),
    Case(
        "statistic_create_post",
        "post",
        lambda t, r: reverse("registry:statistic_create"),
        lambda t, r: {
            "unit": t.commune.key,
            "year": "2026",
            "kind": "workers",
            "value": "800",
            "source": "Báo cáo lao động",
        },
        lambda t, r: DeclaredStatistic.objects.filter(year=2026, kind="workers").exists(),
    ),
    Case(
        "import_template",
        "get",
        lambda t, r: f"{reverse('registry:import_template')}?commune={t.commune.key}",
    ),
    Case(
        "import_upload_post",
        "post",
        lambda t, r: reverse("registry:import_upload"),
        upload_post,
        lambda t, r: ImportJob.objects.filter(original_name="moi.xlsx", status="ready").exists(),
    ),
    Case("import_job", "get", lambda t, r: reverse("registry:import_job", args=[r.job.pk])),
    Case(
        "import_commit_post",
        "post",
        lambda t, r: reverse("registry:import_commit", args=[r.job.pk]),
        lambda t, r: {},
        lambda t, r: Person.objects.filter(full_name="Vi Văn Em").exists(),
    ),
]

# Pages listing what the user sees: they answer everyone signed in, scoped.
LIST_PAGES = [
    "registry:people",
    "registry:household_list",
    "registry:organisation_list",
    "registry:clan_list",
    "registry:centre_list",
    "registry:statistic_list",
    "registry:import_list",
]
EXPORTS = ["registry:people_export_xlsx", "registry:people_export_csv"]
# Forms whose page answers any official with somewhere to write (their own commune).
OWN_FORM_PAGES = [
    "registry:household_create",
    "registry:organisation_create",
    "registry:clan_create",
    "registry:statistic_create",
    "registry:import_template",
    "registry:import_upload",
]


def request(client: Client, case: Case, tree: Tree, reg: Registry, capture: Any) -> Any:
    url = case.url(tree, reg)
    if case.method == "get":
        return client.get(url)
    assert case.data is not None
    with capture(execute=True):
        return client.post(url, case.data(tree, reg))


# --- anonymous -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(
    client: Client, tree: Tree, registry: Registry, case: Case, django_capture_on_commit_callbacks
):
    # given
    before = database_state()
    # when
    response = request(client, case, tree, registry, django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert database_state() == before


@pytest.mark.parametrize("url_name", [*LIST_PAGES, *EXPORTS, *OWN_FORM_PAGES])
def test_anonymous_visitor_cannot_list_export_or_open_forms(
    client: Client, registry: Registry, url_name: str
):
    path = reverse(url_name)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(path)


# --- officials of another commune or province ----------------------------------------------


@pytest.mark.parametrize("who", ["other_commune_official", "other_province_official"])
@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_official_elsewhere_gets_404_and_nothing_changes(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    case: Case,
    who: str,
    django_capture_on_commit_callbacks,
):
    # given
    signed_in(client, getattr(people, who))
    before = database_state()
    # when
    response = request(client, case, tree, registry, django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 404
    assert database_state() == before
    assert "Nguyễn Văn Án" not in text(response)


@pytest.mark.parametrize("url_name", [*LIST_PAGES, *EXPORTS])
def test_lists_and_exports_of_another_commune_show_none_of_ours(
    client: Client, people: People, registry: Registry, url_name: str
):
    signed_in(client, people.other_commune_official)
    response: Any = client.get(reverse(url_name))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if url_name.endswith("xlsx"):
        sheet = load_workbook(io.BytesIO(body)).active
        body = "\n".join(
            str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
        ).encode()
    content = body.decode("utf-8-sig")
    for ours in ("Nguyễn Văn Án", "Lò Thị Bình", "Cầm Văn Cường", "HH-001", "Mường Giôn"):
        assert ours not in content, (url_name, ours)
    if url_name in ("registry:people", "registry:household_list") or url_name in EXPORTS:
        assert "Trần Thị Dung" in content  # their own person is there


# --- the commune's own official and the province above ------------------------------------


@pytest.mark.parametrize("who", ["commune_official", "province_official", "admin"])
@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_officials_of_the_commune_and_above_use_every_page(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    case: Case,
    who: str,
    django_capture_on_commit_callbacks,
):
    signed_in(client, getattr(people, who))
    response = request(client, case, tree, registry, django_capture_on_commit_callbacks)
    if case.method == "get":
        assert response.status_code == 200, text(response)[:2000]
    else:
        assert response.status_code == 302, text(response)[-3000:]
        assert case.happened is not None
        assert case.happened(tree, registry)


@pytest.mark.parametrize("who", ["commune_official", "province_official"])
@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_lists_show_the_commune_to_its_officials(
    client: Client, people: People, registry: Registry, who: str, url_name: str
):
    signed_in(client, getattr(people, who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    expected = {
        "registry:people": "Nguyễn Văn Án",
        "registry:household_list": "HH-002",
        "registry:organisation_list": "Trường Tiểu học Mường Giôn",
        "registry:clan_list": "Họ Lò",
        "registry:centre_list": "Trung tâm học tập cộng đồng xã Mường Giôn",
        "registry:statistic_list": "Báo cáo thống kê xã 2025",
        "registry:import_list": "thon.xlsx",
    }[url_name]
    assert expected in text(response)
    if who == "commune_official":
        assert "Trần Thị Dung" not in text(response)


# --- collectors: their hamlet only ---------------------------------------------------------

COLLECTOR_OWN = [
    ("get", "registry:household_detail", "household"),
    ("get", "registry:household_edit", "household"),
    ("get", "registry:household_member_add", "household"),
    ("get", "registry:person_detail", "head"),
    ("get", "registry:person_edit", "head"),
]
COLLECTOR_FORBIDDEN = [
    Case(
        "other_hamlet_person_detail",
        "get",
        lambda t, r: reverse("registry:person_detail", args=[r.other_hamlet_person.pk]),
    ),
    Case(
        "other_hamlet_person_edit_post",
        "post",
        lambda t, r: reverse("registry:person_edit", args=[r.other_hamlet_person.pk]),
        lambda t, r: {**person_post(t, r), "cccd": "", "version": r.other_hamlet_person.version},
    ),
    Case(
        "other_hamlet_household_detail",
        "get",
        lambda t, r: reverse("registry:household_detail", args=[r.other_hamlet_household.pk]),
    ),
    Case(
        "other_hamlet_household_edit_post",
        "post",
        lambda t, r: reverse("registry:household_edit", args=[r.other_hamlet_household.pk]),
        lambda t, r: {
            "hamlet": t.other_hamlet.key,
            "code": "HH-002X",
            "version": r.other_hamlet_household.version,
        },
    ),
    Case(
        "other_hamlet_member_add_post",
        "post",
        lambda t, r: reverse("registry:household_member_add", args=[r.other_hamlet_household.pk]),
        lambda t, r: {
            "full_name": "Cầm Thị Lan",
            "sex": "female",
            "birth": "2001",
            "relation": "child",
            "target_group": "resident",
            "digital_skill": "none",
        },
    ),
    Case(
        "move_own_household_to_other_hamlet",
        "post",
        lambda t, r: reverse("registry:household_edit", args=[r.household.pk]),
        lambda t, r: {
            "hamlet": t.other_hamlet.key,
            "code": "HH-001",
            "head": r.head.pk,
            "version": r.household.version,
        },
    ),
    Case(
        "household_create_in_other_hamlet",
        "post",
        lambda t, r: reverse("registry:household_create"),
        lambda t, r: {"hamlet": t.other_hamlet.key, "code": "HH-XX"},
    ),
    *[
        case
        for case in OBJECT_CASES
        if case.name.startswith(("organisation", "clan", "centre", "statistic_edit", "import_job"))
        or case.name == "import_commit_post"
    ],
]


@pytest.mark.parametrize(("method", "url_name", "attr"), COLLECTOR_OWN)
def test_collector_opens_their_hamlets_households_and_people(
    client: Client, people: People, registry: Registry, method: str, url_name: str, attr: str
):
    signed_in(client, people.collector)
    response = client.get(reverse(url_name, args=[getattr(registry, attr).pk]))
    assert response.status_code == 200


def test_collector_edits_a_household_of_their_hamlet(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.collector)
    response = client.post(
        reverse("registry:household_edit", args=[registry.household.pk]),
        {
            "hamlet": tree.hamlet.key,
            "code": "HH-001",
            "address": "Bản Hày, nhà 5",
            "phone": "912345678",
            "head": registry.head.pk,
            "version": registry.household.version,
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(pk=registry.household.pk)
    assert household.address == "Bản Hày, nhà 5"
    assert household.phone == "0912345678"  # the import's rule: a lost leading zero restored


@pytest.mark.parametrize("case", COLLECTOR_FORBIDDEN, ids=str)
def test_collector_cannot_see_or_touch_another_hamlet_or_the_commune_level(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    case: Case,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.collector)
    before = database_state()
    response = request(client, case, tree, registry, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert database_state() == before


def test_collector_lists_only_their_hamlet(client: Client, people: People, registry: Registry):
    signed_in(client, people.collector)
    people_page = text(client.get(reverse("registry:people")))
    assert "Nguyễn Văn Án" in people_page
    assert "Cầm Văn Cường" not in people_page
    households_page = text(client.get(reverse("registry:household_list")))
    assert "HH-001" in households_page
    assert "HH-002" not in households_page


def test_collector_household_form_offers_only_their_hamlet(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.collector)
    page = text(client.get(reverse("registry:household_create")))
    assert f'value="{tree.hamlet.key}"' in page
    assert f'value="{tree.other_hamlet.key}"' not in page


@pytest.mark.parametrize(
    "url_name",
    ["registry:organisation_create", "registry:clan_create", "registry:household_create"],
)
def test_people_without_a_writing_role_get_404_on_forms(
    client: Client, people: People, registry: Registry, url_name: str
):
    signed_in(client, people.citizen)
    assert client.get(reverse(url_name)).status_code == 404


# --- search, filters, paging, htmx ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("nguyen van an", ["Nguyễn Văn Án"], ["Lò Thị Bình", "Cầm Văn Cường"]),
        ("LO THI", ["Lò Thị Bình"], ["Nguyễn Văn Án"]),
        ("Cường", ["Cầm Văn Cường"], ["Lò Thị Bình"]),
        ("014080000001", ["Nguyễn Văn Án"], ["Lò Thị Bình"]),
        ("HH-002", ["Cầm Văn Cường"], ["Nguyễn Văn Án"]),
    ],
)
def test_people_search_ignores_diacritics_and_case(
    client: Client,
    people: People,
    registry: Registry,
    query: str,
    found: list[str],
    not_found: list[str],
):
    signed_in(client, people.commune_official)
    page = text(client.get(reverse("registry:people"), {"q": query}))
    for name in found:
        assert name in page
    for name in not_found:
        assert name not in page


def test_people_filters_are_kept_in_paging_and_export_links(
    client: Client, tree: Tree, people: People, registry: Registry
):
    # given 60 people in the hamlet, so the filtered list has two pages
    for number in range(12):
        add_household(
            people.admin,
            tree.hamlet,
            f"HH-3{number:02d}",
            [
                {"full_name": f"Lường Văn Số {number} {child}", "birth_year": 2000}
                for child in "ABCDE"
            ],
        )
    signed_in(client, people.commune_official)
    filters = {"q": "luong", "hamlet": tree.hamlet.key, "age_band": "18-35"}
    # when
    response = client.get(reverse("registry:people"), {**filters, "target_group": "resident"})
    # then
    page = text(response)
    assert "60" in page
    assert page.count("Lường Văn Số") == 50
    query = f"q=luong&amp;hamlet={tree.hamlet.key}&amp;target_group=resident&amp;age_band=18-35"
    assert f'href="?{query}&amp;page=2"' in page
    assert f'{reverse("registry:people_export_xlsx")}?{query}"' in page
    assert f'{reverse("registry:people_export_csv")}?{query}"' in page
    second = text(client.get(reverse("registry:people"), {**filters, "page": "2"}))
    assert second.count("Lường Văn Số") == 10


@pytest.mark.parametrize(
    ("filters", "found", "not_found"),
    [
        ({"worker": "yes"}, "Nguyễn Văn Án", "Lò Thị Bình"),
        ({"worker": "no"}, "Lò Thị Bình", "Nguyễn Văn Án"),
        ({"age_band": "0-14"}, None, "Nguyễn Văn Án"),
        ({"hamlet": "03694-002"}, "Cầm Văn Cường", "Nguyễn Văn Án"),
        ({"target_group": "learner"}, None, "Lò Thị Bình"),
        ({"digital_skill": "none"}, "Lò Thị Bình", None),
        # A hamlet outside the user's area is not a choice: the filter is dropped.
        ({"hamlet": "03646-001"}, "Nguyễn Văn Án", "Trần Thị Dung"),
    ],
)
def test_people_filters(
    client: Client,
    people: People,
    registry: Registry,
    filters: dict[str, str],
    found: str | None,
    not_found: str | None,
):
    signed_in(client, people.commune_official)
    page = text(client.get(reverse("registry:people"), filters))
    if found:
        assert found in page
    if not_found:
        assert not_found not in page


def test_hamlet_filter_offers_only_hamlets_in_scope(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    page = text(client.get(reverse("registry:people")))
    assert f'value="{tree.hamlet.key}"' in page
    assert f'value="{tree.other_hamlet.key}"' in page
    assert f'value="{tree.other_commune_hamlet.key}"' not in page


def test_live_search_answers_htmx_with_the_results_partial_only(
    client: Client, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    response = client.get(
        reverse("registry:people"),
        {"q": "binh"},
        headers={"HX-Request": "true", "HX-Target": "people-results"},
    )
    page = text(response)
    assert page.lstrip().startswith('<div id="people-results">')
    assert "<html" not in page
    assert "Lò Thị Bình" in page
    assert "Nguyễn Văn Án" not in page


def test_household_list_search_hamlet_filter_and_member_counts(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    page = text(client.get(reverse("registry:household_list"), {"q": "binh"}))
    assert "HH-001" in page
    assert "HH-002" not in page
    page = text(client.get(reverse("registry:household_list"), {"hamlet": tree.other_hamlet.key}))
    assert "HH-002" in page
    assert "HH-001" not in page
    response = client.get(reverse("registry:household_list"))
    counts = {h.code: h.member_count for h in response.context["page"]}
    assert counts == {"HH-001": 2, "HH-002": 1}


# --- detail pages --------------------------------------------------------------------------


def test_household_detail_shows_members_clans_titles_placeholder_and_history(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    client.post(
        reverse("registry:household_edit", args=[registry.household.pk]),
        {
            "hamlet": tree.hamlet.key,
            "code": "HH-001",
            "address": "Nhà văn hoá",
            "head": registry.head.pk,
            "version": registry.household.version,
        },
    )
    response = client.get(reverse("registry:household_detail", args=[registry.household.pk]))
    page = text(response)
    assert "Nguyễn Văn Án" in page
    assert "Lò Thị Bình" in page
    assert "Họ Lò" in page
    assert vi("No titles yet") in page
    assert "Chưa có danh hiệu" in page  # the empty state until the assessments app exists
    members = [member for member, _age in response.context["members"]]
    assert {m.full_name for m in members} == {"Nguyễn Văn Án", "Lò Thị Bình"}
    history = response.context["history"]
    assert [row["event"].action for row in history] == ["household.update", "household.create"]
    assert history[0]["event"].actor == people.commune_official


def test_person_detail_shows_the_fields_changed_in_history(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    response = client.post(
        reverse("registry:person_edit", args=[registry.head.pk]),
        person_post(tree, registry),
    )
    assert response.status_code == 302
    page = text(client.get(reverse("registry:person_detail", args=[registry.head.pk])))
    assert "Nguyễn Văn Án Mới" in page
    with translation.override("vi"):
        label = str(Person._meta.get_field("full_name").verbose_name)
    assert label in page
    person = Person.objects.get(pk=registry.head.pk)
    assert person.birth_date is not None
    assert person.birth_date.isoformat() == "1980-03-12"
    assert person.digital_skill == "basic"
    assert person.ethnicity == "Thái"


# --- form validation and stale forms -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cccd": "12345"}, "cccd", "A CCCD has exactly 12 digits."),
        (
            {"cccd": "014180000001"},
            "cccd",
            "The fourth digit does not match the sex and century of birth.",
        ),
        (
            {"birth": "31/02/1980"},
            "birth",
            "Unreadable date of birth; write dd/mm/yyyy or the year alone.",
        ),
        ({"birth": "2999"}, "birth", "The date of birth is not plausible."),
        ({"phone": "12ab"}, "phone", "Not a Vietnamese phone number."),
        ({"full_name": "  "}, "full_name", "This field is required."),
    ],
)
def test_person_form_checks_like_the_import_and_saves_nothing(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    changes: dict[str, str],
    field: str,
    message: str,
):
    signed_in(client, people.commune_official)
    before = database_state()
    response = client.post(
        reverse("registry:person_edit", args=[registry.head.pk]),
        {**person_post(tree, registry), **changes},
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    with translation.override("vi"):
        expected = translation.gettext(message)
    assert expected in response.context["form"].errors[field]
    assert escape(expected) in text(response)
    assert database_state() == before


def test_a_leading_zero_lost_from_a_cccd_is_restored(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    response = client.post(
        reverse("registry:person_edit", args=[registry.head.pk]),
        {**person_post(tree, registry), "cccd": "14080000001"},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=registry.head.pk).cccd == "014080000001"


def test_a_cccd_already_registered_is_refused_on_its_field(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    response = client.post(
        reverse("registry:household_member_add", args=[registry.household.pk]),
        {
            "full_name": "Người Trùng Số",
            "sex": "male",
            "birth": "1980",
            "relation": "child",
            "cccd": "014080000001",
            "target_group": "resident",
            "digital_skill": "none",
        },
    )
    assert response.status_code == 422
    assert vi("A person with this CCCD is already registered.") in text(response)
    assert not Person.objects.filter(full_name="Người Trùng Số").exists()


def test_a_second_head_is_refused(client: Client, people: People, registry: Registry):
    signed_in(client, people.commune_official)
    response = client.post(
        reverse("registry:household_member_add", args=[registry.household.pk]),
        {
            "full_name": "Chủ Hộ Thứ Hai",
            "sex": "male",
            "birth": "1960",
            "relation": "head",
            "target_group": "resident",
            "digital_skill": "none",
        },
    )
    assert response.status_code == 422
    assert vi("This household already has a head.") in text(response)


def test_a_duplicate_household_code_is_shown_on_the_code_field(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    response = client.post(
        reverse("registry:household_create"), {"hamlet": tree.hamlet.key, "code": "HH-002"}
    )
    assert response.status_code == 422
    assert "code" in response.context["form"].errors
    assert vi("This household code already exists in the commune.") in text(response)


STALE = "Someone else changed this record after you opened it. Reload and try again."


def test_a_stale_household_form_shows_the_conflict_and_saves_nothing(
    client: Client, tree: Tree, people: People, registry: Registry
):
    # given the form was opened, then someone else saved the household
    signed_in(client, people.commune_official)
    opened = client.get(reverse("registry:household_edit", args=[registry.household.pk]))
    version = opened.context["form"].initial["version"]
    services.household_update(
        actor=people.province_official,
        household=registry.household,
        version=version,
        hamlet=tree.hamlet,
        code="HH-001",
        address="Sửa bởi tỉnh",
        phone="",
        head=registry.head,
    )
    before = database_state()
    # when the first form is sent
    response = client.post(
        reverse("registry:household_edit", args=[registry.household.pk]),
        {"hamlet": tree.hamlet.key, "code": "HH-CU", "address": "Cũ", "version": version},
    )
    # then
    assert response.status_code == 422
    assert vi(STALE) in text(response)
    assert database_state() == before
    assert Household.objects.get(pk=registry.household.pk).address == "Sửa bởi tỉnh"


def test_a_stale_person_form_shows_the_conflict_and_saves_nothing(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    stale = person_post(tree, registry)
    services.person_update(
        actor=people.admin, person=registry.head, version=registry.head.version, phone="0987654321"
    )
    before = database_state()
    response = client.post(reverse("registry:person_edit", args=[registry.head.pk]), stale)
    assert response.status_code == 422
    assert vi(STALE) in text(response)
    assert database_state() == before


@pytest.mark.parametrize("kind", ["organisation", "clan"])
def test_stale_organisation_and_clan_forms_are_refused(
    client: Client, tree: Tree, people: People, registry: Registry, kind: str
):
    signed_in(client, people.commune_official)
    if kind == "organisation":
        url = reverse("registry:organisation_edit", args=[registry.organisation.pk])
        data = {
            "commune": tree.commune.key,
            "name": "Tên cũ",
            "kind": "school",
            "managing_level": "commune",
            "version": registry.organisation.version,
        }
        services.organisation_save(
            actor=people.admin,
            organisation=registry.organisation,
            commune=tree.commune,
            name="Tên mới",
            kind="school",
            managing_level="commune",
            version=registry.organisation.version,
        )
    else:
        url = reverse("registry:clan_edit", args=[registry.clan.pk])
        data = {
            "commune": tree.commune.key,
            "name": "Tên cũ",
            "fund_amount": "0",
            "version": registry.clan.version,
        }
        services.clan_save(
            actor=people.admin,
            clan=registry.clan,
            commune=tree.commune,
            name="Tên mới",
            version=registry.clan.version,
        )
    before = database_state()
    response = client.post(url, data)
    assert response.status_code == 422
    assert vi(STALE) in text(response)
    assert database_state() == before


def test_clan_picker_lists_visible_households_and_keeps_members_elsewhere(
    client: Client, tree: Tree, people: People, registry: Registry
):
    # given a clan spanning two communes
    services.clan_save(
        actor=people.admin,
        clan=registry.clan,
        commune=tree.commune,
        name="Họ Lò",
        households=[registry.household, registry.other_commune_household],
        version=registry.clan.version,
    )
    signed_in(client, people.commune_official)
    url = reverse("registry:clan_edit", args=[registry.clan.pk])
    # the picker searches households the user sees, keeping the ticked ones
    response = client.get(
        url,
        {"household_q": "HH", "households": [str(registry.household.pk)]},
        headers={"HX-Request": "true", "HX-Target": "household-picker"},
    )
    picker = text(response)
    assert picker.lstrip().startswith('<div id="household-picker"')
    assert f'value="{registry.household.pk}" id="household-{registry.household.pk}" checked' in (
        picker
    )
    assert f'value="{registry.other_hamlet_household.pk}"' in picker
    assert "TH-001" not in picker  # the other commune's household is not offered
    # a household out of scope cannot be ticked by tampering
    before = database_state()
    response = client.post(
        url,
        {
            "commune": tree.commune.key,
            "name": "Họ Lò",
            "fund_amount": "0",
            "households": [registry.household.pk, 999999],
            "version": Clan.objects.get(pk=registry.clan.pk).version,
        },
    )
    assert response.status_code == 422
    assert database_state() == before
    # saving keeps the member household of the other commune
    response = client.post(
        url,
        {
            "commune": tree.commune.key,
            "name": "Họ Lò",
            "fund_amount": "0",
            "households": [registry.other_hamlet_household.pk],
            "version": Clan.objects.get(pk=registry.clan.pk).version,
        },
    )
    assert response.status_code == 302
    members = set(Clan.objects.get(pk=registry.clan.pk).households.values_list("code", flat=True))
    assert members == {"HH-002", "TH-001"}


def test_learning_centre_setup_for_a_commune_without_one(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.province_official)
    url = reverse("registry:centre_detail", args=[tree.other_commune.key])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "TTHTCĐ phường Tô Hiệu", "staff_count": "2"})
    assert response.status_code == 302
    centre = LearningCentre.objects.get(commune=tree.other_commune)
    assert centre.name == "TTHTCĐ phường Tô Hiệu"
    # the commune's own official sees it; the other commune does not have it in their list
    signed_in(client, people.other_commune_official)
    assert "TTHTCĐ phường Tô Hiệu" in text(client.get(reverse("registry:centre_list")))
    signed_in(client, people.commune_official)
    assert "TTHTCĐ phường Tô Hiệu" not in text(client.get(reverse("registry:centre_list")))


def test_invalid_statistic_is_refused_with_422(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    before = database_state()
    response = client.post(
        reverse("registry:statistic_create"),
        {"unit": tree.commune.key, "year": "2026", "kind": "workers", "value": "-1", "source": ""},
    )
    assert response.status_code == 422
    assert {"value", "source"} <= set(response.context["form"].errors)
    assert database_state() == before


# --- import pages --------------------------------------------------------------------------


def upload(client: Client, tree: Tree, data: bytes, capture: Any, name: str = "ds.xlsx") -> Any:
    with capture(execute=True):
        return client.post(
            reverse("registry:import_upload"),
            {"commune": tree.commune.key, "file": SimpleUploadedFile(name, data)},
        )


def test_template_download_for_a_commune_official(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    page = text(client.get(reverse("registry:import_template")))
    assert f'value="{tree.commune.key}"' in page  # their one commune, no choice to make
    response = client.get(reverse("registry:import_template"), {"commune": tree.commune.key})
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    lists = workbook["Danh mục"]
    hamlets = {lists.cell(row=i, column=1).value for i in range(1, 3)}
    assert hamlets == {tree.hamlet.name, tree.other_hamlet.name}


def test_province_official_picks_the_commune_of_the_template(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.province_official)
    page = text(client.get(reverse("registry:import_template")))
    assert f'<option value="{tree.commune.key}"' in page
    assert f'<option value="{tree.other_commune.key}"' in page
    assert f'<option value="{tree.far_commune.key}"' not in page
    response = client.get(reverse("registry:import_template"), {"commune": tree.far_commune.key})
    assert response.status_code == 404


def test_upload_refuses_a_file_that_is_not_xlsx_in_vietnamese(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.commune_official)
    before = database_state()
    response = upload(
        client, tree, b"Ho ten,Ngay sinh\nA,1990\n", django_capture_on_commit_callbacks, "ds.xlsx"
    )
    assert response.status_code == 422
    assert "Đây không phải là tệp Excel (.xlsx)." in text(response)
    assert database_state() == before


def test_upload_refuses_a_file_over_the_size_limit(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
):
    from hoctap.registry import importing

    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1000)
    signed_in(client, people.commune_official)
    before = database_state()
    response = upload(client, tree, b"PK\x03\x04" + b"0" * 2000, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert "file" in response.context["form"].errors
    assert database_state() == before


def test_import_with_errors_lists_every_one_and_cannot_be_committed(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.commune_official)
    rows = [
        ["HH-500", tree.hamlet.name, "Lò Văn Một", "Chủ hộ", "Nam", "1970", ""],
        ["HH-500", tree.hamlet.name, "Lò Thị Hai", "Vợ", "Nữ", "32/13/1975", ""],
        ["HH-501", "Bản Không Có", "Lò Văn Ba", "Chủ hộ", "Nam", "1980", "12345"],
    ]
    response = upload(client, tree, sheet_bytes(rows), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("registry:import_job", args=[job.pk])
    assert job.status == "invalid"
    page = client.get(response["Location"])
    html = text(page)
    assert len(job.errors) >= 3
    for issue in job.errors:
        assert f"<td>{issue['row']}</td><td>{escape(issue['column'])}</td>" in html
        assert escape(issue["message"]) in html
    assert vi("No hamlet of this name in the commune.") in html
    assert 'id="commit-form"' not in html
    assert "hx-trigger" not in html  # finished: nothing to poll
    before = database_state()
    response = client.post(reverse("registry:import_commit", args=[job.pk]))
    assert response.status_code == 422
    assert database_state() == before


def test_commit_twice_saves_once_and_the_second_click_gets_the_conflict(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.commune_official)
    url = reverse("registry:import_commit", args=[registry.job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    assert first.status_code == 302
    done = client.get(first["Location"])
    assert 'id="job-done"' in text(done)
    assert reverse("registry:people") in text(done)
    assert Person.objects.filter(full_name="Vi Văn Em").count() == 1
    before = database_state()
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url)
    assert second.status_code == 422
    job = ImportJob.objects.get(pk=registry.job.pk)
    with translation.override("vi"):
        expected = translation.gettext("This import cannot be saved now (status: %(status)s).") % {
            "status": job.get_status_display()
        }
    assert escape(expected) in text(second)
    assert database_state() == before
    assert Person.objects.filter(full_name="Vi Văn Em").count() == 1


def test_warnings_must_be_acknowledged_before_commit(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.commune_official)
    rows = [
        ["HH-600", tree.hamlet.name, "Lò Văn Tư", "Chủ hộ", "Nam", "1970", ""],
        ["HH-600", tree.hamlet.name, "Lò Văn Năm", "Con", "Nam", "2001", ""],
        ["HH-600", tree.hamlet.name, "Lò Văn Năm", "Con", "Nam", "2001", ""],
    ]
    upload(client, tree, sheet_bytes(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.latest("pk")
    assert job.status == "ready"
    assert job.warnings
    page = text(client.get(reverse("registry:import_job", args=[job.pk])))
    assert 'name="accept_warnings"' in page
    assert 'id="import-warnings"' in page
    url = reverse("registry:import_commit", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url)
    assert refused.status_code == 422
    assert vi("Tick that you have checked the warnings before saving.") in text(refused)
    assert not Person.objects.filter(full_name="Lò Văn Tư").exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, {"accept_warnings": "on"})
    assert accepted.status_code == 302
    assert Person.objects.filter(household__code="HH-600").count() == 3


def test_fixes_are_listed_with_the_rule_applied(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.commune_official)
    rows = [["HH-700", tree.hamlet.name, "  Lò  Văn Sáu ", "Chủ hộ", "Nam", "1980", 14080000777]]
    upload(client, tree, sheet_bytes(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.latest("pk")
    assert job.status == "ready", job.errors
    page = text(client.get(reverse("registry:import_job", args=[job.pk])))
    assert 'id="import-fixes"' in page
    for fix in job.fixes:
        assert escape(fix["message"]) in page


def test_progress_page_polls_while_running_and_stops_when_done(
    client: Client, tree: Tree, people: People, registry: Registry
):
    signed_in(client, people.commune_official)
    url = reverse("registry:import_job", args=[registry.job.pk])
    ImportJob.objects.filter(pk=registry.job.pk).update(
        status="validating", total_rows=200, processed_rows=50
    )
    page = text(client.get(url))
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="25"' in page
    partial = text(client.get(url, headers={"HX-Request": "true", "HX-Target": "job-status"}))
    assert partial.lstrip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in partial
    ImportJob.objects.filter(pk=registry.job.pk).update(status="ready", processed_rows=200)
    partial = text(client.get(url, headers={"HX-Request": "true", "HX-Target": "job-status"}))
    assert "hx-trigger" not in partial
    assert 'id="commit-form"' in partial


def test_collector_sees_their_own_upload_but_not_the_communes_other_imports(
    client: Client,
    tree: Tree,
    people: People,
    registry: Registry,
    django_capture_on_commit_callbacks,
):
    signed_in(client, people.collector)
    rows = [
        ["HH-800", tree.hamlet.name, "Lò Văn Bảy", "Chủ hộ", "Nam", "1980", ""],
        ["HH-801", tree.other_hamlet.name, "Cầm Văn Tám", "Chủ hộ", "Nam", "1980", ""],
    ]
    response = upload(client, tree, sheet_bytes(rows), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    own = client.get(response["Location"])
    assert own.status_code == 200
    assert vi("This hamlet is outside your area.") in text(own)
    listing = text(client.get(reverse("registry:import_list")))
    assert "ds.xlsx" in listing
    assert "thon.xlsx" not in listing


# --- navigation ----------------------------------------------------------------------------


def test_registry_link_is_in_the_menu_for_role_holders_only(
    client: Client, people: People, tree: Tree
):
    signed_in(client, people.collector)
    assert f'href="{reverse("registry:people")}"' in text(client.get("/"))
    nobody = user_with_role(Role.CITIZEN, tree.hamlet, "khongvaitro")
    nobody.assignments.update(revoked_at="2026-01-01T00:00:00Z")
    signed_in(client, nobody)
    assert f'href="{reverse("registry:people")}"' not in text(client.get("/"))


# --- query budgets -------------------------------------------------------------------------


def fill(tree: Tree, people: People, households: int, members: int = 3) -> Household:
    first = None
    for number in range(households):
        household, _people = add_household(
            people.admin,
            tree.hamlet,
            f"Q-{number:03d}",
            [
                {"full_name": f"Hà Văn Số {number}-{m}", "birth_year": 1980 + m}
                for m in range(members)
            ],
        )
        first = first or household
    assert first is not None
    return first


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_people_list_queries_do_not_grow_with_rows(
    client: Client, tree: Tree, people: People, django_assert_max_num_queries
):
    signed_in(client, people.commune_official)
    url = reverse("registry:people")
    fill(tree, people, 3)
    few = count_queries(client, url)
    fill_more = 27
    for number in range(fill_more):
        add_household(
            people.admin,
            tree.other_hamlet,
            f"R-{number:03d}",
            [{"full_name": f"Hà Thị Số {number}", "birth_year": 1990}] * 2,
        )
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?q=ha&worker=no") == few


def test_household_detail_queries_do_not_grow_with_members(
    client: Client, tree: Tree, people: People, django_assert_max_num_queries
):
    signed_in(client, people.commune_official)
    small = fill(tree, people, 1, members=3)
    large, _people = add_household(
        people.admin,
        tree.hamlet,
        "BIG",
        [{"full_name": f"Lò Văn {n}", "birth_year": 1950 + n} for n in range(30)],
    )
    few = count_queries(client, reverse("registry:household_detail", args=[small.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("registry:household_detail", args=[large.pk]))
    assert count_queries(client, reverse("registry:household_detail", args=[large.pk])) == few


def test_household_list_queries_do_not_grow_with_rows(
    client: Client, tree: Tree, people: People, django_assert_max_num_queries
):
    signed_in(client, people.commune_official)
    fill(tree, people, 3)
    few = count_queries(client, reverse("registry:household_list"))
    for number in range(27):
        add_household(
            people.admin,
            tree.hamlet,
            f"S-{number:03d}",
            [{"full_name": "Lò Văn X", "birth_year": 1990}],
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("registry:household_list"))
    assert count_queries(client, reverse("registry:household_list")) == few
