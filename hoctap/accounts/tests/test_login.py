"""Signing in and out, the lockout after repeated failures, and changing the password."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hoctap.accounts.models import User
from hoctap.accounts.tests.factories import PASSWORD
from hoctap.conftest import People

LOGIN_URL = "/accounts/login/"
NEW_PASSWORD = "Mat-khau-moi-rat-dai-2026"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id is not None else None


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_login_url_is_the_named_route() -> None:
    assert reverse("accounts:login") == LOGIN_URL


def test_login_page_renders(client: Client, db: Any) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert "accounts/login.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "csrfmiddlewaretoken" in content


def test_a_correct_login_signs_in_and_redirects_home(client: Client, people: People) -> None:
    response = sign_in(client, "xa", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_as(client) == people.commune_official.pk


def test_a_correct_login_follows_a_safe_next(client: Client, people: People) -> None:
    response = client.post(
        LOGIN_URL, {"username": "xa", "password": PASSWORD, "next": "/accounts/password/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_a_login_ignores_a_next_on_another_site(client: Client, people: People) -> None:
    response = client.post(
        LOGIN_URL, {"username": "xa", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_a_wrong_password_shows_the_form_again(client: Client, people: People) -> None:
    response = sign_in(client, "xa", "sai-mat-khau")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_as(client) is None


def test_an_inactive_account_cannot_sign_in(client: Client, people: People) -> None:
    User.objects.filter(pk=people.commune_official.pk).update(is_active=False)

    sign_in(client, "xa", PASSWORD)

    assert signed_in_as(client) is None


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(
    client: Client, people: People
) -> None:
    # given
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = sign_in(client, "xa", "sai-mat-khau")
        assert response.status_code == 200
    sign_in(client, "xa", "sai-mat-khau")

    # when: the sixth attempt has the right password
    response = sign_in(client, "xa", PASSWORD)

    # then
    assert signed_in_as(client) is None
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in response.templates]


def test_four_wrong_passwords_do_not_lock_the_account(client: Client, people: People) -> None:
    for _ in range(4):
        sign_in(client, "xa", "sai-mat-khau")

    response = sign_in(client, "xa", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == people.commune_official.pk


def test_a_lockout_does_not_lock_other_accounts(client: Client, people: People) -> None:
    for _ in range(5):
        sign_in(client, "xa", "sai-mat-khau")

    sign_in(client, "tinh", PASSWORD)

    assert signed_in_as(client) == people.province_official.pk


def test_logout_by_post_signs_out(client: Client, people: People) -> None:
    # given
    sign_in(client, "xa", PASSWORD)
    assert signed_in_as(client) == people.commune_official.pk

    # when
    response = client.post(reverse("accounts:logout"))

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert signed_in_as(client) is None


def test_logout_by_get_is_refused_and_keeps_the_session(client: Client, people: People) -> None:
    sign_in(client, "xa", PASSWORD)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert signed_in_as(client) == people.commune_official.pk


def test_password_change_needs_a_signed_in_user(client: Client, db: Any) -> None:
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_password_change_sets_the_new_password_and_keeps_the_session(
    client: Client, people: People
) -> None:
    # given
    sign_in(client, "xa", PASSWORD)
    assert client.get(reverse("accounts:password_change")).status_code == 200

    # when
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_as(client) == people.commune_official.pk
    user = User.objects.get(pk=people.commune_official.pk)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)

    other = Client()
    assert sign_in(other, "xa", PASSWORD).status_code == 200
    assert signed_in_as(other) is None
    sign_in(other, "xa", NEW_PASSWORD)
    assert signed_in_as(other) == people.commune_official.pk


def test_password_change_refuses_a_wrong_old_password(client: Client, people: People) -> None:
    sign_in(client, "xa", PASSWORD)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "sai-mat-khau",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert User.objects.get(pk=people.commune_official.pk).check_password(PASSWORD)


def test_password_change_refuses_a_weak_new_password(client: Client, people: People) -> None:
    sign_in(client, "xa", PASSWORD)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert User.objects.get(pk=people.commune_official.pk).check_password(PASSWORD)
