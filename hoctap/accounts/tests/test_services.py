"""Writes to accounts: users with a role, role assignments and API tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import translation

from hoctap.accounts.models import ApiToken, Role, RoleAssignment, User
from hoctap.accounts.scope import scope_paths
from hoctap.accounts.selectors import user_visible_to
from hoctap.accounts.services import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    assignment_create,
    assignment_revoke,
    user_create,
    user_set_active,
)
from hoctap.accounts.tests.factories import UserFactory
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent

GOOD_PASSWORD = "Mat-khau-rat-dai-2026"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        RoleAssignment.objects.count(),
        ApiToken.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Assert the block adds no user, role assignment, token or audit row."""
    before = _counts()
    yield
    assert _counts() == before


def create(actor: Any, role: str, unit: Any, username: str = "nguoimoi", **extra: Any) -> User:
    return user_create(
        actor=actor,
        username=username,
        password=extra.pop("password", GOOD_PASSWORD),
        full_name=extra.pop("full_name", "Lò Văn Mới"),
        role=role,
        unit=unit,
        **extra,
    )


# user_create


def test_province_official_creates_a_commune_official_in_their_province(
    tree: Tree, people: People
) -> None:
    # when
    user = create(
        people.province_official,
        Role.COMMUNE_OFFICIAL,
        tree.other_commune,
        username="  CanBo.ToHieu ",
        full_name="  Lò   Thị Hoa ",
        phone=" 0912 345 678 ",
    )

    # then
    user.refresh_from_db()
    assert user.username == "canbo.tohieu"
    assert user.full_name == "Lò Thị Hoa"
    assert user.phone == "0912 345 678"
    assert user.check_password(GOOD_PASSWORD)
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.role == Role.COMMUNE_OFFICIAL
    assert assignment.unit == tree.other_commune
    assert assignment.created_by == people.province_official
    assert assignment.revoked_at is None


def test_user_create_writes_audit_events_for_the_user_and_the_role(
    tree: Tree, people: People
) -> None:
    user = create(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune)

    created = AuditEvent.objects.get(action="user.create")
    assert created.actor == people.province_official
    assert created.object_id == str(user.pk)
    assert created.unit_path == tree.commune.path
    assert created.data == {
        "username": "nguoimoi",
        "role": Role.COMMUNE_OFFICIAL,
        "unit": tree.commune.key,
    }
    assigned = AuditEvent.objects.get(action="assignment.create")
    assert assigned.actor == people.province_official
    assert assigned.object_type == "accounts.roleassignment"
    assert GOOD_PASSWORD not in str(created.data) + str(assigned.data)


def test_province_official_may_not_create_an_official_in_another_province(
    tree: Tree, people: People
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.province_official, Role.COMMUNE_OFFICIAL, tree.far_commune)

    assert refused.value.code == "assignment_out_of_scope"
    assert not User.objects.filter(username="nguoimoi").exists()


@pytest.mark.parametrize("unit", ["commune", "hamlet", "other_hamlet"])
def test_commune_official_creates_collectors_in_their_commune_and_its_hamlets(
    tree: Tree, people: People, unit: str
) -> None:
    user = create(people.commune_official, Role.COLLECTOR, getattr(tree, unit))

    assert RoleAssignment.objects.get(user=user).unit == getattr(tree, unit)


@pytest.mark.parametrize("unit", ["other_commune", "other_commune_hamlet", "far_hamlet"])
def test_commune_official_may_not_create_collectors_in_another_commune(
    tree: Tree, people: People, unit: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError):
        create(people.commune_official, Role.COLLECTOR, getattr(tree, unit))


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.COMMUNE_OFFICIAL, "commune"),
        (Role.PROVINCE_OFFICIAL, "province"),
        (Role.SYSTEM_ADMIN, None),
    ],
)
def test_commune_official_may_not_create_officials(
    tree: Tree, people: People, role: str, unit: str | None
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.commune_official, role, getattr(tree, unit) if unit else None)

    assert refused.value.code == "assignment_out_of_scope"


@pytest.mark.parametrize("user", ["collector", "citizen", "organisation_head"])
def test_users_who_are_not_officials_may_not_create_accounts(
    tree: Tree, people: People, user: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError):
        create(getattr(people, user), Role.CITIZEN, tree.hamlet)


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.COMMUNE_OFFICIAL, "hamlet"),
        (Role.COMMUNE_OFFICIAL, "province"),
        (Role.PROVINCE_OFFICIAL, "commune"),
        (Role.PROVINCE_OFFICIAL, "hamlet"),
        (Role.COLLECTOR, "province"),
        (Role.CITIZEN, "province"),
        (Role.PROVINCE_OFFICIAL, None),
        (Role.SYSTEM_ADMIN, "province"),
    ],
)
def test_a_role_at_the_wrong_level_is_refused_even_for_the_administrator(
    tree: Tree, people: People, role: str, unit: str | None
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.admin, role, getattr(tree, unit) if unit else None)

    assert refused.value.code == "assignment_out_of_scope"


def test_a_role_at_a_retired_unit_is_refused(tree: Tree, people: People) -> None:
    tree.commune.valid_to = tree.commune.valid_from
    tree.commune.save(update_fields=["valid_to"])

    with nothing_saved(), pytest.raises(BusinessError):
        create(people.admin, Role.COMMUNE_OFFICIAL, tree.commune)


def test_an_unknown_role_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.admin, "king", tree.commune)

    assert refused.value.code == "role"


def test_administrator_creates_another_administrator(tree: Tree, people: People) -> None:
    user = create(people.admin, Role.SYSTEM_ADMIN, None)

    assert scope_paths(user) is None


@pytest.mark.parametrize("username", ["xa", "XA", " Xa ", "NguyenVanA", "nguyenvana"])
def test_a_taken_user_name_is_refused_whatever_its_case(
    tree: Tree, people: People, username: str
) -> None:
    # given: "xa" from the fixtures, and a user name stored with capitals
    UserFactory.create(username="NguyenVanA")

    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune, username=username)

    assert refused.value.code == "username_taken"


def test_an_empty_user_name_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        create(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune, username="   ")

    assert refused.value.code == "username"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("123", "This password is too short. It must contain at least 8 characters."),
        ("12345678", "This password is entirely numeric."),
        ("password", "This password is too common."),
        ("nguoimoi1", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_with_django_messages(
    tree: Tree, people: People, password: str, message: str
) -> None:
    with (
        translation.override("en"),
        nothing_saved(),
        pytest.raises(BusinessError) as refused,
    ):
        create(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune, password=password)

    assert message in refused.value.messages


def test_a_weak_password_message_follows_the_vietnamese_interface(
    tree: Tree, people: People
) -> None:
    with translation.override("vi"), pytest.raises(BusinessError) as refused:
        create(people.province_official, Role.COMMUNE_OFFICIAL, tree.commune, password="password")

    assert "Mật khẩu này quá phổ biến." in refused.value.messages


# assignment_create and assignment_revoke


def test_official_gives_an_existing_user_another_role(tree: Tree, people: People) -> None:
    # when
    assignment = assignment_create(
        actor=people.commune_official, user=people.collector, role=Role.CITIZEN, unit=tree.commune
    )

    # then
    assert assignment.created_by == people.commune_official
    assert RoleAssignment.objects.active().filter(user=people.collector).count() == 2
    event = AuditEvent.objects.get(action="assignment.create")
    assert event.object_id == str(assignment.pk)
    assert event.data == {"user": "thon", "role": Role.CITIZEN}


def test_a_new_role_widens_the_user_scope_at_once(tree: Tree, people: People) -> None:
    # given: the scope is cached on the user object
    assert scope_paths(people.collector) == [tree.hamlet.path]

    # when
    assignment_create(
        actor=people.commune_official,
        user=people.collector,
        role=Role.COLLECTOR,
        unit=tree.other_hamlet,
    )

    # then
    assert scope_paths(people.collector) == sorted([tree.hamlet.path, tree.other_hamlet.path])


def test_a_duplicate_assignment_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        assignment_create(
            actor=people.commune_official,
            user=people.collector,
            role=Role.COLLECTOR,
            unit=tree.hamlet,
        )

    assert refused.value.code == "duplicate"


def test_an_assignment_outside_the_actor_scope_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        assignment_create(
            actor=people.commune_official,
            user=people.collector,
            role=Role.COLLECTOR,
            unit=tree.other_commune_hamlet,
        )

    assert refused.value.code == "assignment_out_of_scope"


def test_revoking_keeps_the_row_and_ends_the_scope(tree: Tree, people: People) -> None:
    # given
    assignment = RoleAssignment.objects.get(user=people.collector)

    # when
    assignment_revoke(actor=people.commune_official, assignment=assignment)

    # then
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert not RoleAssignment.objects.active().filter(user=people.collector).exists()
    collector = User.objects.get(pk=people.collector.pk)
    assert scope_paths(collector) == []
    event = AuditEvent.objects.get(action="assignment.revoke")
    assert event.actor == people.commune_official
    assert event.data == {"user": "thon", "role": Role.COLLECTOR}


def test_a_revoked_role_can_be_given_again(tree: Tree, people: People) -> None:
    assignment = RoleAssignment.objects.get(user=people.collector)
    assignment_revoke(actor=people.commune_official, assignment=assignment)

    again = assignment_create(
        actor=people.commune_official, user=people.collector, role=Role.COLLECTOR, unit=tree.hamlet
    )

    assert again.pk != assignment.pk
    assert RoleAssignment.objects.filter(user=people.collector).count() == 2


def test_revoking_twice_is_refused(tree: Tree, people: People) -> None:
    assignment = RoleAssignment.objects.get(user=people.collector)
    assignment_revoke(actor=people.commune_official, assignment=assignment)

    with nothing_saved(), pytest.raises(BusinessError) as refused:
        assignment_revoke(actor=people.commune_official, assignment=assignment)

    assert refused.value.code == "already_revoked"


@pytest.mark.parametrize("actor", ["other_commune_official", "other_province_official", "citizen"])
def test_revoking_outside_the_actor_scope_is_refused(
    tree: Tree, people: People, actor: str
) -> None:
    assignment = RoleAssignment.objects.get(user=people.collector)

    with nothing_saved(), pytest.raises(BusinessError):
        assignment_revoke(actor=getattr(people, actor), assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_a_commune_official_may_not_revoke_their_province_official(
    tree: Tree, people: People
) -> None:
    assignment = RoleAssignment.objects.get(user=people.province_official)

    with nothing_saved(), pytest.raises(BusinessError):
        assignment_revoke(actor=people.commune_official, assignment=assignment)


# user_set_active


def test_official_locks_and_unlocks_an_account_below_them(tree: Tree, people: People) -> None:
    user_set_active(actor=people.commune_official, user=people.collector, active=False)
    people.collector.refresh_from_db()
    assert not people.collector.is_active

    user_set_active(actor=people.commune_official, user=people.collector, active=True)
    people.collector.refresh_from_db()
    assert people.collector.is_active
    assert list(
        AuditEvent.objects.filter(object_id=str(people.collector.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["user.deactivate", "user.activate"]


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("commune_official", "commune_official"),
        ("commune_official", "province_official"),
        ("other_commune_official", "collector"),
        ("collector", "citizen"),
    ],
)
def test_locking_an_account_outside_the_actor_scope_is_refused(
    tree: Tree, people: People, actor: str, target: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError):
        user_set_active(actor=getattr(people, actor), user=getattr(people, target), active=False)

    assert User.objects.get(pk=getattr(people, target).pk).is_active


# API tokens


def test_a_new_token_authenticates_its_owner(tree: Tree, people: People) -> None:
    # when
    token, raw = api_token_create(
        actor=people.commune_official, user=people.commune_official, name="  Nhập liệu  "
    )

    # then
    assert raw.startswith(TOKEN_PREFIX)
    assert len(raw) > 40
    assert token.name == "Nhập liệu"
    assert api_token_authenticate(raw) == people.commune_official
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_sha256_digest_of_a_token_is_stored(tree: Tree, people: People) -> None:
    token, raw = api_token_create(actor=people.admin, user=people.admin, name="Báo cáo")

    token.refresh_from_db()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[len(TOKEN_PREFIX) :][:8]
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored
    assert not any(raw[len(TOKEN_PREFIX) :] in value for value in stored)
    event = AuditEvent.objects.get(action="api_token.create")
    assert raw not in str(event.data)


def test_two_tokens_are_different(tree: Tree, people: People) -> None:
    _, first = api_token_create(actor=people.admin, user=people.admin, name="Một")
    _, second = api_token_create(actor=people.admin, user=people.admin, name="Hai")

    assert first != second


def test_a_revoked_token_does_not_authenticate(tree: Tree, people: People) -> None:
    token, raw = api_token_create(actor=people.collector, user=people.collector, name="Thu thập")

    api_token_revoke(actor=people.collector, token=token)

    assert api_token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_a_token_of_an_inactive_user_does_not_authenticate(tree: Tree, people: People) -> None:
    _, raw = api_token_create(actor=people.collector, user=people.collector, name="Thu thập")
    User.objects.filter(pk=people.collector.pk).update(is_active=False)

    assert api_token_authenticate(raw) is None


@pytest.mark.parametrize("raw", ["", "hct_", "hct_not-a-real-token", "Bearer hct_x", "abc"])
def test_an_unknown_token_does_not_authenticate(tree: Tree, people: People, raw: str) -> None:
    api_token_create(actor=people.collector, user=people.collector, name="Thu thập")

    assert api_token_authenticate(raw) is None


def test_a_token_cannot_be_made_for_someone_else(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError):
        api_token_create(actor=people.admin, user=people.collector, name="Hộ")


def test_a_token_cannot_be_revoked_by_someone_else(tree: Tree, people: People) -> None:
    token, raw = api_token_create(actor=people.collector, user=people.collector, name="Thu thập")

    with nothing_saved(), pytest.raises(BusinessError):
        api_token_revoke(actor=people.admin, token=token)

    assert api_token_authenticate(raw) == people.collector


# user_visible_to


def usernames(actor: Any) -> set[str]:
    return set(user_visible_to(actor).values_list("username", flat=True))


def test_commune_official_sees_the_users_of_their_commune_only(tree: Tree, people: People) -> None:
    assert usernames(people.commune_official) == {"xa", "thon", "congdan", "donvi"}


def test_province_official_sees_both_communes_of_the_province(tree: Tree, people: People) -> None:
    assert usernames(people.province_official) == {
        "tinh",
        "xa",
        "xakhac",
        "thon",
        "congdan",
        "donvi",
    }


def test_administrator_sees_everybody(tree: Tree, people: People) -> None:
    assert usernames(people.admin) == set(User.objects.values_list("username", flat=True))


@pytest.mark.parametrize("user", ["collector", "citizen", "organisation_head"])
def test_users_who_are_not_officials_see_only_themselves(
    tree: Tree, people: People, user: str
) -> None:
    actor = getattr(people, user)

    assert usernames(actor) == {actor.username}


def test_anonymous_sees_no_user(tree: Tree, people: People) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not user_visible_to(AnonymousUser()).exists()


def test_a_user_with_roles_in_two_communes_is_seen_from_either(tree: Tree, people: People) -> None:
    # given
    assignment_create(
        actor=people.province_official,
        user=people.other_commune_official,
        role=Role.COLLECTOR,
        unit=tree.commune,
    )

    # then
    assert "xakhac" in usernames(people.commune_official)
    assert user_visible_to(people.province_official).filter(username="xakhac").count() == 1
