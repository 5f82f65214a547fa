"""Linking an account to its registry person (issue 4): on creation and afterwards, only a
person in the official's area, one account per person, with a clear message otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hoctap.accounts import services
from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.registry.models import Person
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

NEW_PASSWORD = "Mat-khau-moi-rat-dai-2026"
CCCD = "014080001234"
FAR_CCCD = "038080004321"


@pytest.fixture
def person(tree: Tree) -> Person:
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-100")
    return PersonFactory.create(household=household, full_name="Lò Văn Ánh", cccd=CCCD)


@pytest.fixture
def far_person(tree: Tree) -> Person:
    return PersonFactory.create(hamlet=tree.far_hamlet, full_name="Lê Văn Xa", cccd=FAR_CCCD)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vietnamese(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def new_citizen(person_field: str, username: str = "congdan.moi") -> dict[str, str]:
    return {
        "username": username,
        "full_name": "Lò Văn Ánh",
        "phone": "",
        "email": "",
        "password": NEW_PASSWORD,
        "role": Role.CITIZEN,
        "unit": "03694-001",
        "person": person_field,
    }


def state() -> tuple[Any, ...]:
    return (
        list(User.objects.order_by("pk").values_list("pk", "username", "person_id")),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


# -- services -------------------------------------------------------------------------------


def test_creating_an_account_links_it_to_a_person_of_the_area(
    people: People, tree: Tree, person: Person
) -> None:
    user = services.user_create(
        actor=people.commune_official,
        username="congdan.moi",
        password=NEW_PASSWORD,
        full_name="Lò Văn Ánh",
        role=Role.CITIZEN,
        unit=tree.hamlet,
        person=person,
    )
    assert user.person == person
    assert person.account == user
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.data["person"] == person.pk


def test_a_person_outside_the_area_is_refused_and_nothing_is_created(
    people: People, tree: Tree, far_person: Person
) -> None:
    before = state()
    with pytest.raises(BusinessError) as refused:
        services.user_create(
            actor=people.commune_official,
            username="congdan.moi",
            password=NEW_PASSWORD,
            full_name="Lê Văn Xa",
            role=Role.CITIZEN,
            unit=tree.hamlet,
            person=far_person,
        )
    assert refused.value.code == "person_out_of_scope"
    assert state() == before


def test_one_account_per_person(people: People, tree: Tree, person: Person) -> None:
    services.user_person_link(actor=people.commune_official, user=people.citizen, person=person)
    before = state()
    with pytest.raises(BusinessError) as refused:
        services.user_create(
            actor=people.commune_official,
            username="congdan.moi",
            password=NEW_PASSWORD,
            full_name="Lò Văn Ánh",
            role=Role.CITIZEN,
            unit=tree.hamlet,
            person=person,
        )
    assert refused.value.code == "person_taken"
    assert state() == before
    other = user_with_role(Role.CITIZEN, tree.hamlet, "congdan2")
    with pytest.raises(BusinessError) as again:
        services.user_person_link(actor=people.commune_official, user=other, person=person)
    assert again.value.code == "person_taken"
    assert list(User.objects.filter(person=person)) == [people.citizen]


def test_linking_again_to_the_same_person_and_unlinking(people: People, person: Person) -> None:
    linked = services.user_person_link(
        actor=people.commune_official, user=people.citizen, person=person
    )
    # Saving the same link again is not a duplicate of itself.
    again = services.user_person_link(actor=people.commune_official, user=linked, person=person)
    assert again.person == person
    unlinked = services.user_person_link(actor=people.commune_official, user=again, person=None)
    assert unlinked.person is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(people.citizen.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["user.link_person", "user.link_person", "user.unlink_person"]


@pytest.mark.parametrize("who", ["other_commune_official", "collector", "citizen"])
def test_only_who_manages_the_account_links_it(people: People, person: Person, who: str) -> None:
    target = people.citizen if who != "citizen" else people.collector
    with pytest.raises(BusinessError):
        services.user_person_link(actor=getattr(people, who), user=target, person=person)
    assert User.objects.get(pk=target.pk).person_id is None


def test_the_province_above_does_not_link_citizen_accounts(people: People, person: Person) -> None:
    # Citizens' accounts are the commune's to give (ROLE_CAN_ASSIGN); linking follows that.
    with pytest.raises(BusinessError):
        services.user_person_link(
            actor=people.province_official, user=people.citizen, person=person
        )
    assert User.objects.get(pk=people.citizen.pk).person_id is None


def test_deleting_the_person_keeps_the_account(people: People, person: Person) -> None:
    services.user_person_link(actor=people.commune_official, user=people.citizen, person=person)
    person.delete()
    assert User.objects.get(pk=people.citizen.pk).person_id is None


# -- the create page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [CCCD, "lo van anh", "#{pk}", "{pk}"], ids=["cccd", "name", "hash-number", "number"]
)
def test_the_official_picks_the_person_by_cccd_name_or_number(
    people: People, person: Person, typed: str
) -> None:
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen(typed.format(pk=person.pk))
    )
    assert response.status_code == 302
    assert User.objects.get(username="congdan.moi").person == person


def test_an_account_without_a_person_is_still_created(people: People) -> None:
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen("")
    )
    assert response.status_code == 302
    assert User.objects.get(username="congdan.moi").person_id is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (FAR_CCCD, "No person with this citizen ID or name in your area."),
        ("le van xa", "No person with this citizen ID or name in your area."),
        ("#999999", "No person with this number in your area."),
    ],
)
def test_a_person_outside_the_area_is_a_form_error_and_saves_nothing(
    people: People, far_person: Person, typed: str, message: str
) -> None:
    before = state()
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen(typed)
    )
    assert response.status_code == 422
    assert vietnamese(message) in response.content.decode()
    assert state() == before


def test_a_number_of_a_person_elsewhere_is_not_found(people: People, far_person: Person) -> None:
    before = state()
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen(f"#{far_person.pk}")
    )
    assert response.status_code == 422
    assert vietnamese("No person with this number in your area.") in response.content.decode()
    assert state() == before


def test_several_people_with_the_name_are_listed_with_their_numbers(
    people: People, tree: Tree, person: Person
) -> None:
    namesake = PersonFactory.create(hamlet=tree.other_hamlet, full_name="Lò Văn Ánh")
    before = state()
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen("Lò Văn Ánh")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"#{person.pk}" in html
    assert f"#{namesake.pk}" in html
    assert "HO-100" in html
    assert state() == before


def test_a_person_who_has_an_account_is_refused_with_a_clear_message(
    people: People, person: Person
) -> None:
    services.user_person_link(actor=people.commune_official, user=people.citizen, person=person)
    before = state()
    response = signed_in(people.commune_official).post(
        reverse("accounts:user_create"), new_citizen(CCCD)
    )
    assert response.status_code == 422
    assert (
        vietnamese("This person already has an account: one account per person.")
        in response.content.decode()
    )
    assert state() == before


# -- the link page for an existing account --------------------------------------------------


def person_url(user: User) -> str:
    return reverse("accounts:user_person", args=[user.username])


def test_anonymous_is_sent_to_log_in_from_the_link_page(people: People, person: Person) -> None:
    for response in (
        Client().get(person_url(people.citizen)),
        Client().post(person_url(people.citizen), {"person": CCCD}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=people.citizen.pk).person_id is None


@pytest.mark.parametrize(
    "who",
    [
        "other_commune_official",
        "other_province_official",
        "province_official",  # citizens' accounts are managed by their commune
        "collector",
        "citizen",
    ],
)
def test_the_link_page_is_not_found_outside_the_accounts_managers(
    people: People, person: Person, who: str
) -> None:
    target = people.citizen if who != "citizen" else people.collector
    client = signed_in(getattr(people, who))
    before = state()
    assert client.get(person_url(target)).status_code == 404
    assert client.post(person_url(target), {"person": CCCD}).status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", ["commune_official", "admin"])
def test_the_officials_above_link_and_unlink_an_account_of_their_area(
    people: People, person: Person, who: str
) -> None:
    client = signed_in(getattr(people, who))
    page = client.get(person_url(people.citizen))
    assert page.status_code == 200
    assert 'id="current-person"' in page.content.decode()

    linked = client.post(person_url(people.citizen), {"person": CCCD})
    assert linked.status_code == 302
    assert User.objects.get(pk=people.citizen.pk).person == person
    detail = client.get(reverse("accounts:user_detail", args=[people.citizen.username]))
    assert f"#{person.pk}" in detail.content.decode()

    unlinked = client.post(person_url(people.citizen), {"person": ""})
    assert unlinked.status_code == 302
    assert User.objects.get(pk=people.citizen.pk).person_id is None


def test_the_link_page_refuses_a_taken_person_and_changes_nothing(
    people: People, tree: Tree, person: Person
) -> None:
    other = user_with_role(Role.CITIZEN, tree.hamlet, "congdan2")
    services.user_person_link(actor=people.commune_official, user=other, person=person)
    before = state()
    response = signed_in(people.commune_official).post(person_url(people.citizen), {"person": CCCD})
    assert response.status_code == 422
    assert (
        vietnamese("This person already has an account: one account per person.")
        in response.content.decode()
    )
    assert state() == before


def test_the_province_above_links_an_account_it_manages(people: People, person: Person) -> None:
    # A collector of the province who is also a citizen of the hamlet.
    client = signed_in(people.province_official)
    assert client.get(person_url(people.collector)).status_code == 200
    response = client.post(person_url(people.collector), {"person": CCCD})
    assert response.status_code == 302
    assert User.objects.get(pk=people.collector.pk).person == person
