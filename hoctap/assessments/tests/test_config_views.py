"""The rules and deadlines pages: the role × scope matrix (anonymous, roles that do not
configure, a province official on their own and on another province, the administrator
nationwide), forms that refuse bad input and change nothing, the override chain as shown,
the menu link, and the Django admin for superusers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import UserFactory
from hoctap.assessments import permissions, rules
from hoctap.assessments.models import Deadline, State, Title, WorkflowRule
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FAMILY = Title.LEARNING_FAMILY
RULES = reverse("assessments:config_rules")
DEADLINES = reverse("assessments:config_deadlines")
REMOVE = reverse("assessments:config_deadline_remove")
APPRAISE_URL = reverse("assessments:config_rule_edit", args=[FAMILY, permissions.APPRAISE])
NOT_CONFIGURING = ("commune_official", "other_commune_official", "collector", "citizen")


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def state() -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    return (
        sorted(WorkflowRule.objects.values_list("title", "action", "role", "province_id")),
        sorted(
            Deadline.objects.values_list("title", "step", "day", "month", "province_id"),
            key=str,
        ),
        AuditEvent.objects.count(),
    )


def rule_post(province: str, roles: list[str], **extra: str) -> dict[str, Any]:
    return {"province": province, "roles": roles, **extra}


def deadline_post(province: str, **changes: Any) -> dict[str, Any]:
    return {
        "province": province,
        "title": FAMILY,
        "step": State.SUBMITTED,
        "day": "30",
        "month": "11",
        "year_offset": "0",
        "source": "KH 45/KH-UBND",
        **changes,
    }


def national_deadline(people: People) -> Deadline:
    return rules.deadline_set(
        actor=people.admin, title=FAMILY, step=State.SUBMITTED, month=11, day=30, year_offset=0
    )


# -- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [RULES, APPRAISE_URL, DEADLINES])
def test_anonymous_is_sent_to_log_in_from_every_page(url: str, tree: Tree) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (APPRAISE_URL, rule_post("", [Role.COLLECTOR])),
        (DEADLINES, deadline_post("")),
        (REMOVE, {"province": "", "title": FAMILY, "step": State.SUBMITTED}),
    ],
)
def test_anonymous_posts_change_nothing(
    url: str, data: dict[str, Any], tree: Tree, people: People
) -> None:
    national_deadline(people)
    before = state()
    response = client_for(None).post(url, data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert state() == before


# -- roles that do not configure ------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_CONFIGURING)
@pytest.mark.parametrize("url", [RULES, APPRAISE_URL, DEADLINES])
def test_pages_look_missing_to_roles_that_do_not_configure(
    who: str, url: str, tree: Tree, people: People
) -> None:
    client = client_for(getattr(people, who))
    assert client.get(url).status_code == 404
    assert client.get(url, {"province": tree.province.key}).status_code == 404


@pytest.mark.parametrize("who", NOT_CONFIGURING)
@pytest.mark.parametrize("where", ["", "14"])
def test_roles_that_do_not_configure_change_nothing(
    who: str, where: str, tree: Tree, people: People
) -> None:
    national_deadline(people)
    before = state()
    client = client_for(getattr(people, who))
    responses = [
        client.post(APPRAISE_URL, rule_post(where, [Role.COLLECTOR])),
        client.post(APPRAISE_URL, rule_post(where, [], reset="1")),
        client.post(DEADLINES, deadline_post(where, day="5", month="12")),
        client.post(REMOVE, {"province": where, "title": FAMILY, "step": State.SUBMITTED}),
    ]
    assert [response.status_code for response in responses] == [404] * 4
    assert state() == before


def test_the_menu_link_shows_only_to_those_who_configure(tree: Tree, people: People) -> None:
    work_list = reverse("assessments:work_list")
    for who in ("province_official", "admin"):
        page = client_for(getattr(people, who)).get(work_list).content.decode()
        assert 'id="config-link"' in page, who
    for who in ("commune_official", "collector"):
        page = client_for(getattr(people, who)).get(work_list).content.decode()
        assert 'id="config-link"' not in page, who


# -- a province official: their own province only -------------------------------------------


def test_a_province_official_lands_on_their_own_province(tree: Tree, people: People) -> None:
    for who, province in (
        ("province_official", tree.province),
        ("other_province_official", tree.other_province),
    ):
        client = client_for(getattr(people, who))
        for url in (RULES, DEADLINES, APPRAISE_URL):
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'data-province="{province.key}"' in response.content.decode()


def test_a_province_official_may_not_open_another_province_or_nationwide_by_key(
    tree: Tree, people: People
) -> None:
    client = client_for(people.province_official)
    for url in (RULES, DEADLINES, APPRAISE_URL):
        assert client.get(url, {"province": tree.other_province.key}).status_code == 404
        # a commune is no province either, even inside their own
        assert client.get(url, {"province": tree.commune.key}).status_code == 404


def test_a_province_official_sets_and_resets_their_own_provinces_rule(
    tree: Tree, people: People
) -> None:
    client = client_for(people.province_official)
    response = client.post(
        APPRAISE_URL, rule_post(tree.province.key, [Role.COLLECTOR, Role.COMMUNE_OFFICIAL])
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{RULES}?province=14")
    assert sorted(WorkflowRule.objects.values_list("role", "province_id")) == [
        (Role.COLLECTOR, tree.province.pk),
        (Role.COMMUNE_OFFICIAL, tree.province.pk),
    ]
    page = client.get(RULES).content.decode()
    assert f'data-title="{FAMILY}" data-action="appraise" data-source="province"' in page
    assert f'data-title="{FAMILY}" data-action="propose" data-source="default"' in page
    # the edit page shows the chain and offers the reset
    edit = client.get(APPRAISE_URL).content.decode()
    assert 'id="rule-reset"' in edit
    assert tree.province.name in edit
    # reset
    response = client.post(APPRAISE_URL, rule_post(tree.province.key, [], reset="1"))
    assert response.status_code == 302
    assert WorkflowRule.objects.count() == 0
    assert [event.action for event in AuditEvent.objects.order_by("id")] == [
        "workflow_rule.set",
        "workflow_rule.reset",
    ]


@pytest.mark.parametrize("where", ["38", ""])
def test_a_province_official_posting_for_another_level_is_refused_and_changes_nothing(
    where: str, tree: Tree, people: People
) -> None:
    national_deadline(people)
    before = state()
    client = client_for(people.province_official)
    responses = [
        client.post(APPRAISE_URL, rule_post(where, [Role.COLLECTOR])),
        client.post(APPRAISE_URL, rule_post(where, [], reset="1")),
        client.post(DEADLINES, deadline_post(where, day="5", month="12")),
        client.post(REMOVE, {"province": where, "title": FAMILY, "step": State.SUBMITTED}),
    ]
    assert [response.status_code for response in responses] == [404] * 4
    assert state() == before


def test_a_province_official_sets_changes_and_removes_their_deadline(
    tree: Tree, people: People
) -> None:
    national_deadline(people)
    client = client_for(people.province_official)
    # the national deadline shows and applies; the province may set its own
    page = client.get(DEADLINES).content.decode()
    assert f'data-title="{FAMILY}" data-step="submitted" data-source="national"' in page
    form = client.get(DEADLINES, {"title": FAMILY, "step": State.SUBMITTED}).content.decode()
    assert 'value="30"' in form  # prefilled from the deadline in force
    response = client.post(
        DEADLINES, deadline_post(tree.province.key, day="28", month="2", year_offset="1")
    )
    assert response.status_code == 302
    own = Deadline.objects.get(province=tree.province)
    assert (own.day, own.month, own.year_offset, own.source) == (28, 2, 1, "KH 45/KH-UBND")
    page = client.get(DEADLINES).content.decode()
    assert f'data-title="{FAMILY}" data-step="submitted" data-source="province"' in page
    assert "28/02" in page
    assert "30/11" in page  # the national one still shows beside it
    response = client.post(
        REMOVE, {"province": tree.province.key, "title": FAMILY, "step": State.SUBMITTED}
    )
    assert response.status_code == 302
    assert not Deadline.objects.filter(province=tree.province).exists()
    assert Deadline.objects.filter(province__isnull=True).count() == 1


# -- the administrator: nationwide and any province -----------------------------------------


def test_the_administrator_lands_nationwide_and_edits_the_national_rule(
    tree: Tree, people: People
) -> None:
    client = client_for(people.admin)
    page = client.get(RULES).content.decode()
    assert 'data-province=""' in page
    # the chooser offers every province
    assert tree.province.name in page
    assert tree.other_province.name in page
    response = client.post(APPRAISE_URL, rule_post("", [Role.PROVINCE_OFFICIAL]))
    assert response.status_code == 302
    assert list(WorkflowRule.objects.values_list("role", "province_id")) == [
        (Role.PROVINCE_OFFICIAL, None)
    ]
    page = client.get(RULES).content.decode()
    assert f'data-title="{FAMILY}" data-action="appraise" data-source="national"' in page
    # a province without its own shows the national rule as the one in force
    page = client.get(RULES, {"province": tree.other_province.key}).content.decode()
    assert f'data-title="{FAMILY}" data-action="appraise" data-source="national"' in page


def test_the_administrator_configures_any_province(tree: Tree, people: People) -> None:
    client = client_for(people.admin)
    response = client.post(
        APPRAISE_URL, rule_post(tree.other_province.key, [Role.PROVINCE_OFFICIAL])
    )
    assert response.status_code == 302
    assert WorkflowRule.objects.get().province == tree.other_province
    response = client.post(DEADLINES, deadline_post(tree.other_province.key))
    assert response.status_code == 302
    assert Deadline.objects.get().province == tree.other_province


# -- bad input ------------------------------------------------------------------------------


def test_a_rule_with_no_role_ticked_asks_for_one_or_the_reset(tree: Tree, people: People) -> None:
    before = state()
    response = client_for(people.province_official).post(
        APPRAISE_URL, rule_post(tree.province.key, [])
    )
    assert response.status_code == 422
    assert 'id="id_roles_error"' in response.content.decode()
    assert state() == before


def test_an_unknown_role_is_refused(tree: Tree, people: People) -> None:
    before = state()
    response = client_for(people.province_official).post(
        APPRAISE_URL, rule_post(tree.province.key, ["mayor"])
    )
    assert response.status_code == 422
    assert state() == before


def test_the_subject_is_offered_only_where_it_may_act(tree: Tree, people: People) -> None:
    client = client_for(people.province_official)
    submit = reverse("assessments:config_rule_edit", args=[FAMILY, permissions.SUBMIT])
    assert 'value="subject"' in client.get(submit).content.decode()
    assert 'value="subject"' not in client.get(APPRAISE_URL).content.decode()
    before = state()
    response = client.post(APPRAISE_URL, rule_post(tree.province.key, [rules.SUBJECT]))
    assert response.status_code == 422
    assert state() == before


@pytest.mark.parametrize(
    ("title", "action"), [("learning_nobody", "appraise"), (FAMILY, "approve")]
)
def test_an_unknown_title_or_action_is_missing(
    title: str, action: str, tree: Tree, people: People
) -> None:
    url = reverse("assessments:config_rule_edit", args=[title, action])
    client = client_for(people.admin)
    assert client.get(url).status_code == 404
    assert client.post(url, rule_post("", [Role.COLLECTOR])).status_code == 404
    assert WorkflowRule.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": "31", "month": "2"}, "day"),
        ({"day": "29", "month": "2"}, "day"),
        ({"year_offset": "2"}, "year_offset"),
        ({"day": "soon"}, "day"),
        ({"step": State.RETURNED}, "step"),
    ],
)
def test_a_bad_deadline_is_shown_back_and_changes_nothing(
    changes: dict[str, str], field: str, tree: Tree, people: People
) -> None:
    national_deadline(people)
    before = state()
    response = client_for(people.province_official).post(
        DEADLINES, deadline_post(tree.province.key, **changes)
    )
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in response.content.decode()
    assert state() == before


def test_removing_a_deadline_the_province_does_not_have_says_so(tree: Tree, people: People) -> None:
    national_deadline(people)
    before = state()
    client = client_for(people.province_official)
    response = client.post(
        REMOVE,
        {"province": tree.province.key, "title": FAMILY, "step": State.SUBMITTED},
        follow=True,
    )
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert state() == before


def test_the_rules_page_reads_the_rules_once_per_title(tree: Tree, people: People) -> None:
    client = client_for(people.province_official)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(RULES).status_code == 200
    # session and user, scope, the province chooser, then one read per title
    assert len(queries) <= 8 + len(Title.values)


# -- Django admin ---------------------------------------------------------------------------


def test_django_admin_is_for_superusers_and_writes_through_the_services(
    tree: Tree, people: People
) -> None:
    staff = UserFactory.create(username="nhanvien", is_staff=True)
    assert client_for(staff).get("/django-admin/assessments/workflowrule/").status_code == 403
    superuser = UserFactory.create(username="sieu", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    assert client.get("/django-admin/assessments/workflowrule/").status_code == 200
    assert client.get("/django-admin/assessments/deadline/").status_code == 200
    response = client.post(
        "/django-admin/assessments/workflowrule/add/",
        {
            "title": FAMILY,
            "action": permissions.APPRAISE,
            "role": Role.COLLECTOR,
            "province": tree.province.pk,
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="workflow_rule.set", actor=superuser).count() == 1
    # a deadline on a day that does not exist is refused by the same check as the pages
    response = client.post(
        "/django-admin/assessments/deadline/add/",
        {
            "title": FAMILY,
            "step": State.SUBMITTED,
            "month": "2",
            "day": "31",
            "year_offset": "0",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert not Deadline.objects.exists()
    row = WorkflowRule.objects.get()
    response = client.post(
        f"/django-admin/assessments/workflowrule/{row.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WorkflowRule.objects.exists()
    assert AuditEvent.objects.filter(action="workflow_rule.reset").count() == 1
