"""Who may write for which unit, and what the portal editor's role does NOT give.

An editor writes for the unit of their assignment only: not for a neighbouring commune, not
for the province above, not (as a province editor) for the province's communes. Pages answer
404 and change nothing; the services refuse with BusinessError and change nothing. The role
gives no access to the records (registry, assessments, dashboards): it is handed out by the
province's and communes' officials through the account pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.portal import services
from hoctap.portal.models import Article, Status
from hoctap.registry.models import Relation
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

SECRET_NAME = "Lò Thị Bí Mật"
SECRET_CODE = "HO-BIMAT-01"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def signed_in(client: Client, user: User) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def editor_of(unit: AdminUnit, username: str) -> User:
    return user_with_role(Role.PORTAL_EDITOR, unit, username)


def unit_of(tree: Tree, name: str) -> AdminUnit:
    unit: AdminUnit = getattr(tree, name)
    return unit


def article_of(actor: Any, unit: AdminUnit | None, *, published: bool = False) -> Article:
    article = services.article_save(
        actor,
        unit=unit,
        values={"kind": "news", "title": "Bài có sẵn", "body": "<p>Nội dung gốc</p>"},
    )
    if published:
        services.publish(actor, article, revision=article.revision)
        article.refresh_from_db()
    return article


def snapshot() -> dict[str, Any]:
    """Every row the editors' pages write, to prove a refused request changed nothing."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def post_data(revision: int) -> dict[str, Any]:
    return {"kind": "news", "title": "Bài sửa trộm", "body": "<p>x</p>", "revision": revision}


# -- editors of one unit write for that unit only -----------------------------------------------

# (the editor's unit, another unit whose pages they must not write)
OUTSIDE = [
    ("commune", "other_commune"),
    ("commune", "province"),
    ("commune", "far_commune"),
    ("province", "commune"),
    ("province", "other_commune"),
    ("province", "other_province"),
]


@pytest.mark.parametrize(("own", "other"), OUTSIDE)
def test_pages_of_another_unit_answer_404_and_change_nothing(
    client: Client, tree: Tree, people: People, own: str, other: str
) -> None:
    # given
    editor = editor_of(unit_of(tree, own), "bientap")
    target_unit = unit_of(tree, other)
    draft = article_of(people.admin, target_unit)
    published = article_of(people.admin, target_unit, published=True)
    before = snapshot()
    signed_in(client, editor)
    new_url = f"{reverse('portal:article_new')}?unit={target_unit.key}"

    # when / then
    assert client.get(new_url).status_code == 404
    assert client.post(new_url, post_data(0)).status_code == 404
    for article in (draft, published):
        edit = reverse("portal:article_edit", args=[article.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, post_data(article.revision)).status_code == 404
    publish = reverse("portal:article_publish", args=[draft.pk])
    assert client.post(publish, {"when": "now", "revision": draft.revision}).status_code == 404
    withdraw = reverse("portal:article_withdraw", args=[published.pk])
    assert client.post(withdraw, {"revision": published.revision}).status_code == 404
    assert client.get(reverse("portal:manage"), {"unit": target_unit.key}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("own", "other"), OUTSIDE)
def test_services_refuse_another_unit_and_change_nothing(
    tree: Tree, people: People, own: str, other: str
) -> None:
    editor = editor_of(unit_of(tree, own), "bientap")
    target_unit = unit_of(tree, other)
    draft = article_of(people.admin, target_unit)
    published = article_of(people.admin, target_unit, published=True)
    before = snapshot()

    with pytest.raises(BusinessError) as created:
        services.article_save(editor, unit=target_unit, values={"kind": "news", "title": "Mới"})
    with pytest.raises(BusinessError) as changed:
        services.article_save(
            editor,
            article=draft,
            revision=draft.revision,
            values={"kind": "news", "title": "Sửa"},
        )
    with pytest.raises(BusinessError) as publishing:
        services.publish(editor, draft, revision=draft.revision)
    with pytest.raises(BusinessError) as withdrawing:
        services.withdraw(editor, published, revision=published.revision)

    for refusal in (created, changed, publishing, withdrawing):
        assert refusal.value.code == "scope"
    assert snapshot() == before


@pytest.mark.parametrize("own", ["commune", "province"])
def test_an_editor_writes_publishes_and_withdraws_for_their_own_unit(
    client: Client, tree: Tree, own: str
) -> None:
    unit = unit_of(tree, own)
    editor = editor_of(unit, "bientap")
    signed_in(client, editor)

    created = client.post(
        f"{reverse('portal:article_new')}?unit={unit.key}",
        {"kind": "news", "title": "Bài của đơn vị", "body": "<p>x</p>"},
    )
    article = Article.objects.get()
    edited = client.post(
        reverse("portal:article_edit", args=[article.pk]),
        {"kind": "guidance", "title": "Hướng dẫn", "body": "<p>y</p>", "revision": 1},
    )
    published = client.post(
        reverse("portal:article_publish", args=[article.pk]), {"when": "now", "revision": 2}
    )
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    withdrawn = client.post(reverse("portal:article_withdraw", args=[article.pk]), {"revision": 3})

    article.refresh_from_db()
    assert [r.status_code for r in (created, edited, published, withdrawn)] == [302] * 4
    assert article.unit == unit
    assert article.title == "Hướng dẫn"
    assert article.status == Status.DRAFT
    assert article.revision == 4


@pytest.mark.parametrize("official", ["province_official", "commune_official", "collector"])
def test_officials_without_the_editor_role_do_not_write_the_communes_pages(
    client: Client, tree: Tree, people: People, official: str
) -> None:
    article = article_of(people.admin, tree.commune)
    before = snapshot()
    signed_in(client, getattr(people, official))

    new_url = f"{reverse('portal:article_new')}?unit={tree.commune.key}"
    assert client.get(new_url).status_code == 404
    assert client.post(new_url, post_data(0)).status_code == 404
    edit = reverse("portal:article_edit", args=[article.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, post_data(1)).status_code == 404
    publish = reverse("portal:article_publish", args=[article.pk])
    assert client.post(publish, {"when": "now", "revision": 1}).status_code == 404
    assert snapshot() == before


def test_a_system_administrator_writes_for_the_country(client: Client, people: People) -> None:
    signed_in(client, people.admin)

    response = client.post(
        reverse("portal:article_new"), {"kind": "legal", "title": "Quyết định 1373/QĐ-TTg"}
    )
    article = Article.objects.get()
    client.post(
        reverse("portal:article_publish", args=[article.pk]), {"when": "now", "revision": 1}
    )

    article.refresh_from_db()
    assert response.status_code == 302
    assert article.unit is None
    assert article.unit_path == ""
    assert article.status == Status.PUBLISHED


def test_a_system_administrator_writes_for_a_commune_but_not_a_hamlet(
    client: Client, tree: Tree, people: People
) -> None:
    signed_in(client, people.admin)
    base = reverse("portal:article_new")

    commune = client.post(f"{base}?unit={tree.commune.key}", {"kind": "news", "title": "Tin"})
    hamlet = client.post(f"{base}?unit={tree.hamlet.key}", {"kind": "news", "title": "Tin"})
    unknown = client.get(f"{base}?unit=00000")

    assert commune.status_code == 302
    assert Article.objects.get().unit == tree.commune
    assert hamlet.status_code == 404
    assert unknown.status_code == 404
    assert Article.objects.count() == 1


def test_a_national_article_is_not_for_a_province_editor(
    client: Client, tree: Tree, people: People
) -> None:
    article = article_of(people.admin, None)
    editor = editor_of(tree.province, "bientaptinh")
    signed_in(client, editor)

    assert client.get(reverse("portal:article_edit", args=[article.pk])).status_code == 404
    # without a key the province editor writes for their one unit, never the country
    client.post(reverse("portal:article_new"), {"kind": "news", "title": "Tin của tỉnh"})
    assert Article.objects.get(title="Tin của tỉnh").unit == tree.province


@pytest.mark.parametrize(
    ("method", "name", "with_pk"),
    [
        ("get", "portal:manage", False),
        ("get", "portal:article_new", False),
        ("post", "portal:article_new", False),
        ("get", "portal:article_edit", True),
        ("post", "portal:article_edit", True),
        ("post", "portal:article_publish", True),
        ("post", "portal:article_withdraw", True),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, tree: Tree, people: People, method: str, name: str, with_pk: bool
) -> None:
    article = article_of(people.admin, tree.commune, published=True)
    before = snapshot()
    url = reverse(name, args=[article.pk] if with_pk else [])

    response = getattr(client, method)(url, post_data(article.revision) if method == "post" else {})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    assert snapshot() == before


# -- the editor's role gives no access to the records ------------------------------------------


@pytest.fixture
def records(tree: Tree) -> dict[str, Any]:
    household = HouseholdFactory.create(hamlet=tree.hamlet, code=SECRET_CODE)
    person = PersonFactory.create(
        household=household, full_name=SECRET_NAME, relation=Relation.HEAD
    )
    assessment = make_assessment(household=household)
    return {"household": household, "person": person, "assessment": assessment}


def record_pages(tree: Tree, records: dict[str, Any]) -> dict[str, str]:
    return {
        "people": reverse("registry:people"),
        "households": reverse("registry:household_list"),
        "people_csv": reverse("registry:people_export_csv"),
        "person": reverse("registry:person_detail", args=[records["person"].pk]),
        "household": reverse("registry:household_detail", args=[records["household"].pk]),
        "work_list": reverse("assessments:work_list"),
        "assessment": reverse("assessments:detail", args=[records["assessment"].pk]),
        "country_dashboard": reverse("targets:country_dashboard"),
        "commune_dashboard": reverse("targets:dashboard", args=[tree.commune.key]),
        "province_dashboard": reverse("targets:dashboard", args=[tree.province.key]),
    }


# Lists answer with nothing in them; a record's own page and the dashboards answer 404.
EMPTY_LISTS = {"people", "households", "people_csv", "work_list"}


def test_a_commune_editor_sees_no_records(
    client: Client, tree: Tree, people: People, records: dict[str, Any]
) -> None:
    editor = editor_of(tree.commune, "bientap")
    pages = record_pages(tree, records)

    # the same pages show the records to the commune's official (so the check below means
    # something) ...
    official = signed_in(Client(), people.commune_official)
    assert SECRET_NAME in official.get(pages["people"]).content.decode()
    assert SECRET_CODE in official.get(pages["households"]).content.decode()
    assert official.get(pages["person"]).status_code == 200
    assert official.get(pages["commune_dashboard"]).status_code == 200

    # ... and nothing to its editor
    signed_in(client, editor)
    for name, url in pages.items():
        response = client.get(url)
        if name in EMPTY_LISTS:
            content = response.getvalue()
            assert response.status_code == 200, name
            assert SECRET_NAME.encode() not in content, name
            assert SECRET_CODE.encode() not in content, name
        else:
            assert response.status_code == 404, name


def test_the_editor_role_does_not_count_as_a_scope(tree: Tree) -> None:
    from hoctap.accounts.scope import path_in_scope, scope_paths

    editor = editor_of(tree.commune, "bientap")

    assert scope_paths(editor) == []
    assert scope_paths(editor, (Role.PORTAL_EDITOR,)) == [tree.commune.path]
    assert not path_in_scope(editor, tree.hamlet.path)


# -- officials hand out the role through the account pages ------------------------------------


def new_account(role: str, unit: str, username: str = "bientapmoi") -> dict[str, str]:
    return {
        "username": username,
        "full_name": "Cầm Thị Biên",
        "phone": "",
        "email": "",
        "password": "Mat-khau-bien-tap-2026",
        "role": role,
        "unit": unit,
    }


@pytest.mark.parametrize(
    ("official", "unit_key"),
    [
        ("province_official", "14"),
        ("province_official", "03694"),
        ("province_official", "03646"),
        ("commune_official", "03694"),
    ],
)
def test_an_official_creates_an_editor_in_their_area(
    client: Client, tree: Tree, people: People, official: str, unit_key: str
) -> None:
    signed_in(client, getattr(people, official))

    form = client.get(reverse("accounts:user_create")).content.decode()
    response = client.post(
        reverse("accounts:user_create"), new_account(Role.PORTAL_EDITOR, unit_key)
    )

    created = User.objects.get(username="bientapmoi")
    assignment = RoleAssignment.objects.get(user=created)
    assert f'value="{Role.PORTAL_EDITOR.value}"' in form
    assert response.status_code == 302
    assert assignment.role == Role.PORTAL_EDITOR
    assert assignment.unit is not None
    assert assignment.unit.key == unit_key
    # the new editor writes for that unit
    writer = signed_in(Client(), created)
    assert writer.get(f"{reverse('portal:article_new')}?unit={unit_key}").status_code == 200


@pytest.mark.parametrize(
    ("official", "unit_key"),
    [
        ("commune_official", "03646"),  # another commune
        ("commune_official", "14"),  # the province above
        ("province_official", "38"),  # another province
        ("province_official", "16279"),  # a commune of another province
        ("commune_official", "03694-001"),  # a hamlet: editors are of a commune or province
    ],
)
def test_an_official_cannot_create_an_editor_outside_their_area(
    client: Client, tree: Tree, people: People, official: str, unit_key: str
) -> None:
    accounts_before = User.objects.count()
    signed_in(client, getattr(people, official))

    response = client.post(
        reverse("accounts:user_create"), new_account(Role.PORTAL_EDITOR, unit_key)
    )

    assert response.status_code == 422
    assert User.objects.count() == accounts_before
    assert not RoleAssignment.objects.filter(role=Role.PORTAL_EDITOR).exists()


def test_a_commune_official_adds_the_editor_role_to_a_collector(
    client: Client, tree: Tree, people: People
) -> None:
    signed_in(client, people.commune_official)
    url = reverse("accounts:user_detail", args=[people.collector.username])

    response = client.post(url, {"role": Role.PORTAL_EDITOR, "unit": tree.commune.key})

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=people.collector, role=Role.PORTAL_EDITOR, unit=tree.commune
    ).exists()
    writer = signed_in(Client(), people.collector)
    assert writer.get(f"{reverse('portal:article_new')}?unit=03694").status_code == 200
    assert writer.get(f"{reverse('portal:article_new')}?unit=03646").status_code == 404


def test_citizens_and_editors_cannot_hand_out_the_role(
    client: Client, tree: Tree, people: People
) -> None:
    editor = editor_of(tree.commune, "bientap")
    for user in (editor, people.citizen, people.collector):
        response = signed_in(Client(), user).post(
            reverse("accounts:user_create"), new_account(Role.PORTAL_EDITOR, "03694")
        )
        assert response.status_code == 404
    assert not User.objects.filter(username="bientapmoi").exists()


def test_the_menu_of_an_editor_leads_to_the_portal_pages_not_the_records(
    client: Client, tree: Tree
) -> None:
    editor = editor_of(tree.commune, "bientap")

    html = signed_in(client, editor).get(reverse("core:home")).content.decode()

    assert f'href="{reverse("portal:manage")}"' in html
    assert f'href="{reverse("registry:people")}"' not in html
    assert f'href="{reverse("assessments:work_list")}"' not in html
