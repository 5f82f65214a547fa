"""Pages of the unit tree: the role × scope matrix, bad input and query budgets."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit, AdminUnitLineage, Kind, Level, LineageKind
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent

# Officials allowed to manage the hamlets of tree.commune: its own official and those above it.
MANAGERS = ["commune_official", "province_official", "admin"]
# Signed-in people who may not touch tree.commune's hamlets.
NOT_MANAGERS = [
    "other_commune_official",
    "other_province_official",
    "collector",
    "citizen",
    "organisation_head",
]
OUT_OF_SCOPE = ["other_commune_official", "other_province_official"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login_redirect(path: str) -> str:
    return f"{reverse('accounts:login')}?next={quote(path, safe='/')}"


def vietnamese(message: str) -> str:
    """The message as the (Vietnamese by default) pages show it."""
    with translation.override("vi"):
        return translation.gettext(message)


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def database_state() -> dict[str, Any]:
    """Every row the unit pages may write, to prove a refused request changed nothing."""
    return {
        "units": list(AdminUnit.objects.order_by("pk").values()),
        "lineage": list(AdminUnitLineage.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def hamlet_create_url(unit: AdminUnit) -> str:
    return reverse("adminunits:hamlet_create", args=[unit.key])


def hamlet_edit_url(unit: AdminUnit) -> str:
    return reverse("adminunits:hamlet_edit", args=[unit.key])


def detail_url(unit: AdminUnit) -> str:
    return reverse("adminunits:detail", args=[unit.key])


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name", "unit_attr"),
    [
        ("get", "adminunits:tree", None),
        ("get", "adminunits:detail", "commune"),
        ("post", "adminunits:hamlet_create", "commune"),
        ("get", "adminunits:hamlet_edit", "hamlet"),
        ("post", "adminunits:hamlet_edit", "hamlet"),
    ],
)
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(
    client: Client, tree: Tree, method: str, url_name: str, unit_attr: str | None
) -> None:
    # given
    args = [getattr(tree, unit_attr).key] if unit_attr else []
    url = reverse(url_name, args=args)
    before = database_state()
    # when
    data = {"action": "rename", "name": "Bản Mới", "kind": Kind.VILLAGE}
    response = client.post(url, data) if method == "post" else client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert database_state() == before


# --- tree and search ------------------------------------------------------------------------


def test_tree_lists_every_province_for_the_admin(client: Client, people: People) -> None:
    response = signed_in(client, people.admin).get(reverse("adminunits:tree"))

    assert response.status_code == 200
    assert [u.key for u in response.context["roots"]] == ["14", "38"]


def test_tree_starts_at_the_commune_for_a_commune_official(
    client: Client, people: People, tree: Tree
) -> None:
    response = signed_in(client, people.commune_official).get(reverse("adminunits:tree"))

    assert response.status_code == 200
    assert [u.key for u in response.context["roots"]] == [tree.commune.key]
    assert tree.other_commune.name not in response.content.decode()


def test_tree_search_ignores_diacritics_and_case(client: Client, people: People) -> None:
    response = signed_in(client, people.admin).get(reverse("adminunits:tree"), {"q": "MUONG gion"})

    assert response.status_code == 200
    assert [u.key for u in response.context["results"]] == ["03694"]
    assert "Xã Mường Giôn" in response.content.decode()


@pytest.mark.parametrize("role", ["province_official", "commune_official"])
def test_tree_search_finds_hamlets_in_scope(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    response = signed_in(client, getattr(people, role)).get(
        reverse("adminunits:tree"), {"q": "ban hay"}
    )

    assert [u.key for u in response.context["results"]] == [tree.hamlet.key]


@pytest.mark.parametrize("role", OUT_OF_SCOPE)
def test_tree_search_never_shows_units_outside_scope(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    response = signed_in(client, getattr(people, role)).get(
        reverse("adminunits:tree"), {"q": "ban hay"}
    )

    assert response.status_code == 200
    assert list(response.context["results"]) == []
    assert tree.hamlet.name not in response.content.decode()


def test_tree_search_from_htmx_returns_only_the_results_partial(
    client: Client, people: People
) -> None:
    response = signed_in(client, people.admin).get(
        reverse("adminunits:tree"),
        {"q": "son la"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="search-results">')
    assert "Tỉnh Sơn La" in content
    assert "<html" not in content
    assert "Thanh Hóa" not in content


def test_tree_search_from_htmx_with_another_target_gets_the_whole_page(
    client: Client, people: People
) -> None:
    response = signed_in(client, people.admin).get(
        reverse("adminunits:tree"),
        {"q": "son la"},
        headers={"HX-Request": "true", "HX-Target": "main"},
    )

    assert "<html" in response.content.decode()


# --- unit detail ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_unit_detail_of_a_commune_offers_hamlet_management_to_its_officials(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    response = signed_in(client, getattr(people, role)).get(detail_url(tree.commune))

    content = response.content.decode()
    assert response.status_code == 200
    assert [c.key for c in response.context["children"]] == [
        tree.other_hamlet.key,
        tree.hamlet.key,
    ]
    assert response.context["can_manage"] is True
    assert hamlet_create_url(tree.commune) in content
    assert hamlet_edit_url(tree.hamlet) in content


@pytest.mark.parametrize(
    ("role", "unit_attr"),
    [
        ("other_commune_official", "commune"),
        ("other_commune_official", "hamlet"),
        ("other_commune_official", "province"),
        ("other_province_official", "province"),
        ("other_province_official", "commune"),
        ("commune_official", "other_commune"),
        ("commune_official", "far_hamlet"),
        ("province_official", "far_commune"),
        ("collector", "commune"),
        ("citizen", "other_hamlet"),
    ],
)
def test_unit_detail_outside_scope_is_not_found(
    client: Client, people: People, tree: Tree, role: str, unit_attr: str
) -> None:
    response = signed_in(client, getattr(people, role)).get(detail_url(getattr(tree, unit_attr)))

    assert response.status_code == 404


def test_unit_detail_of_an_unknown_key_is_not_found(client: Client, people: People) -> None:
    response = signed_in(client, people.admin).get(reverse("adminunits:detail", args=["99999"]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["organisation_head", "collector", "citizen"])
def test_unit_detail_in_scope_offers_no_management_to_non_officials(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    unit = tree.commune if role == "organisation_head" else tree.hamlet

    response = signed_in(client, getattr(people, role)).get(detail_url(unit))

    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert "/hamlets/new/" not in response.content.decode()


def test_unit_detail_htmx_children_partial_shows_retired_hamlets_on_request(
    client: Client, people: People, tree: Tree
) -> None:
    # given
    retired = units.hamlet(tree.commune, "Bản Cũ")
    AdminUnit.objects.filter(pk=retired.pk).update(valid_to=datetime.date(2025, 8, 1))
    signed_in(client, people.commune_official)
    htmx = {"HX-Request": "true", "HX-Target": "children"}
    # when
    hidden = client.get(detail_url(tree.commune), headers=htmx)
    shown = client.get(detail_url(tree.commune), {"retired": "1"}, headers=htmx)
    # then
    assert hidden.content.decode().lstrip().startswith('<div id="children"')
    assert "Bản Cũ" not in hidden.content.decode()
    assert "Bản Cũ" in shown.content.decode()
    assert "<html" not in shown.content.decode()


def test_unit_detail_of_a_merged_commune_shows_what_it_is_now(
    client: Client, people: People, tree: Tree
) -> None:
    # given
    old = units.AdminUnitFactory.create(
        key="old-03700",
        name="Xã Chiềng Cơi",
        parent=tree.province,
        valid_from=datetime.date(2008, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    AdminUnitLineage.objects.create(
        predecessor=old,
        successor=tree.commune,
        kind=LineageKind.MERGED,
        effective_date=datetime.date(2025, 7, 1),
    )
    # when: the commune official sees the old commune that became theirs
    response = signed_in(client, people.commune_official).get(detail_url(old))
    # then
    assert response.status_code == 200
    assert [u.key for u in response.context["now"]] == [tree.commune.key]
    assert detail_url(tree.commune) in response.content.decode()


# --- hamlet create --------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_officials_of_the_commune_and_above_create_a_hamlet(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    # when
    response = signed_in(client, getattr(people, role)).post(
        hamlet_create_url(tree.commune), {"name": "  Bản   Mòng ", "kind": Kind.HIGHLAND_VILLAGE}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == detail_url(tree.commune)
    created = AdminUnit.objects.get(parent=tree.commune, name="Bản Mòng")
    assert created.key == "03694-003"
    assert created.level == Level.HAMLET
    assert created.kind == Kind.HIGHLAND_VILLAGE
    assert created.path.startswith(tree.commune.path)
    assert AuditEvent.objects.filter(action="hamlet.create", object_id=str(created.pk)).exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_hamlet_create_is_not_found_for_people_who_cannot_manage_the_commune(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    # given
    before = database_state()
    # when
    response = signed_in(client, getattr(people, role)).post(
        hamlet_create_url(tree.commune), {"name": "Bản Mòng", "kind": Kind.HIGHLAND_VILLAGE}
    )
    # then
    assert response.status_code == 404
    assert database_state() == before


def test_hamlet_create_refuses_a_collector_of_the_whole_commune(client: Client, tree: Tree) -> None:
    # given: this collector sees the commune but is no official
    collector = user_with_role(Role.COLLECTOR, tree.commune, "thuthapxa")
    before = database_state()
    # when
    response = signed_in(client, collector).post(
        hamlet_create_url(tree.commune), {"name": "Bản Mòng", "kind": Kind.HIGHLAND_VILLAGE}
    )
    # then
    assert response.status_code == 404
    assert database_state() == before


@pytest.mark.parametrize("unit_attr", ["province", "hamlet"])
def test_hamlet_create_under_a_unit_that_is_not_a_commune_is_refused(
    client: Client, people: People, tree: Tree, unit_attr: str
) -> None:
    before = database_state()

    response = signed_in(client, people.admin).post(
        hamlet_create_url(getattr(tree, unit_attr)), {"name": "Bản Mòng", "kind": Kind.VILLAGE}
    )

    assert response.status_code == 404
    assert database_state() == before


def test_hamlet_create_only_accepts_post(client: Client, people: People, tree: Tree) -> None:
    response = signed_in(client, people.commune_official).get(hamlet_create_url(tree.commune))

    assert response.status_code == 405


@pytest.mark.parametrize("name", ["Bản Hày", "ban hay", " BẢN  HÀY "])
def test_hamlet_create_with_a_taken_name_shows_the_error_and_saves_nothing(
    client: Client, people: People, tree: Tree, name: str
) -> None:
    # given
    before = database_state()
    # when
    response = signed_in(client, people.commune_official).post(
        hamlet_create_url(tree.commune), {"name": name, "kind": Kind.HIGHLAND_VILLAGE}
    )
    # then
    expected = vietnamese("%(commune)s already has a hamlet named “%(name)s”.") % {
        "commune": tree.commune.name,
        "name": " ".join(name.split()),
    }
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert database_state() == before


def test_hamlet_create_shows_the_refusal_in_the_language_the_user_chose(
    client: Client, people: People, tree: Tree, settings: Any
) -> None:
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    response = signed_in(client, people.commune_official).post(
        hamlet_create_url(tree.commune), {"name": "Bản Hày", "kind": Kind.HIGHLAND_VILLAGE}
    )
    # then
    assert response.status_code == 422
    assert "Xã Mường Giôn already has a hamlet named “Bản Hày”." in response.content.decode()


@pytest.mark.parametrize(
    "data", [{"name": "", "kind": Kind.VILLAGE}, {"name": "Bản Mòng", "kind": Kind.COMMUNE}]
)
def test_hamlet_create_with_invalid_input_saves_nothing(
    client: Client, people: People, tree: Tree, data: dict[str, str]
) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        hamlet_create_url(tree.commune), data
    )

    assert response.status_code == 422
    assert database_state() == before


# --- hamlet edit: who ------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_hamlet_edit_page_offers_only_hamlets_of_the_same_commune_to_merge_into(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    response = signed_in(client, getattr(people, role)).get(hamlet_edit_url(tree.hamlet))

    assert response.status_code == 200
    choices = list(response.context["merge_form"].fields["into"].queryset)
    assert choices == [tree.other_hamlet]


EDIT_POSTS = {
    "rename": {"action": "rename", "name": "Bản Hày Mới", "kind": Kind.VILLAGE},
    "retire": {"action": "retire", "on": "01/09/2025", "reason": "Không còn dân"},
    "merge": {"action": "merge", "into": "03694-002", "on": "01/09/2025"},
}


@pytest.mark.parametrize("role", NOT_MANAGERS)
@pytest.mark.parametrize("method", ["get", "rename", "retire", "merge"])
def test_hamlet_edit_is_not_found_for_people_who_cannot_manage_the_commune(
    client: Client, people: People, tree: Tree, role: str, method: str
) -> None:
    # given
    before = database_state()
    signed_in(client, getattr(people, role))
    # when
    url = hamlet_edit_url(tree.hamlet)
    response = client.get(url) if method == "get" else client.post(url, EDIT_POSTS[method])
    # then
    assert response.status_code == 404
    assert database_state() == before


def test_hamlet_edit_of_a_commune_is_not_found(client: Client, people: People, tree: Tree) -> None:
    response = signed_in(client, people.admin).get(hamlet_edit_url(tree.commune))

    assert response.status_code == 404


# --- hamlet edit: rename, retire, merge ------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_officials_rename_a_hamlet(client: Client, people: People, tree: Tree, role: str) -> None:
    response = signed_in(client, getattr(people, role)).post(
        hamlet_edit_url(tree.hamlet), EDIT_POSTS["rename"]
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(tree.hamlet)
    tree.hamlet.refresh_from_db()
    assert (tree.hamlet.name, tree.hamlet.search_name, tree.hamlet.kind) == (
        "Bản Hày Mới",
        "ban hay moi",
        Kind.VILLAGE,
    )


def test_renaming_a_hamlet_to_a_taken_name_shows_the_error_and_changes_nothing(
    client: Client, people: People, tree: Tree
) -> None:
    # given
    before = database_state()
    # when
    response = signed_in(client, people.commune_official).post(
        hamlet_edit_url(tree.hamlet), {"action": "rename", "name": "ban co", "kind": Kind.VILLAGE}
    )
    # then
    expected = vietnamese("%(commune)s already has a hamlet named “%(name)s”.") % {
        "commune": tree.commune.name,
        "name": "ban co",
    }
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize("role", MANAGERS)
def test_officials_retire_a_hamlet(client: Client, people: People, tree: Tree, role: str) -> None:
    response = signed_in(client, getattr(people, role)).post(
        hamlet_edit_url(tree.hamlet), EDIT_POSTS["retire"]
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(tree.commune)
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.valid_to == datetime.date(2025, 9, 1)
    assert tree.hamlet.note == "Không còn dân"


def test_a_retired_hamlet_can_no_longer_be_renamed(
    client: Client, people: People, tree: Tree
) -> None:
    # given
    AdminUnit.objects.filter(pk=tree.hamlet.pk).update(valid_to=datetime.date(2025, 9, 1))
    before = database_state()
    # when
    response = signed_in(client, people.commune_official).post(
        hamlet_edit_url(tree.hamlet), EDIT_POSTS["rename"]
    )
    # then
    assert response.status_code == 422
    assert database_state() == before


@pytest.mark.parametrize("role", MANAGERS)
def test_officials_merge_a_hamlet_into_another_of_the_commune(
    client: Client, people: People, tree: Tree, role: str
) -> None:
    response = signed_in(client, getattr(people, role)).post(
        hamlet_edit_url(tree.hamlet), EDIT_POSTS["merge"]
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(tree.other_hamlet)
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.valid_to == datetime.date(2025, 9, 1)
    link = AdminUnitLineage.objects.get(predecessor=tree.hamlet)
    assert (link.successor, link.kind) == (tree.other_hamlet, LineageKind.MERGED)


@pytest.mark.parametrize("target_attr", ["far_hamlet", "other_commune_hamlet", "hamlet", "commune"])
def test_a_tampered_merge_target_is_not_found_and_changes_nothing(
    client: Client, people: People, tree: Tree, target_attr: str
) -> None:
    # given: the province official manages both Sơn La communes, the admin everything
    before = database_state()
    # when
    response = signed_in(client, people.province_official).post(
        hamlet_edit_url(tree.hamlet),
        {"action": "merge", "into": getattr(tree, target_attr).key, "on": "01/09/2025"},
    )
    # then
    assert response.status_code == 404
    assert database_state() == before


def test_a_merge_form_without_target_is_refused(client: Client, people: People, tree: Tree) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        hamlet_edit_url(tree.hamlet), {"action": "merge", "into": ""}
    )

    assert response.status_code == 422
    assert database_state() == before


# --- query budgets --------------------------------------------------------------------------


def count_queries(client: Client, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


def add_hamlets(commune: AdminUnit, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        units.hamlet(commune, f"Thôn Thử {number:02d}")


# Measured 7 and 11 queries; the slack leaves room for one more lookup, not for one per row.
TREE_BUDGET = 9
DETAIL_BUDGET = 13


def test_tree_search_query_count_does_not_grow_with_the_results(
    client: Client, people: People, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    # given
    signed_in(client, people.admin)
    url = reverse("adminunits:tree")
    add_hamlets(tree.commune, 3)
    with_three = count_queries(client, url, {"q": "thon thu"})
    add_hamlets(tree.commune, 27, start=3)
    # when
    with django_assert_max_num_queries(TREE_BUDGET):
        with_thirty = count_queries(client, url, {"q": "thon thu"})
    # then
    assert with_thirty == with_three


def test_tree_roots_query_count_does_not_grow_with_the_provinces(
    client: Client, people: People, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, people.admin)
    url = reverse("adminunits:tree")
    with_two = count_queries(client, url)
    for number in range(28):
        units.province(f"Tỉnh Thử {number:02d}")

    with django_assert_max_num_queries(TREE_BUDGET):
        with_thirty = count_queries(client, url)

    assert with_thirty == with_two


@pytest.mark.parametrize("role", ["commune_official", "admin"])
def test_unit_detail_query_count_does_not_grow_with_the_hamlets(
    client: Client, people: People, tree: Tree, django_assert_max_num_queries: Any, role: str
) -> None:
    # given: 3 hamlets, then 30
    commune = units.commune(tree.province, "Xã Chiềng Sinh")
    user = people.admin if role == "admin" else user_with_role(Role.COMMUNE_OFFICIAL, commune)
    signed_in(client, user)
    add_hamlets(commune, 3)
    with_three = count_queries(client, detail_url(commune))
    add_hamlets(commune, 27, start=3)
    # when
    with django_assert_max_num_queries(DETAIL_BUDGET):
        with_thirty = count_queries(client, detail_url(commune))
    # then
    assert with_thirty == with_three
