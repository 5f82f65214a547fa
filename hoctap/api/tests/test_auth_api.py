"""API authentication over real HTTP: session, bearer token, X-API-Key, and refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.crypto import get_random_string

from hoctap.accounts.models import User
from hoctap.accounts.services import api_token_create, api_token_revoke
from hoctap.adminunits.models import AdminUnit, Kind
from hoctap.api.tests.http import get, post, session_cookie
from hoctap.conftest import People

PROBLEM = "application/problem+json"
NEW_HAMLET = {"name": "Bản Mòng", "kind": Kind.HIGHLAND_VILLAGE}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(live_server: Any) -> str:
    return f"{live_server.url}/api/v1"


def token_for(user: User) -> str:
    _token, raw = api_token_create(actor=user, user=user, name="tests")
    return raw


# --- who am I -------------------------------------------------------------------------------


def test_me_without_credentials_is_a_401_problem(api: str, people: People) -> None:
    response = get(api, "/me")

    assert response.status == 401
    assert response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", 401)
    assert body["title"]


def test_me_with_a_bearer_token_tells_the_user_and_their_roles(api: str, people: People) -> None:
    response = get(api, "/me", token=token_for(people.commune_official))

    body = response.json()
    assert response.status == 200
    assert body["username"] == "xa"
    assert [(r["role"], r["unit"], r["unit_name"]) for r in body["roles"]] == [
        ("commune_official", "03694", "Xã Mường Giôn")
    ]


def test_me_with_an_x_api_key_header(api: str, people: People) -> None:
    response = get(api, "/me", api_key=token_for(people.collector))

    assert response.status == 200
    assert response.json()["username"] == "thon"


def test_me_with_the_browser_session(api: str, people: People) -> None:
    response = get(api, "/me", session=session_cookie(people.province_official))

    assert response.status == 200
    assert response.json()["username"] == "tinh"


@pytest.mark.parametrize("header", ["token", "api_key"])
@pytest.mark.parametrize(
    "credential", ["revoked", "owner_locked", "bogus_with_prefix", "not_a_token", "empty"]
)
def test_unusable_tokens_are_refused_with_401(
    api: str, people: People, header: str, credential: str
) -> None:
    # given
    user = people.commune_official
    token, raw = api_token_create(actor=user, user=user, name="tests")
    if credential == "revoked":
        api_token_revoke(actor=user, token=token)
    elif credential == "owner_locked":
        User.objects.filter(pk=user.pk).update(is_active=False)
    else:
        raw = {"bogus_with_prefix": "hct_" + "x" * 43, "not_a_token": "abc", "empty": ""}[
            credential
        ]
    # when
    response = get(api, "/me", **{header: raw})
    # then
    assert response.status == 401
    assert response.content_type == PROBLEM


def test_a_used_token_records_when_it_was_last_used(api: str, people: People) -> None:
    user = people.collector
    token, raw = api_token_create(actor=user, user=user, name="tests")

    get(api, "/me", token=raw)

    token.refresh_from_db()
    assert token.last_used_at is not None


# --- writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["token", "api_key"])
def test_a_token_can_write_without_a_csrf_token(api: str, people: People, header: str) -> None:
    raw = token_for(people.commune_official)

    response = post(api, "/admin-units/03694/hamlets", NEW_HAMLET, **{header: raw})

    assert response.status == 201, response.body
    assert AdminUnit.objects.filter(parent__key="03694", name="Bản Mòng").exists()


@pytest.mark.parametrize("raw", ["hct_" + "x" * 43, "abc"])
def test_a_write_with_a_bogus_token_is_refused_with_401(api: str, people: People, raw: str) -> None:
    count = AdminUnit.objects.count()

    response = post(api, "/admin-units/03694/hamlets", NEW_HAMLET, token=raw)

    assert response.status == 401
    assert response.content_type == PROBLEM
    assert AdminUnit.objects.count() == count


def test_a_write_without_credentials_is_refused_with_401(api: str, people: People) -> None:
    count = AdminUnit.objects.count()

    response = post(api, "/admin-units/03694/hamlets", NEW_HAMLET)

    assert response.status == 401
    assert response.content_type == PROBLEM
    assert AdminUnit.objects.count() == count


def test_a_session_write_without_the_csrf_token_is_refused(api: str, people: People) -> None:
    # given: a page on another site could make the browser send this cookie
    session = session_cookie(people.commune_official)
    count = AdminUnit.objects.count()
    # when
    response = post(api, "/admin-units/03694/hamlets", NEW_HAMLET, session=session)
    # then
    assert response.status == 403
    assert response.content_type == PROBLEM
    assert AdminUnit.objects.count() == count


def test_a_session_write_with_the_csrf_token_is_accepted(api: str, people: People) -> None:
    session = session_cookie(people.commune_official)

    response = post(
        api,
        "/admin-units/03694/hamlets",
        NEW_HAMLET,
        session=session,
        csrf_token=get_random_string(32),
    )

    assert response.status == 201, response.body
    assert AdminUnit.objects.filter(parent__key="03694", name="Bản Mòng").exists()
