"""/api/v1/admin-units over real HTTP: scope, filters, pagination, lineage, hamlet creation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hoctap.accounts.models import Role
from hoctap.accounts.services import api_token_create
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit, AdminUnitLineage, Kind, Level, LineageKind
from hoctap.adminunits.tests import factories as units
from hoctap.api.tests.http import Response, get, post
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(live_server: Any) -> str:
    return f"{live_server.url}/api/v1"


def token_for(user: Any) -> str:
    _token, raw = api_token_create(actor=user, user=user, name="tests")
    return raw


def keys(response: Response) -> list[str]:
    assert response.status == 200, response.body
    return [item["key"] for item in response.json()["items"]]


def database_state() -> dict[str, Any]:
    return {
        "units": list(AdminUnit.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def merged(tree: Tree) -> AdminUnit:
    """An old commune that ended on 30/6/2025 and became part of tree.commune."""
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
    return old


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin-units", "/admin-units/03694"])
def test_units_need_authentication(api: str, tree: Tree, path: str) -> None:
    response = get(api, path)

    assert response.status == 401
    assert response.content_type == PROBLEM
    assert response.json()["status"] == 401


def test_list_is_paginated_with_items_and_count(api: str, people: People) -> None:
    token = token_for(people.admin)

    pages = [
        get(api, "/admin-units", params={"page_size": 4, "page": page}, token=token)
        for page in (1, 2, 3)
    ]

    assert [p.status for p in pages] == [200, 200, 200]
    assert [p.json()["count"] for p in pages] == [9, 9, 9]  # 2 provinces, 3 communes, 4 hamlets
    # by level, then by name without diacritics
    assert [keys(p) for p in pages] == [
        ["14", "38", "03646", "03694"],
        ["16279", "03694-002", "03694-001", "16279-001"],
        ["03646-001"],
    ]


@pytest.mark.parametrize("q", ["son la", "SƠN LA", "Sơn  La", "tinh son"])
def test_list_search_ignores_diacritics_case_and_spacing(api: str, people: People, q: str) -> None:
    response = get(api, "/admin-units", params={"q": q}, token=token_for(people.admin))

    assert response.status == 200
    assert keys(response) == ["14"]
    assert response.json()["items"][0]["name"] == "Tỉnh Sơn La"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("commune_official", ["03694", "03694-002", "03694-001"]),
        ("other_commune_official", ["03646", "03646-001"]),
        ("collector", ["03694-001"]),
        ("province_official", ["14", "03646", "03694", "03694-002", "03694-001", "03646-001"]),
    ],
)
def test_list_contains_only_units_in_scope(
    api: str, people: People, role: str, expected: list[str]
) -> None:
    response = get(api, "/admin-units", token=token_for(getattr(people, role)))

    assert response.status == 200
    assert keys(response) == expected
    assert response.json()["count"] == len(expected)


def test_search_never_finds_units_outside_scope(api: str, people: People) -> None:
    response = get(
        api, "/admin-units", params={"q": "ban hay"}, token=token_for(people.other_commune_official)
    )

    assert response.status == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": Level.HAMLET, "parent": "03694"}, ["03694-002", "03694-001"]),
        ({"kind": Kind.WARD}, ["03646"]),
        ({"level": Level.PROVINCE}, ["14", "38"]),
        ({"parent": "38"}, ["16279"]),
        ({"kind": Kind.HIGHLAND_VILLAGE, "q": "ban"}, ["03694-002", "03694-001"]),
    ],
)
def test_list_filters_by_kind_level_and_parent(
    api: str, people: People, params: dict[str, Any], expected: list[str]
) -> None:
    response = get(api, "/admin-units", params=params, token=token_for(people.admin))

    assert response.status == 200
    assert keys(response) == expected


def test_list_with_a_parent_outside_scope_is_not_found(api: str, people: People) -> None:
    response = get(
        api,
        "/admin-units",
        params={"parent": "03694"},
        token=token_for(people.other_commune_official),
    )

    assert response.status == 404
    assert response.content_type == PROBLEM


def test_list_shows_retired_units_only_on_request(api: str, people: People, tree: Tree) -> None:
    # given
    AdminUnit.objects.filter(pk=tree.hamlet.pk).update(valid_to=datetime.date(2025, 9, 1))
    token = token_for(people.commune_official)
    # when
    current = get(api, "/admin-units", params={"parent": "03694"}, token=token)
    everything = get(
        api, "/admin-units", params={"parent": "03694", "include_retired": "true"}, token=token
    )
    # then
    assert keys(current) == ["03694-002"]
    assert keys(everything) == ["03694-002", "03694-001"]


# --- detail ---------------------------------------------------------------------------------


def test_detail_of_a_hamlet_lists_its_ancestors(api: str, people: People) -> None:
    response = get(api, "/admin-units/03694-001", token=token_for(people.commune_official))

    body = response.json()
    assert response.status == 200
    assert (body["key"], body["name"], body["parent"], body["level"]) == (
        "03694-001",
        "Bản Hày",
        "03694",
        Level.HAMLET,
    )
    assert [a["key"] for a in body["ancestors"]] == ["14", "03694"]
    assert [u["key"] for u in body["now"]] == ["03694-001"]
    assert body["then"] is None


@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("other_commune_official", "03694"),
        ("other_commune_official", "03694-001"),
        ("commune_official", "14"),
        ("commune_official", "03646-001"),
        ("province_official", "16279"),
        ("collector", "03694-002"),
        ("admin", "no-such-unit"),
    ],
)
def test_detail_outside_scope_is_not_found(api: str, people: People, role: str, key: str) -> None:
    response = get(api, f"/admin-units/{key}", token=token_for(getattr(people, role)))

    assert response.status == 404
    assert response.content_type == PROBLEM
    assert response.json()["status"] == 404


def test_detail_of_a_new_commune_lists_its_predecessors(
    api: str, people: People, merged: AdminUnit
) -> None:
    response = get(api, "/admin-units/03694", token=token_for(people.commune_official))

    body = response.json()
    assert response.status == 200
    assert body["predecessors"] == [
        {
            "key": "old-03700",
            "name": "Xã Chiềng Cơi",
            "kind": LineageKind.MERGED,
            "effective_date": "2025-07-01",
            "is_primary": True,
        }
    ]
    assert body["children_count"] == 2


def test_detail_of_an_old_commune_tells_what_it_is_now(
    api: str, people: People, merged: AdminUnit
) -> None:
    # the commune official sees the old commune that became theirs
    response = get(api, "/admin-units/old-03700", token=token_for(people.commune_official))

    body = response.json()
    assert response.status == 200
    assert body["is_current"] is False
    assert [u["key"] for u in body["now"]] == ["03694"]
    assert [s["key"] for s in body["successors"]] == ["03694"]


def test_detail_on_a_date_before_the_reform_tells_what_the_unit_was_then(
    api: str, people: People, merged: AdminUnit
) -> None:
    token = token_for(people.commune_official)

    before = get(api, "/admin-units/03694", params={"on": "2025-01-01"}, token=token)
    after = get(api, "/admin-units/03694", params={"on": "2025-08-01"}, token=token)

    assert before.status == 200
    assert [u["key"] for u in before.json()["then"]] == ["old-03700"]
    assert [u["key"] for u in after.json()["then"]] == ["03694"]


def test_detail_with_an_invalid_date_is_refused(api: str, people: People) -> None:
    response = get(
        api, "/admin-units/03694", params={"on": "31/12/2024"}, token=token_for(people.admin)
    )

    assert response.status == 422
    assert response.content_type == PROBLEM


# --- hamlet creation ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commune_official", "province_official", "admin"])
def test_officials_of_the_commune_and_above_create_a_hamlet(
    api: str, people: People, tree: Tree, role: str
) -> None:
    # when
    response = post(
        api,
        "/admin-units/03694/hamlets",
        {"name": " Bản  Mòng ", "kind": Kind.HIGHLAND_VILLAGE},
        token=token_for(getattr(people, role)),
    )
    # then
    body = response.json()
    assert response.status == 201, body
    assert (body["key"], body["name"], body["parent"], body["kind"]) == (
        "03694-003",
        "Bản Mòng",
        "03694",
        Kind.HIGHLAND_VILLAGE,
    )
    created = AdminUnit.objects.get(key="03694-003")
    assert (created.parent, created.level, created.name) == (tree.commune, Level.HAMLET, "Bản Mòng")


@pytest.mark.parametrize(
    "role", ["other_commune_official", "other_province_official", "collector", "citizen"]
)
def test_hamlet_creation_outside_scope_is_not_found_and_saves_nothing(
    api: str, people: People, role: str
) -> None:
    # given
    token = token_for(getattr(people, role))
    before = database_state()
    # when
    response = post(
        api, "/admin-units/03694/hamlets", {"name": "Bản Mòng", "kind": Kind.VILLAGE}, token=token
    )
    # then
    assert response.status == 404
    assert response.content_type == PROBLEM
    assert database_state() == before


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.ORGANISATION_HEAD, Role.CITIZEN])
def test_hamlet_creation_is_forbidden_to_non_officials_who_see_the_commune(
    api: str, tree: Tree, role: str
) -> None:
    # given: this person's role covers the whole commune, so it is no secret
    token = token_for(user_with_role(role, tree.commune))
    before = database_state()
    # when
    response = post(
        api, "/admin-units/03694/hamlets", {"name": "Bản Mòng", "kind": Kind.VILLAGE}, token=token
    )
    # then
    assert response.status == 403
    assert response.content_type == PROBLEM
    assert database_state() == before


@pytest.mark.parametrize("name", ["Bản Hày", "ban hay", "BẢN HÀY"])
def test_hamlet_creation_with_a_taken_name_is_a_problem_and_saves_nothing(
    api: str, people: People, tree: Tree, name: str
) -> None:
    # given
    token = token_for(people.commune_official)
    before = database_state()
    # when
    response = post(
        api, "/admin-units/03694/hamlets", {"name": name, "kind": Kind.VILLAGE}, token=token
    )
    # then
    body = response.json()
    assert response.status == 422
    assert response.content_type == PROBLEM
    assert body["status"] == 422
    # Vietnamese, as every response without a language choice
    assert body["detail"] == f"{tree.commune.name} đã có thôn mang tên “{name}”."
    assert database_state() == before


@pytest.mark.parametrize(
    ("key", "payload"),
    [
        ("14", {"name": "Bản Mòng", "kind": Kind.VILLAGE}),  # a province
        ("03694-001", {"name": "Bản Mòng", "kind": Kind.VILLAGE}),  # a hamlet
        ("03694", {"name": "Bản Mòng", "kind": Kind.COMMUNE}),  # not a hamlet kind
        ("03694", {"name": "   ", "kind": Kind.VILLAGE}),
        ("03694", {"name": "Bản Mòng"}),  # no kind
        ("03694", {"name": "x" * 121, "kind": Kind.VILLAGE}),
    ],
)
def test_hamlet_creation_with_bad_input_is_a_problem_and_saves_nothing(
    api: str, people: People, key: str, payload: dict[str, Any]
) -> None:
    token = token_for(people.admin)
    before = database_state()

    response = post(api, f"/admin-units/{key}/hamlets", payload, token=token)

    assert response.status == 422
    assert response.content_type == PROBLEM
    assert database_state() == before
