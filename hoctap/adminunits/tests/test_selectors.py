"""Reads of the unit tree: search, scope, children, roots and lineage walks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hoctap.accounts.models import Role, RoleAssignment
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdminUnit,
    AdminUnitLineage,
    Kind,
    Level,
    LineageKind,
)
from hoctap.adminunits.selectors import (
    unit_children,
    unit_get,
    unit_list,
    unit_predecessors_on,
    unit_roots,
    unit_subtree,
    unit_successors_now,
)
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def legacy_unit(
    name: str,
    key: str,
    *,
    parent: AdminUnit | None = None,
    level: int = Level.COMMUNE,
    kind: str = Kind.COMMUNE,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date = LAST_LEGACY_DAY,
) -> AdminUnit:
    return units.AdminUnitFactory.create(
        name=name,
        key=key,
        parent=parent,
        level=level,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def link(
    predecessor: AdminUnit,
    successor: AdminUnit,
    *,
    on: datetime.date = REFORM_DATE,
    kind: str = LineageKind.MERGED,
    is_primary: bool = True,
) -> AdminUnitLineage:
    return AdminUnitLineage.objects.create(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective_date=on,
        is_primary=is_primary,
    )


def names(queryset: Any) -> set[str]:
    return {unit.name for unit in queryset}


# Search ignores diacritics and case


@pytest.mark.parametrize("q", ["son la", "SƠN LA", "Sơn La", "  sơn   la ", "SON LA"], ids=repr)
def test_search_finds_a_province_whatever_the_accents_and_case(
    tree: Tree, people: People, q: str
) -> None:
    assert names(unit_list(user=people.admin, q=q)) == {"Tỉnh Sơn La"}


def test_search_finds_a_ward_by_its_full_name_without_accents(tree: Tree, people: People) -> None:
    assert names(unit_list(user=people.admin, q="phuong to hieu")) == {"Phường Tô Hiệu"}


def test_search_matches_every_word_in_any_order(tree: Tree, people: People) -> None:
    assert names(unit_list(user=people.admin, q="hieu phuong")) == {"Phường Tô Hiệu"}


def test_search_for_dong_finds_names_spelled_with_the_letter_d_bar(
    tree: Tree, people: People
) -> None:
    # given
    units.hamlet(tree.commune, "Thôn Đông Hưng", key="03694-003")
    units.hamlet(tree.other_commune, "Tổ dân phố Đồng Tâm", key="03646-002")

    # when
    found = unit_list(user=people.admin, q="dong")

    # then
    assert names(found) == {"Thôn Đông Hưng", "Tổ dân phố Đồng Tâm"}
    assert names(unit_list(user=people.admin, q="ĐÔNG")) == names(found)


def test_search_with_no_match_is_empty(tree: Tree, people: People) -> None:
    assert not unit_list(user=people.admin, q="ha noi").exists()


def test_search_results_come_ordered_by_level_then_name(tree: Tree, people: People) -> None:
    found = list(unit_list(user=people.admin, q="ban"))

    assert [unit.name for unit in found] == ["Bản Cọ", "Bản Hày"]
    levels = [unit.level for unit in unit_list(user=people.admin)]
    assert levels == sorted(levels)


def test_unit_list_filters_by_kind_level_and_parent(tree: Tree, people: People) -> None:
    assert names(unit_list(user=people.admin, kind=Kind.WARD)) == {"Phường Tô Hiệu"}
    assert names(unit_list(user=people.admin, level=Level.PROVINCE)) == {
        "Tỉnh Sơn La",
        "Tỉnh Thanh Hóa",
    }
    assert names(unit_list(user=people.admin, parent=tree.commune)) == {"Bản Hày", "Bản Cọ"}


def test_unit_list_hides_retired_units_unless_asked(tree: Tree, people: People) -> None:
    # given
    AdminUnit.objects.filter(pk=tree.other_hamlet.pk).update(valid_to=datetime.date(2025, 9, 1))

    # then
    assert "Bản Cọ" not in names(unit_list(user=people.admin))
    assert "Bản Cọ" in names(unit_list(user=people.admin, include_retired=True))


# Scope


ALL_NAMES = {
    "Tỉnh Sơn La",
    "Xã Mường Giôn",
    "Bản Hày",
    "Bản Cọ",
    "Phường Tô Hiệu",
    "Tổ dân phố 1",
    "Tỉnh Thanh Hóa",
    "Xã Nông Cống",
    "Thôn Vạn Thắng",
}


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("admin", ALL_NAMES),
        (
            "province_official",
            {
                "Tỉnh Sơn La",
                "Xã Mường Giôn",
                "Bản Hày",
                "Bản Cọ",
                "Phường Tô Hiệu",
                "Tổ dân phố 1",
            },
        ),
        ("other_province_official", {"Tỉnh Thanh Hóa", "Xã Nông Cống", "Thôn Vạn Thắng"}),
        ("commune_official", {"Xã Mường Giôn", "Bản Hày", "Bản Cọ"}),
        ("other_commune_official", {"Phường Tô Hiệu", "Tổ dân phố 1"}),
        ("organisation_head", {"Xã Mường Giôn", "Bản Hày", "Bản Cọ"}),
        ("collector", {"Bản Hày"}),
        ("citizen", {"Bản Hày"}),
    ],
)
def test_each_user_sees_the_subtrees_of_their_roles(
    tree: Tree, people: People, user: str, visible: set[str]
) -> None:
    assert names(unit_list(user=getattr(people, user))) == visible


def test_anonymous_sees_no_unit(tree: Tree) -> None:
    assert not unit_list(user=AnonymousUser()).exists()
    assert not unit_list(user=None).exists()


def test_a_user_without_roles_sees_no_unit(tree: Tree) -> None:
    from hoctap.accounts.tests.factories import UserFactory

    assert not unit_list(user=UserFactory.create()).exists()


def test_an_inactive_official_sees_no_unit(tree: Tree, people: People) -> None:
    people.province_official.is_active = False

    assert not unit_list(user=people.province_official).exists()


def test_a_revoked_role_no_longer_gives_scope(tree: Tree) -> None:
    official = user_with_role(Role.COMMUNE_OFFICIAL, tree.commune)
    RoleAssignment.objects.filter(user=official).update(revoked_at=timezone.now())

    assert not unit_list(user=official).exists()


def test_a_superuser_sees_every_unit(tree: Tree) -> None:
    from hoctap.accounts.tests.factories import UserFactory

    superuser = UserFactory.create(is_superuser=True)

    assert names(unit_list(user=superuser)) == ALL_NAMES


def test_unit_get_out_of_scope_is_not_found(tree: Tree, people: People) -> None:
    assert unit_get(user=people.commune_official, key=tree.hamlet.key) == tree.hamlet
    with pytest.raises(AdminUnit.DoesNotExist):
        unit_get(user=people.commune_official, key=tree.other_commune.key)
    with pytest.raises(AdminUnit.DoesNotExist):
        unit_get(user=people.commune_official, key=tree.province.key)


@pytest.fixture
def legacy_commune(tree: Tree) -> AdminUnit:
    """Xã Mường Giôn before the reform, under its old district; it became today's Mường Giôn."""
    old_province = legacy_unit("Tỉnh Sơn La", "old-14", level=Level.PROVINCE, kind=Kind.PROVINCE)
    old_district = legacy_unit(
        "Huyện Quỳnh Nhai", "old-118", parent=old_province, level=Level.DISTRICT, kind="huyen"
    )
    old_commune = legacy_unit("Xã Mường Giôn cũ", "old-03694", parent=old_district)
    link(old_commune, tree.commune)
    return old_commune


def test_legacy_commune_is_visible_to_the_official_of_its_successor(
    tree: Tree, people: People, legacy_commune: AdminUnit
) -> None:
    visible = unit_list(user=people.commune_official, include_retired=True)

    assert legacy_commune in visible
    # its old district and province did not become this commune
    assert names(visible) == {"Xã Mường Giôn", "Bản Hày", "Bản Cọ", "Xã Mường Giôn cũ"}
    assert unit_get(user=people.commune_official, key="old-03694") == legacy_commune


def test_legacy_commune_is_visible_to_the_province_above_its_successor(
    tree: Tree, people: People, legacy_commune: AdminUnit
) -> None:
    assert legacy_commune in unit_list(user=people.province_official, include_retired=True)


@pytest.mark.parametrize("user", ["other_commune_official", "other_province_official"])
def test_legacy_commune_is_hidden_from_officials_of_other_units(
    tree: Tree, people: People, legacy_commune: AdminUnit, user: str
) -> None:
    assert legacy_commune not in unit_list(user=getattr(people, user), include_retired=True)


def test_legacy_commune_is_left_out_of_current_lists(
    tree: Tree, people: People, legacy_commune: AdminUnit
) -> None:
    assert legacy_commune not in unit_list(user=people.commune_official)


# Roots and children


def test_roots_of_the_country_are_the_current_provinces(tree: Tree, people: People) -> None:
    legacy_unit("Tỉnh Hà Tây", "old-28", level=Level.PROVINCE, kind=Kind.PROVINCE)

    assert list(unit_roots(user=people.admin)) == [tree.province, tree.other_province]


@pytest.mark.parametrize(
    ("user", "root"),
    [
        ("province_official", "province"),
        ("commune_official", "commune"),
        ("other_commune_official", "other_commune"),
        ("collector", "hamlet"),
    ],
)
def test_roots_of_an_official_are_their_assigned_units(
    tree: Tree, people: People, user: str, root: str
) -> None:
    assert list(unit_roots(user=getattr(people, user))) == [getattr(tree, root)]


def test_roots_leave_out_units_inside_another_assigned_unit(tree: Tree) -> None:
    # given: an official of the province who also holds a role in one of its communes
    official = user_with_role(Role.PROVINCE_OFFICIAL, tree.province)
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=tree.commune)
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=tree.far_commune)

    # then
    assert list(unit_roots(user=official)) == [tree.province, tree.far_commune]


def test_anonymous_has_no_roots(tree: Tree) -> None:
    assert not unit_roots(user=AnonymousUser()).exists()


def test_children_are_the_visible_current_children_with_their_counts(
    tree: Tree, people: People
) -> None:
    children = unit_children(user=people.admin, unit=tree.province)

    # ordered by name without accents: "phuong to hieu" before "xa muong gion"
    assert list(children) == [tree.other_commune, tree.commune]
    # child_count is annotated by the selector, unknown to the type checker
    assert [child.child_count for child in children] == [1, 2]  # type: ignore[attr-defined]


def test_children_are_limited_to_the_user_scope(tree: Tree, people: People) -> None:
    # The commune official cannot see the province itself, but asking for its
    # children shows only the official's own commune.
    assert list(unit_children(user=people.commune_official, unit=tree.province)) == [tree.commune]
    assert list(unit_children(user=people.other_province_official, unit=tree.province)) == []


def test_retired_children_are_hidden_unless_asked_and_come_last(tree: Tree, people: People) -> None:
    # given
    AdminUnit.objects.filter(pk=tree.hamlet.pk).update(valid_to=datetime.date(2025, 9, 1))

    # then
    assert list(unit_children(user=people.commune_official, unit=tree.commune)) == [
        tree.other_hamlet
    ]
    assert list(
        unit_children(user=people.commune_official, unit=tree.commune, include_retired=True)
    ) == [tree.other_hamlet, tree.hamlet]


def test_child_counts_leave_out_retired_grandchildren(tree: Tree, people: People) -> None:
    AdminUnit.objects.filter(pk=tree.hamlet.pk).update(valid_to=datetime.date(2025, 9, 1))

    children = {child.pk: child for child in unit_children(user=people.admin, unit=tree.province)}

    assert children[tree.commune.pk].child_count == 1  # type: ignore[attr-defined]


def test_subtree_is_the_unit_and_everything_below_in_scope(tree: Tree, people: People) -> None:
    assert names(unit_subtree(user=people.admin, unit=tree.commune)) == {
        "Xã Mường Giôn",
        "Bản Hày",
        "Bản Cọ",
    }
    assert names(unit_subtree(user=people.commune_official, unit=tree.province)) == {
        "Xã Mường Giôn",
        "Bản Hày",
        "Bản Cọ",
    }
    assert not unit_subtree(user=people.other_commune_official, unit=tree.commune).exists()


# Lineage walks


@pytest.fixture
def chain(tree: Tree) -> tuple[AdminUnit, AdminUnit, AdminUnit]:
    """A (until 2020) became B (2021 to the reform), which became today's C."""
    a = legacy_unit("Xã A", "old-a", parent=tree.province, valid_to=datetime.date(2020, 12, 31))
    b = legacy_unit(
        "Xã B",
        "old-b",
        parent=tree.province,
        valid_from=datetime.date(2021, 1, 1),
        valid_to=LAST_LEGACY_DAY,
    )
    c = units.commune(tree.province, "Xã C", key="c")
    link(a, b, on=datetime.date(2021, 1, 1))
    link(b, c, on=REFORM_DATE)
    return a, b, c


def test_successors_now_follow_the_chain_to_the_current_unit(
    chain: tuple[AdminUnit, AdminUnit, AdminUnit],
) -> None:
    a, b, c = chain

    assert unit_successors_now(unit=a) == [c]
    assert unit_successors_now(unit=b) == [c]


def test_a_current_unit_is_its_own_successor(
    chain: tuple[AdminUnit, AdminUnit, AdminUnit],
) -> None:
    _, _, c = chain

    assert unit_successors_now(unit=c) == [c]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (datetime.date(2019, 6, 1), "Xã A"),
        (datetime.date(2020, 12, 31), "Xã A"),
        (datetime.date(2021, 1, 1), "Xã B"),
        (datetime.date(2025, 6, 30), "Xã B"),
        (datetime.date(2025, 7, 1), "Xã C"),
        (datetime.date(2026, 1, 1), "Xã C"),
    ],
)
def test_predecessors_on_a_date_walk_back_the_chain(
    chain: tuple[AdminUnit, AdminUnit, AdminUnit], on: datetime.date, expected: str
) -> None:
    _, _, c = chain

    assert [unit.name for unit in unit_predecessors_on(unit=c, on=on)] == [expected]


def test_predecessors_of_a_merger_are_all_merged_units(tree: Tree) -> None:
    # given: Y and X merged into Z on the reform date
    y = legacy_unit("Xã Y Cũ", "old-y", parent=tree.province)
    x = legacy_unit("Xã X Cũ", "old-x", parent=tree.province)
    z = units.commune(tree.province, "Xã Z", key="z")
    link(y, z)
    link(x, z)

    # then: listed by name
    assert unit_predecessors_on(unit=z, on=datetime.date(2024, 1, 1)) == [x, y]
    assert unit_successors_now(unit=x) == [z]
    assert unit_successors_now(unit=y) == [z]


def test_successors_of_a_split_unit_list_the_primary_first(tree: Tree) -> None:
    # given: S was split between P (primary) and two others
    s = legacy_unit("Xã S", "old-s", parent=tree.province)
    first = units.commune(tree.province, "Xã An", key="an")
    primary = units.commune(tree.province, "Xã Phú", key="phu")
    last = units.commune(tree.province, "Xã Yên", key="yen")
    for successor in (first, last):
        link(s, successor, kind=LineageKind.SPLIT, is_primary=False)
    link(s, primary, kind=LineageKind.SPLIT, is_primary=True)

    # then
    assert unit_successors_now(unit=s) == [primary, first, last]
    for successor in (first, primary, last):
        assert unit_predecessors_on(unit=successor, on=datetime.date(2024, 1, 1)) == [s]


def test_a_unit_without_lineage_has_no_earlier_units(tree: Tree) -> None:
    assert unit_predecessors_on(unit=tree.commune, on=datetime.date(2024, 1, 1)) == []


def test_a_retired_unit_without_lineage_has_no_successor(tree: Tree) -> None:
    gone = legacy_unit("Xã Đã Giải Thể", "old-gone", parent=tree.province)

    assert unit_successors_now(unit=gone) == []


def test_lineage_walks_stop_on_a_cycle(tree: Tree) -> None:
    # given: bad data where two retired units point at each other
    p = legacy_unit("Xã P", "old-p", parent=tree.province)
    q = legacy_unit("Xã Q", "old-q", parent=tree.province)
    link(p, q)
    link(q, p)

    # then
    assert unit_successors_now(unit=p) == []
