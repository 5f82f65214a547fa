"""Account pages: the role × scope matrix for users, roles, tokens and passwords."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hoctap.accounts.models import ApiToken, Role, RoleAssignment, User
from hoctap.accounts.services import api_token_create
from hoctap.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent

NEW_PASSWORD = "Mat-khau-moi-rat-dai-2026"
NOT_MANAGERS = ["collector", "citizen", "organisation_head"]


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
    """Every row the account pages may write, to prove a refused request changed nothing.

    last_login is left out: signing the acting user in sets it.
    """
    return {
        "users": [
            {name: value for name, value in row.items() if name != "last_login"}
            for row in User.objects.order_by("pk").values()
        ],
        "assignments": list(RoleAssignment.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def detail_url(user: User) -> str:
    return reverse("accounts:user_detail", args=[user.username])


def revoke_url(assignment: RoleAssignment) -> str:
    return reverse("accounts:assignment_revoke", args=[assignment.user.username, assignment.pk])


def toggle_url(user: User) -> str:
    return reverse("accounts:user_toggle_active", args=[user.username])


def assignment_of(user: User) -> RoleAssignment:
    return RoleAssignment.objects.select_related("user").get(user=user)


def new_user_data(role: str, unit: str, username: str = "nguoimoi") -> dict[str, str]:
    return {
        "username": username,
        "full_name": "Lò Thị Mai",
        "phone": "0912345678",
        "email": "",
        "password": NEW_PASSWORD,
        "role": role,
        "unit": unit,
    }


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "accounts:user_list", []),
        ("get", "accounts:user_create", []),
        ("post", "accounts:user_create", []),
        ("get", "accounts:user_detail", ["thon"]),
        ("post", "accounts:user_detail", ["thon"]),
        ("post", "accounts:user_toggle_active", ["thon"]),
        ("post", "accounts:assignment_revoke", ["thon", "assignment"]),
        ("get", "accounts:api_tokens", []),
        ("post", "accounts:api_tokens", []),
        ("post", "accounts:api_token_revoke", ["token"]),
        ("get", "accounts:password_change", []),
        ("post", "accounts:password_change", []),
    ],
)
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(
    client: Client, people: People, method: str, url_name: str, args: list[str]
) -> None:
    # given
    token, _raw = api_token_create(actor=people.collector, user=people.collector, name="x")
    ids = {"assignment": str(assignment_of(people.collector).pk), "token": str(token.pk)}
    url = reverse(url_name, args=[ids.get(arg, arg) for arg in args])
    before = database_state()
    # when
    data = {
        **new_user_data(Role.CITIZEN, "03694-001"),
        "name": "script",
        "old_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    response = client.post(url, data) if method == "post" else client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert database_state() == before


# --- user list ------------------------------------------------------------------------------


def listed_usernames(response: Any) -> set[str]:
    return {u.username for u in response.context["users"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("commune_official", {"xa", "thon", "congdan", "donvi"}),
        ("other_commune_official", {"xakhac"}),
        ("province_official", {"tinh", "xa", "xakhac", "thon", "congdan", "donvi"}),
        ("other_province_official", {"tinhkhac"}),
        (
            "admin",
            {"quantri", "tinh", "xa", "xakhac", "tinhkhac", "thon", "congdan", "donvi"},
        ),
    ],
)
def test_user_list_shows_only_accounts_in_scope(
    client: Client, people: People, role: str, expected: set[str]
) -> None:
    response = signed_in(client, getattr(people, role)).get(reverse("accounts:user_list"))

    assert response.status_code == 200
    assert listed_usernames(response) == expected
    content = response.content.decode()
    for username in {"quantri", "tinh", "xa", "xakhac", "tinhkhac", "thon"} - expected:
        assert f'href="{reverse("accounts:user_detail", args=[username])}"' not in content


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_user_pages_are_not_found_for_people_who_manage_no_accounts(
    client: Client, people: People, role: str
) -> None:
    # given
    before = database_state()
    signed_in(client, getattr(people, role))
    # when
    responses = [
        client.get(reverse("accounts:user_list")),
        client.get(reverse("accounts:user_create")),
        client.post(reverse("accounts:user_create"), new_user_data(Role.CITIZEN, "03694-001")),
        client.get(detail_url(people.citizen)),
        client.post(detail_url(people.citizen), {"role": Role.CITIZEN, "unit": "03694-002"}),
        client.post(toggle_url(people.citizen)),
        client.post(revoke_url(assignment_of(people.citizen))),
    ]
    # then
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert database_state() == before


def test_user_list_search_ignores_diacritics_and_returns_the_htmx_partial(
    client: Client, people: People, tree: Tree
) -> None:
    # given
    hoa = UserFactory.create(username="hoa", full_name="Trần Thị Hoà")
    RoleAssignment.objects.create(user=hoa, role=Role.CITIZEN, unit=tree.hamlet)
    # when
    response = signed_in(client, people.commune_official).get(
        reverse("accounts:user_list"),
        {"q": "tran thi HOA"},
        headers={"HX-Request": "true", "HX-Target": "user-rows"},
    )
    # then
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="user-rows"')
    assert f'href="{detail_url(hoa)}"' in content
    assert f'href="{detail_url(people.collector)}"' not in content
    assert "<html" not in content


# Measured 8 queries; the slack leaves room for one more lookup, not for one per row.
# Plus one: the header's unread-notification count (hoctap.core.context_processors).
USER_LIST_BUDGET = 11


def test_user_list_query_count_does_not_grow_with_the_accounts(
    client: Client, people: People, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    def add_collectors(count: int, start: int) -> None:
        for number in range(start, start + count):
            user = UserFactory.create(username=f"thuthap{number:02d}")
            RoleAssignment.objects.create(user=user, role=Role.COLLECTOR, unit=tree.other_hamlet)
            RoleAssignment.objects.create(user=user, role=Role.CITIZEN, unit=tree.hamlet)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 200
        return len(queries.captured_queries)

    # given: the 4 fixture accounts of the commune plus 3, then plus 30
    signed_in(client, people.commune_official)
    add_collectors(3, start=0)
    with_three = count_queries()
    add_collectors(27, start=3)
    # when
    with django_assert_max_num_queries(USER_LIST_BUDGET):
        with_thirty = count_queries()
    # then
    assert with_thirty == with_three


# --- user create ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "new_role", "unit"),
    [
        ("commune_official", Role.COLLECTOR, "03694-001"),
        ("commune_official", Role.CITIZEN, "03694"),
        ("province_official", Role.COMMUNE_OFFICIAL, "03646"),
        ("province_official", Role.COLLECTOR, "03694-002"),
        ("admin", Role.PROVINCE_OFFICIAL, "38"),
    ],
)
def test_officials_create_an_account_inside_their_scope(
    client: Client, people: People, role: str, new_role: str, unit: str
) -> None:
    # when
    response = signed_in(client, getattr(people, role)).post(
        reverse("accounts:user_create"), new_user_data(new_role, unit)
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=["nguoimoi"])
    created = User.objects.get(username="nguoimoi")
    assert created.full_name == "Lò Thị Mai"
    assert created.check_password(NEW_PASSWORD)
    assignment = RoleAssignment.objects.get(user=created)
    assert (assignment.role, assignment.unit.key if assignment.unit else None) == (new_role, unit)


def test_user_create_page_offers_only_roles_the_official_may_give(
    client: Client, people: People
) -> None:
    response = signed_in(client, people.commune_official).get(reverse("accounts:user_create"))

    assert response.status_code == 200
    offered = {value for value, _label in response.context["form"].fields["role"].choices}
    assert offered == {Role.COLLECTOR, Role.ORGANISATION_HEAD, Role.CITIZEN, Role.PORTAL_EDITOR}


@pytest.mark.parametrize(
    ("role", "new_role", "unit"),
    [
        ("commune_official", Role.COLLECTOR, "03646-001"),  # another commune's hamlet
        ("commune_official", Role.CITIZEN, "16279"),  # another province
        ("other_commune_official", Role.COLLECTOR, "03694-001"),
        ("province_official", Role.COMMUNE_OFFICIAL, "16279"),  # another province
        ("other_province_official", Role.COMMUNE_OFFICIAL, "03694"),
        ("province_official", Role.COLLECTOR, "no-such-unit"),
    ],
)
def test_user_create_with_a_unit_outside_scope_shows_a_form_error_and_saves_nothing(
    client: Client, people: People, role: str, new_role: str, unit: str
) -> None:
    # given
    before = database_state()
    # when
    response = signed_in(client, getattr(people, role)).post(
        reverse("accounts:user_create"), new_user_data(new_role, unit)
    )
    # then
    assert response.status_code == 422
    assert response.context["form"].errors["unit"] == [
        vietnamese("No unit with this code in your area.")
    ]
    assert database_state() == before


@pytest.mark.parametrize(
    ("role", "new_role", "unit"),
    [
        ("commune_official", Role.COMMUNE_OFFICIAL, "03694"),  # a role above what they give
        ("commune_official", Role.PROVINCE_OFFICIAL, "14"),
        ("province_official", Role.COMMUNE_OFFICIAL, "03694-001"),  # wrong level
        ("province_official", Role.CITIZEN, "03694"),  # citizens are the commune's to make
        ("province_official", Role.SYSTEM_ADMIN, ""),
    ],
)
def test_user_create_refuses_a_role_the_official_may_not_give(
    client: Client, people: People, role: str, new_role: str, unit: str
) -> None:
    before = database_state()

    response = signed_in(client, getattr(people, role)).post(
        reverse("accounts:user_create"), new_user_data(new_role, unit)
    )

    assert response.status_code == 422
    assert response.context["form"].errors
    assert database_state() == before


def test_user_create_refuses_a_taken_user_name(client: Client, people: People) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        reverse("accounts:user_create"), new_user_data(Role.CITIZEN, "03694-001", username="THON")
    )

    assert response.status_code == 422
    expected = vietnamese("The user name “%(username)s” is already taken.") % {"username": "thon"}
    assert expected in response.content.decode()
    assert database_state() == before


# --- user detail and adding a role ----------------------------------------------------------


@pytest.mark.parametrize("role", ["commune_official", "province_official", "admin"])
def test_officials_see_an_account_of_their_area(client: Client, people: People, role: str) -> None:
    response = signed_in(client, getattr(people, role)).get(detail_url(people.collector))

    assert response.status_code == 200
    assert response.context["target"] == people.collector
    assert response.context["can_manage"] is True
    assert revoke_url(assignment_of(people.collector)) in response.content.decode()


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("other_commune_official", "collector"),
        ("other_commune_official", "commune_official"),
        ("other_province_official", "collector"),
        ("commune_official", "province_official"),
        ("commune_official", "other_commune_official"),
        ("province_official", "other_province_official"),
        ("province_official", "admin"),
    ],
)
def test_accounts_outside_scope_are_not_found_and_stay_unchanged(
    client: Client, people: People, role: str, target: str
) -> None:
    # given
    user = getattr(people, target)
    before = database_state()
    signed_in(client, getattr(people, role))
    # when
    responses = [
        client.get(detail_url(user)),
        client.post(detail_url(user), {"role": Role.CITIZEN, "unit": "03646-001"}),
        client.post(toggle_url(user)),
        client.post(revoke_url(assignment_of(user))),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert database_state() == before


@pytest.mark.parametrize(
    ("role", "new_role", "unit"),
    [
        ("commune_official", Role.CITIZEN, "03694-002"),
        ("province_official", Role.ORGANISATION_HEAD, "03646"),
        ("admin", Role.CITIZEN, "16279-001"),
    ],
)
def test_officials_add_a_role_to_an_account_of_their_area(
    client: Client, people: People, role: str, new_role: str, unit: str
) -> None:
    response = signed_in(client, getattr(people, role)).post(
        detail_url(people.collector), {"role": new_role, "unit": unit}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(people.collector)
    added = RoleAssignment.objects.active().get(user=people.collector, role=new_role)
    assert added.unit is not None
    assert added.unit.key == unit


def test_adding_a_role_at_a_unit_outside_scope_is_refused(client: Client, people: People) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        detail_url(people.collector), {"role": Role.CITIZEN, "unit": "03646-001"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["unit"] == [
        vietnamese("No unit with this code in your area.")
    ]
    assert database_state() == before


def test_an_official_cannot_give_themselves_a_role(client: Client, people: People) -> None:
    # given: officials see their own account, but may not manage it
    before = database_state()
    signed_in(client, people.commune_official)
    # when
    page = client.get(detail_url(people.commune_official))
    response = client.post(
        detail_url(people.commune_official), {"role": Role.ORGANISATION_HEAD, "unit": "03694"}
    )
    # then
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert response.status_code == 404
    assert database_state() == before


def test_an_official_cannot_add_a_role_to_an_account_they_see_but_do_not_manage(
    client: Client, people: People
) -> None:
    # given: a citizen of the province's commune; citizens are the commune official's to manage
    before = database_state()
    signed_in(client, people.province_official)
    # when
    page = client.get(detail_url(people.citizen))
    response = client.post(
        detail_url(people.citizen), {"role": Role.COLLECTOR, "unit": "03694-001"}
    )
    # then
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert response.status_code == 404
    assert database_state() == before


# --- revoking a role ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commune_official", "province_official", "admin"])
def test_officials_revoke_a_role_in_their_area(client: Client, people: People, role: str) -> None:
    assignment = assignment_of(people.collector)

    response = signed_in(client, getattr(people, role)).post(revoke_url(assignment))

    assert response.status_code == 302
    assert response["Location"] == detail_url(people.collector)
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None


def test_revoking_a_role_of_another_account_through_a_tampered_url_is_not_found(
    client: Client, people: People
) -> None:
    # given: the URL names the collector but the id belongs to the other commune's official
    foreign = assignment_of(people.other_commune_official)
    url = reverse("accounts:assignment_revoke", args=[people.collector.username, foreign.pk])
    before = database_state()
    # when
    response = signed_in(client, people.commune_official).post(url)
    # then
    assert response.status_code == 404
    assert database_state() == before


def test_an_official_cannot_revoke_their_own_role(client: Client, people: People) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        revoke_url(assignment_of(people.commune_official)), follow=True
    )

    assert response.status_code == 200
    with translation.override("vi"):
        refusal = translation.gettext("You may not give the role “%(role)s” at this unit.") % {
            "role": Role.COMMUNE_OFFICIAL.label
        }
    assert refusal in response.content.decode()
    assert database_state() == before


def test_revoking_only_accepts_post(client: Client, people: People) -> None:
    response = signed_in(client, people.commune_official).get(
        revoke_url(assignment_of(people.collector))
    )

    assert response.status_code == 405


# --- locking and unlocking ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commune_official", "province_official", "admin"])
def test_officials_lock_and_unlock_an_account_of_their_area(
    client: Client, people: People, role: str
) -> None:
    signed_in(client, getattr(people, role))

    locked = client.post(toggle_url(people.collector))
    people.collector.refresh_from_db()
    assert locked.status_code == 302
    assert people.collector.is_active is False

    unlocked = client.post(toggle_url(people.collector))
    people.collector.refresh_from_db()
    assert unlocked.status_code == 302
    assert people.collector.is_active is True


def test_an_official_cannot_lock_their_own_account(client: Client, people: People) -> None:
    before = database_state()

    response = signed_in(client, people.commune_official).post(
        toggle_url(people.commune_official), follow=True
    )

    assert response.status_code == 200
    assert vietnamese("You may not manage this account.") in response.content.decode()
    assert database_state() == before


# --- API tokens -----------------------------------------------------------------------------


def test_tokens_page_lists_only_the_users_own_tokens(client: Client, people: People) -> None:
    api_token_create(actor=people.collector, user=people.collector, name="Bảng tính thôn")
    api_token_create(actor=people.citizen, user=people.citizen, name="Của người khác")

    response = signed_in(client, people.collector).get(reverse("accounts:api_tokens"))

    assert response.status_code == 200
    assert [t.name for t in response.context["tokens"]] == ["Bảng tính thôn"]
    assert "Của người khác" not in response.content.decode()


def test_creating_a_token_shows_its_value_once_and_stores_only_the_digest(
    client: Client, people: People
) -> None:
    signed_in(client, people.collector)

    response = client.post(reverse("accounts:api_tokens"), {"name": "Bảng tính"})

    raw = response.context["raw"]
    token = ApiToken.objects.get(user=people.collector)
    assert response.status_code == 200
    assert raw in response.content.decode()
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in token.digest
    assert raw not in client.get(reverse("accounts:api_tokens")).content.decode()


def test_users_revoke_their_own_token(client: Client, people: People) -> None:
    token, _raw = api_token_create(actor=people.collector, user=people.collector, name="x")

    response = signed_in(client, people.collector).post(
        reverse("accounts:api_token_revoke", args=[token.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("role", ["commune_official", "admin", "citizen"])
def test_revoking_someone_elses_token_is_not_found(
    client: Client, people: People, role: str
) -> None:
    # given: not even the admin revokes another person's token through this page
    token, _raw = api_token_create(actor=people.collector, user=people.collector, name="x")
    before = database_state()
    # when
    response = signed_in(client, getattr(people, role)).post(
        reverse("accounts:api_token_revoke", args=[token.pk])
    )
    # then
    assert response.status_code == 404
    assert database_state() == before


# --- password change ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["citizen", "commune_official"])
def test_users_change_their_password(client: Client, people: People, role: str) -> None:
    user = getattr(people, role)
    signed_in(client, user)
    assert client.get(reverse("accounts:password_change")).status_code == 200

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(
    client: Client, people: People
) -> None:
    before = database_state()

    response = signed_in(client, people.citizen).post(
        reverse("accounts:password_change"),
        {
            "old_password": "sai-mat-khau",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert database_state() == before


def test_locked_out_users_cannot_reach_their_pages(client: Client, tree: Tree) -> None:
    # given: an account locked by its official keeps no session
    user = user_with_role(Role.COMMUNE_OFFICIAL, units.commune(tree.province, "Xã Chiềng Ngần"))
    signed_in(client, user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # when
    response = client.get(reverse("accounts:user_list"))
    # then
    assert response.status_code == 302
    assert response["Location"] == login_redirect(reverse("accounts:user_list"))
