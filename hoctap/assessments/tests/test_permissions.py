"""Who may take each workflow action: the code defaults, and WorkflowRule rows overriding them."""

from __future__ import annotations

from typing import Any

import pytest

from hoctap.accounts.models import Role
from hoctap.assessments.models import Assessment, Title, WorkflowRule
from hoctap.assessments.permissions import ACTIONS, DEFAULT_RULES, can_act
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.registry.tests.factories import HouseholdFactory, OrganisationFactory

EVERYONE = (
    "admin",
    "province_official",
    "commune_official",
    "other_commune_official",
    "other_province_official",
    "collector",
    "citizen",
    "organisation_head",
)
LOCAL = {
    "register": {"collector", "commune_official", "province_official"},
    "score": {"collector", "commune_official", "province_official"},
    "submit": {"collector", "commune_official", "province_official"},
    "review": {"collector"},
    "appraise": {"commune_official"},
    "propose": {"commune_official"},
    "return": {"commune_official"},
    "reject": {"commune_official"},
    "recognise": {"commune_official"},
}
HEAD_ACTIONS = ("register", "score", "submit", "review")


def _expected(title: str, action: str) -> set[str]:
    if title == Title.LEARNING_UNIT_COMMUNE:
        return {"organisation_head"} if action in HEAD_ACTIONS else {"commune_official"}
    if title == Title.LEARNING_UNIT_PROVINCE:
        return {"organisation_head"} if action in HEAD_ACTIONS else {"province_official"}
    if title == Title.LEARNING_COMMUNITY_COMMUNE:
        return {"commune_official"} if action in HEAD_ACTIONS else {"province_official"}
    return LOCAL[action]


def _assessment_of(title: str, tree: Tree) -> Assessment:
    if title in (Title.LEARNING_UNIT_COMMUNE, Title.LEARNING_UNIT_PROVINCE):
        organisation = OrganisationFactory(commune=tree.commune)
        return make_assessment(title=title, household=None, organisation=organisation)
    if title == Title.LEARNING_COMMUNITY_COMMUNE:
        return make_assessment(title=title, household=None, unit=tree.commune)
    return make_assessment(title=title, household=HouseholdFactory(hamlet=tree.hamlet))


@pytest.mark.parametrize(
    "title",
    [
        Title.LEARNING_FAMILY,
        Title.LEARNING_UNIT_COMMUNE,
        Title.LEARNING_UNIT_PROVINCE,
        Title.LEARNING_COMMUNITY_COMMUNE,
    ],
)
def test_default_rules_give_each_action_to_the_expected_roles_in_scope(
    title: str, tree: Tree, people: People
) -> None:
    assessment = _assessment_of(title, tree)
    for action in ACTIONS:
        allowed = {who for who in EVERYONE if can_act(getattr(people, who), assessment, action)}
        assert allowed == _expected(title, action), action


def test_every_title_has_a_default_for_every_action() -> None:
    for title in Title.values:
        assert set(DEFAULT_RULES[title]) == set(ACTIONS), title


def test_a_national_rule_replaces_the_default_for_that_action_only(
    tree: Tree, people: People
) -> None:
    assessment = _assessment_of(Title.LEARNING_FAMILY, tree)
    WorkflowRule.objects.create(title=Title.LEARNING_FAMILY, action="appraise", role=Role.COLLECTOR)
    assert can_act(people.collector, assessment, "appraise")
    assert not can_act(people.commune_official, assessment, "appraise")
    assert can_act(people.commune_official, assessment, "propose")


def test_a_province_rule_wins_over_national_rules_in_that_province_only(
    tree: Tree, people: People
) -> None:
    here = _assessment_of(Title.LEARNING_FAMILY, tree)
    far_household = HouseholdFactory(hamlet=tree.far_hamlet)
    far = make_assessment(household=far_household)
    far_official = _far_commune_official(tree)
    WorkflowRule.objects.create(
        title=Title.LEARNING_FAMILY, action="appraise", role=Role.PROVINCE_OFFICIAL
    )
    WorkflowRule.objects.create(
        title=Title.LEARNING_FAMILY,
        action="appraise",
        role=Role.COMMUNE_OFFICIAL,
        province=tree.province,
    )
    assert can_act(people.commune_official, here, "appraise")
    assert not can_act(people.province_official, here, "appraise")
    # Thanh Hóa has no rule of its own: the national row applies there.
    assert can_act(people.other_province_official, far, "appraise")
    assert not can_act(far_official, far, "appraise")


def _far_commune_official(tree: Tree) -> Any:
    from hoctap.accounts.tests.factories import user_with_role

    return user_with_role(Role.COMMUNE_OFFICIAL, tree.far_commune, "xa.xa")


def test_anonymous_and_inactive_users_may_do_nothing(tree: Tree, people: People) -> None:
    from django.contrib.auth.models import AnonymousUser

    assessment = _assessment_of(Title.LEARNING_FAMILY, tree)
    people.commune_official.is_active = False
    for action in ACTIONS:
        assert not can_act(AnonymousUser(), assessment, action)
        assert not can_act(people.commune_official, assessment, action)
