"""Who may hand out which role where, and manage which accounts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hoctap.accounts.models import Role, RoleAssignment
from hoctap.accounts.permissions import (
    assignable_roles,
    can_assign,
    can_manage_user,
    can_manage_users,
)
from hoctap.accounts.tests.factories import UserFactory, user_with_role
from hoctap.adminunits.permissions import can_manage_hamlets
from hoctap.conftest import People, Tree


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# (actor, role, unit) -> allowed. Units name fields of the `tree` fixture.
ASSIGN_MATRIX = [
    # The province official staffs the communes of their province.
    ("province_official", Role.COMMUNE_OFFICIAL, "commune", True),
    ("province_official", Role.COMMUNE_OFFICIAL, "other_commune", True),
    ("province_official", Role.COMMUNE_OFFICIAL, "far_commune", False),
    ("province_official", Role.PROVINCE_OFFICIAL, "province", True),
    ("province_official", Role.PROVINCE_OFFICIAL, "other_province", False),
    ("province_official", Role.COLLECTOR, "hamlet", True),
    ("province_official", Role.COLLECTOR, "far_hamlet", False),
    ("province_official", Role.ORGANISATION_HEAD, "province", True),
    ("province_official", Role.CITIZEN, "hamlet", False),
    ("province_official", Role.SYSTEM_ADMIN, None, False),
    # The commune official staffs their own commune's hamlets.
    ("commune_official", Role.COLLECTOR, "commune", True),
    ("commune_official", Role.COLLECTOR, "hamlet", True),
    ("commune_official", Role.COLLECTOR, "other_hamlet", True),
    ("commune_official", Role.COLLECTOR, "other_commune", False),
    ("commune_official", Role.COLLECTOR, "other_commune_hamlet", False),
    ("commune_official", Role.CITIZEN, "hamlet", True),
    ("commune_official", Role.ORGANISATION_HEAD, "commune", True),
    ("commune_official", Role.COMMUNE_OFFICIAL, "commune", False),
    ("commune_official", Role.PROVINCE_OFFICIAL, "province", False),
    ("other_province_official", Role.COMMUNE_OFFICIAL, "commune", False),
    ("other_province_official", Role.COMMUNE_OFFICIAL, "far_commune", True),
    # Nobody else hands out roles.
    ("collector", Role.CITIZEN, "hamlet", False),
    ("citizen", Role.CITIZEN, "hamlet", False),
    ("organisation_head", Role.COLLECTOR, "hamlet", False),
    # The administrator gives every role, but only at its level.
    ("admin", Role.SYSTEM_ADMIN, None, True),
    ("admin", Role.PROVINCE_OFFICIAL, "other_province", True),
    ("admin", Role.COMMUNE_OFFICIAL, "far_commune", True),
    ("admin", Role.COLLECTOR, "far_hamlet", True),
    ("admin", Role.CITIZEN, "far_commune", True),
    ("admin", Role.ORGANISATION_HEAD, "far_commune", True),
    ("admin", Role.COMMUNE_OFFICIAL, "hamlet", False),
    ("admin", Role.COMMUNE_OFFICIAL, "province", False),
    ("admin", Role.PROVINCE_OFFICIAL, "commune", False),
    ("admin", Role.COLLECTOR, "province", False),
    ("admin", Role.CITIZEN, "province", False),
    ("admin", Role.ORGANISATION_HEAD, "hamlet", False),
    ("admin", Role.SYSTEM_ADMIN, "province", False),
    ("admin", Role.PROVINCE_OFFICIAL, None, False),
]


@pytest.mark.parametrize(("actor", "role", "unit", "allowed"), ASSIGN_MATRIX)
def test_can_assign_follows_role_level_and_scope(
    tree: Tree, people: People, actor: str, role: str, unit: str | None, allowed: bool
) -> None:
    target = getattr(tree, unit) if unit else None

    assert can_assign(getattr(people, actor), role, target) is allowed


def test_no_role_may_be_given_at_a_retired_unit(tree: Tree, people: People) -> None:
    tree.commune.valid_to = tree.commune.valid_from
    tree.commune.save(update_fields=["valid_to"])

    assert not can_assign(people.admin, Role.COMMUNE_OFFICIAL, tree.commune)
    assert not can_assign(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune)


def test_a_superuser_may_assign_every_role(tree: Tree) -> None:
    superuser = UserFactory.create(is_superuser=True)

    assert set(assignable_roles(superuser)) == set(Role.values)
    assert can_assign(superuser, Role.COMMUNE_OFFICIAL, tree.far_commune)


def test_assignable_roles_of_a_commune_official_are_limited_to_their_commune(
    tree: Tree, people: People
) -> None:
    assert assignable_roles(people.commune_official) == {
        Role.COLLECTOR: [tree.commune.path],
        Role.ORGANISATION_HEAD: [tree.commune.path],
        Role.CITIZEN: [tree.commune.path],
        Role.PORTAL_EDITOR: [tree.commune.path],
    }


def test_assignable_roles_of_an_administrator_are_everywhere(people: People) -> None:
    assert assignable_roles(people.admin) == {role: [] for role in Role.values}


def test_a_revoked_official_role_gives_no_right_to_assign(tree: Tree, people: People) -> None:
    RoleAssignment.objects.filter(user=people.commune_official).update(revoked_at=timezone.now())

    assert assignable_roles(people.commune_official) == {}
    assert not can_assign(people.commune_official, Role.COLLECTOR, tree.hamlet)


def test_an_inactive_official_may_assign_nothing(tree: Tree, people: People) -> None:
    people.province_official.is_active = False

    assert assignable_roles(people.province_official) == {}
    assert not can_manage_users(people.province_official)


def test_anonymous_may_assign_nothing(tree: Tree) -> None:
    assert assignable_roles(AnonymousUser()) == {}
    assert not can_assign(AnonymousUser(), Role.CITIZEN, tree.hamlet)
    assert not can_manage_users(AnonymousUser())


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("admin", True),
        ("province_official", True),
        ("commune_official", True),
        ("collector", False),
        ("citizen", False),
        ("organisation_head", False),
    ],
)
def test_only_officials_manage_users(people: People, user: str, allowed: bool) -> None:
    assert can_manage_users(getattr(people, user)) is allowed


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("commune_official", "collector", True),
        ("commune_official", "citizen", True),
        ("commune_official", "organisation_head", True),
        ("commune_official", "other_commune_official", False),
        ("commune_official", "province_official", False),
        ("commune_official", "commune_official", False),
        ("province_official", "commune_official", True),
        ("province_official", "other_commune_official", True),
        ("province_official", "other_province_official", False),
        ("province_official", "admin", False),
        ("other_province_official", "collector", False),
        ("admin", "province_official", True),
        ("admin", "admin", False),
        ("collector", "citizen", False),
    ],
)
def test_can_manage_user_needs_every_role_of_the_target_in_scope(
    people: People, actor: str, target: str, allowed: bool
) -> None:
    assert can_manage_user(getattr(people, actor), getattr(people, target)) is allowed


def test_a_user_with_one_role_outside_scope_cannot_be_managed(tree: Tree, people: People) -> None:
    # given: the collector also works in the neighbouring commune
    RoleAssignment.objects.create(
        user=people.collector, role=Role.COLLECTOR, unit=tree.other_commune_hamlet
    )

    # then: the commune official may not lock an account another commune relies on
    assert not can_manage_user(people.commune_official, people.collector)
    assert can_manage_user(people.province_official, people.collector)


def test_a_user_without_active_roles_cannot_be_managed_by_officials(
    tree: Tree, people: People
) -> None:
    orphan = UserFactory.create()

    assert not can_manage_user(people.province_official, orphan)


def test_a_superuser_can_be_managed_only_by_a_superuser(people: People) -> None:
    superuser = UserFactory.create(is_superuser=True)
    other_superuser = UserFactory.create(is_superuser=True)

    assert not can_manage_user(people.admin, superuser)
    assert can_manage_user(other_superuser, superuser)


# Hamlet management belongs to the officials of the commune and above.


@pytest.mark.parametrize(
    ("user", "commune", "allowed"),
    [
        ("admin", "far_commune", True),
        ("province_official", "commune", True),
        ("province_official", "other_commune", True),
        ("province_official", "far_commune", False),
        ("commune_official", "commune", True),
        ("commune_official", "other_commune", False),
        ("other_commune_official", "commune", False),
        ("other_province_official", "commune", False),
        ("collector", "commune", False),
        ("citizen", "commune", False),
        ("organisation_head", "commune", False),
    ],
)
def test_can_manage_hamlets_matrix(
    tree: Tree, people: People, user: str, commune: str, allowed: bool
) -> None:
    assert can_manage_hamlets(getattr(people, user), getattr(tree, commune)) is allowed


@pytest.mark.parametrize("unit", ["province", "hamlet"])
def test_hamlets_are_managed_only_under_communes(tree: Tree, people: People, unit: str) -> None:
    assert not can_manage_hamlets(people.admin, getattr(tree, unit))


def test_a_collector_who_is_also_commune_official_manages_hamlets(tree: Tree) -> None:
    user = user_with_role(Role.COLLECTOR, tree.hamlet)
    RoleAssignment.objects.create(user=user, role=Role.COMMUNE_OFFICIAL, unit=tree.commune)

    assert can_manage_hamlets(user, tree.commune)
    assert not can_manage_hamlets(user, tree.other_commune)
