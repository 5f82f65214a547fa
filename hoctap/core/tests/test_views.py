"""The home page per role and scope, and the health check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hoctap.conftest import People, Tree


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def unit_link(key: str) -> str:
    return f'href="{reverse("adminunits:detail", args=[key])}"'


def test_home_sends_anonymous_visitors_to_the_public_portal(client: Client) -> None:
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("admin", ["14", "38"], []),
        ("province_official", ["14"], ["38", "16279"]),
        ("other_province_official", ["38"], ["14", "03694"]),
        ("commune_official", ["03694"], ["14", "03646", "38"]),
        ("other_commune_official", ["03646"], ["03694", "14", "38"]),
        ("collector", ["03694-001"], ["03694", "03694-002"]),
        ("citizen", ["03694-001"], ["03694", "03694-002"]),
    ],
)
def test_home_shows_each_user_only_their_own_area(
    client: Client, people: People, role: str, shown: list[str], hidden: list[str]
) -> None:
    client.force_login(getattr(people, role))

    response = client.get(reverse("core:home"))

    content = response.content.decode()
    assert response.status_code == 200
    for key in shown:
        assert unit_link(key) in content
    for key in hidden:
        assert unit_link(key) not in content


def test_home_of_a_commune_official_counts_only_their_hamlets(
    client: Client, people: People, tree: Tree
) -> None:
    client.force_login(people.commune_official)

    response = client.get(reverse("core:home"))

    assert [(a["unit"].key, a["hamlets"]) for a in response.context["areas"]] == [
        (tree.commune.key, 2)
    ]


def test_home_of_a_province_official_counts_the_communes_and_hamlets_of_the_province(
    client: Client, people: People, tree: Tree
) -> None:
    client.force_login(people.province_official)

    response = client.get(reverse("core:home"))

    assert [(a["unit"].key, a["communes"], a["hamlets"]) for a in response.context["areas"]] == [
        (tree.province.key, 2, 3)
    ]


@pytest.mark.parametrize(("role", "offered"), [("commune_official", True), ("citizen", False)])
def test_home_offers_user_management_only_to_those_who_manage_accounts(
    client: Client, people: People, role: str, offered: bool
) -> None:
    client.force_login(getattr(people, role))

    response = client.get(reverse("core:home"))

    assert (f'href="{reverse("accounts:user_list")}"' in response.content.decode()) is offered


@pytest.mark.django_db
def test_health_check_answers_without_signing_in(client: Client) -> None:
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
