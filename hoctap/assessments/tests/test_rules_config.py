"""Configuring workflow rules and deadlines: precedence after setting and resetting, validation
(nothing changed), scope (own province, national for administrators only), the audit trail, and
that what is configured is what the workflow then enforces."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.assessments import permissions, rules, services
from hoctap.assessments.models import Deadline, State, Title, WorkflowRule
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

FAMILY = Title.LEARNING_FAMILY


def _rule(title: str, action: str, province: Any) -> rules.EffectiveRule:
    return next(r for r in rules.effective_rules(title, province) if r.action == action)


def _rows() -> list[tuple[str, str, str, int | None]]:
    return sorted(
        WorkflowRule.objects.values_list("title", "action", "role", "province_id"),
        key=lambda row: (row[0], row[1], row[2], row[3] or 0),
    )


def _deadlines() -> list[tuple[Any, ...]]:
    return sorted(
        Deadline.objects.values_list(
            "title", "step", "day", "month", "year_offset", "source", "province_id"
        ),
        key=lambda row: (row[0], row[1], row[6] or 0),
    )


# -- precedence -----------------------------------------------------------------------------


def test_without_rows_every_action_shows_the_code_default(tree: Tree) -> None:
    for title in Title.values:
        for rule in rules.effective_rules(title, tree.province):
            assert rule.source == rules.SOURCE_DEFAULT
            assert set(rule.roles) == set(permissions.DEFAULT_RULES[title][rule.action])
            assert rule.province_roles == rule.national_roles == ()


def test_national_then_province_then_reset_walks_back_down_the_chain(
    tree: Tree, people: People
) -> None:
    appraise = permissions.APPRAISE
    # given a national rule: the province official appraises families everywhere
    rules.workflow_rule_set(
        actor=people.admin,
        title=FAMILY,
        action=appraise,
        roles=[Role.PROVINCE_OFFICIAL],
    )
    for province in (tree.province, tree.other_province):
        rule = _rule(FAMILY, appraise, province)
        assert (rule.source, rule.roles) == (rules.SOURCE_NATIONAL, (Role.PROVINCE_OFFICIAL,))
    # when Sơn La sets its own
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=appraise,
        roles=[Role.COMMUNE_OFFICIAL, Role.COLLECTOR],
        province=tree.province,
    )
    # then Sơn La follows its own rows, whole, and Thanh Hóa still the national one
    son_la = _rule(FAMILY, appraise, tree.province)
    assert son_la.source == rules.SOURCE_PROVINCE
    assert son_la.roles == (Role.COMMUNE_OFFICIAL, Role.COLLECTOR)
    assert son_la.above_source == rules.SOURCE_NATIONAL
    assert son_la.above_roles == (Role.PROVINCE_OFFICIAL,)
    thanh_hoa = _rule(FAMILY, appraise, tree.other_province)
    assert (thanh_hoa.source, thanh_hoa.roles) == (
        rules.SOURCE_NATIONAL,
        (Role.PROVINCE_OFFICIAL,),
    )
    assert set(permissions.allowed_roles(FAMILY, appraise, tree.hamlet.path)) == set(son_la.roles)
    # when Sơn La resets: the national rule applies there again
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=appraise,
        roles=[],
        province=tree.province,
    )
    assert _rule(FAMILY, appraise, tree.province).source == rules.SOURCE_NATIONAL
    # when the national rule is reset too: the code default
    rules.workflow_rule_set(actor=people.admin, title=FAMILY, action=appraise, roles=[])
    rule = _rule(FAMILY, appraise, tree.province)
    assert (rule.source, rule.roles) == (rules.SOURCE_DEFAULT, (Role.COMMUNE_OFFICIAL,))
    assert WorkflowRule.objects.count() == 0
    # the other actions never moved
    assert _rule(FAMILY, permissions.PROPOSE, tree.province).source == rules.SOURCE_DEFAULT


def test_setting_replaces_the_levels_roles_whole(tree: Tree, people: People) -> None:
    key: dict[str, Any] = {
        "actor": people.province_official,
        "title": FAMILY,
        "province": tree.province,
    }
    rules.workflow_rule_set(
        **key, action=permissions.REVIEW, roles=[Role.COLLECTOR, Role.COMMUNE_OFFICIAL]
    )
    rows = rules.workflow_rule_set(**key, action=permissions.REVIEW, roles=[Role.COMMUNE_OFFICIAL])
    assert [row.role for row in rows] == [Role.COMMUNE_OFFICIAL]
    assert _rows() == [(FAMILY, "review", Role.COMMUNE_OFFICIAL, tree.province.pk)]


@pytest.mark.parametrize("title", Title.values)
def test_effective_rules_agree_with_what_the_workflow_checks(
    title: str, tree: Tree, people: People
) -> None:
    # given a mix: a national rule for two actions, a Sơn La rule for one of them and another
    for action in (permissions.REVIEW, permissions.REJECT):
        rules.workflow_rule_set(
            actor=people.admin, title=title, action=action, roles=[Role.PROVINCE_OFFICIAL]
        )
    rules.workflow_rule_set(
        actor=people.province_official,
        title=title,
        action=permissions.REVIEW,
        roles=[Role.COLLECTOR, Role.CITIZEN],
        province=tree.province,
    )
    rules.workflow_rule_set(
        actor=people.province_official,
        title=title,
        action=permissions.RECOGNISE,
        roles=[Role.PROVINCE_OFFICIAL],
        province=tree.province,
    )
    for province, unit in ((tree.province, tree.hamlet), (tree.other_province, tree.far_hamlet)):
        for rule in rules.effective_rules(title, province):
            assert set(rule.roles) == set(
                permissions.allowed_roles(title, rule.action, unit.path)
            ), (province.name, rule.action)


def test_national_view_shows_national_rows_and_ignores_every_province(
    tree: Tree, people: People
) -> None:
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=permissions.SUBMIT,
        roles=[Role.COLLECTOR],
        province=tree.province,
    )
    rule = _rule(FAMILY, permissions.SUBMIT, None)
    assert rule.source == rules.SOURCE_DEFAULT
    assert rule.province_roles == ()


# -- the workflow follows the configuration -------------------------------------------------


def _reviewed_family(hamlet: Any) -> Any:
    return make_assessment(household=HouseholdFactory(hamlet=hamlet), state=State.REVIEWED)


def test_a_province_letting_the_collector_appraise_changes_who_may_appraise_there_only(
    tree: Tree, people: People
) -> None:
    son_la = _reviewed_family(tree.hamlet)
    thanh_hoa = _reviewed_family(tree.far_hamlet)
    far_collector = user_with_role(Role.COLLECTOR, tree.far_hamlet, "thon.nongcong")
    # before: by default only the commune appraises, in both provinces
    assert not permissions.can_act(people.collector, son_la, permissions.APPRAISE)
    with pytest.raises(NotPermitted):
        services.transition(
            actor=people.collector,
            assessment=son_la,
            action=permissions.APPRAISE,
            version=son_la.version,
        )
    # when Sơn La lets the collector appraise
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=permissions.APPRAISE,
        roles=[Role.COLLECTOR, Role.COMMUNE_OFFICIAL],
        province=tree.province,
    )
    # then the collector's appraisal in Sơn La goes through
    assert permissions.can_act(people.collector, son_la, permissions.APPRAISE)
    son_la.refresh_from_db()
    done = services.transition(
        actor=people.collector,
        assessment=son_la,
        action=permissions.APPRAISE,
        version=son_la.version,
    )
    assert done.state == State.APPRAISED
    # and Thanh Hóa's collector still may not
    assert not permissions.can_act(far_collector, thanh_hoa, permissions.APPRAISE)
    with pytest.raises(NotPermitted):
        services.transition(
            actor=far_collector,
            assessment=thanh_hoa,
            action=permissions.APPRAISE,
            version=thanh_hoa.version,
        )
    thanh_hoa.refresh_from_db()
    assert thanh_hoa.state == State.REVIEWED


def test_a_province_rule_leaving_out_the_default_role_takes_the_step_from_it(
    tree: Tree, people: People
) -> None:
    assessment = _reviewed_family(tree.hamlet)
    assert permissions.can_act(people.commune_official, assessment, permissions.APPRAISE)
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=permissions.APPRAISE,
        roles=[Role.PROVINCE_OFFICIAL],
        province=tree.province,
    )
    assert not permissions.can_act(people.commune_official, assessment, permissions.APPRAISE)
    assert permissions.can_act(people.province_official, assessment, permissions.APPRAISE)


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "action", "roles", "code"),
    [
        ("learning_nobody", permissions.APPRAISE, [Role.COLLECTOR], "title"),
        (FAMILY, "approve", [Role.COLLECTOR], "action"),
        (FAMILY, permissions.APPRAISE, [Role.COLLECTOR, "mayor"], "role"),
        # the subject only prepares their own candidacy…
        (FAMILY, permissions.APPRAISE, [rules.SUBJECT], "role"),
        # …and only where the subject is a person or a household
        (Title.LEARNING_UNIT_COMMUNE, permissions.SUBMIT, [rules.SUBJECT], "role"),
    ],
)
def test_a_bad_rule_is_refused_with_its_reason_and_changes_nothing(
    title: str, action: str, roles: list[str], code: str, tree: Tree, people: People
) -> None:
    rules.workflow_rule_set(
        actor=people.province_official,
        title=FAMILY,
        action=permissions.APPRAISE,
        roles=[Role.COMMUNE_OFFICIAL],
        province=tree.province,
    )
    before, audits = _rows(), AuditEvent.objects.count()
    with pytest.raises(BusinessError) as error:
        rules.workflow_rule_set(
            actor=people.province_official,
            title=title,
            action=action,
            roles=roles,
            province=tree.province,
        )
    assert error.value.code == code
    assert error.value.messages[0]
    assert _rows() == before
    assert AuditEvent.objects.count() == audits


def test_the_subject_may_be_given_their_own_preparation_steps(tree: Tree, people: People) -> None:
    for title in (Title.LEARNING_CITIZEN, Title.LEARNING_FAMILY):
        for action in rules.SUBJECT_ACTIONS:
            rules.workflow_rule_set(
                actor=people.province_official,
                title=title,
                action=action,
                roles=[rules.SUBJECT, Role.COLLECTOR],
                province=tree.province,
            )
            assert _rule(title, action, tree.province).roles == (Role.COLLECTOR, rules.SUBJECT)
    assert rules.SUBJECT not in rules.offered_roles(Title.LEARNING_CLAN, permissions.REGISTER)
    assert rules.SUBJECT not in rules.offered_roles(FAMILY, permissions.REVIEW)


def test_rules_can_only_be_set_for_a_current_province(tree: Tree, people: People) -> None:
    with pytest.raises(BusinessError) as error:
        rules.workflow_rule_set(
            actor=people.admin,
            title=FAMILY,
            action=permissions.APPRAISE,
            roles=[Role.COLLECTOR],
            province=tree.commune,
        )
    assert error.value.code == "province"
    assert WorkflowRule.objects.count() == 0


# -- scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "where", "allowed"),
    [
        ("admin", "national", True),
        ("admin", "province", True),
        ("admin", "other_province", True),
        ("province_official", "province", True),
        ("province_official", "other_province", False),
        ("province_official", "national", False),
        ("other_province_official", "other_province", True),
        ("other_province_official", "province", False),
        ("commune_official", "province", False),
        ("commune_official", "national", False),
        ("collector", "province", False),
        ("citizen", "province", False),
        ("organisation_head", "province", False),
    ],
)
def test_who_may_configure_which_level(
    who: str, where: str, allowed: bool, tree: Tree, people: People
) -> None:
    actor = getattr(people, who)
    province = None if where == "national" else getattr(tree, where)
    assert rules.can_configure(actor, province) is allowed
    rule_call = {
        "actor": actor,
        "title": FAMILY,
        "action": permissions.APPRAISE,
        "roles": [Role.COLLECTOR],
        "province": province,
    }
    deadline_call = {
        "actor": actor,
        "title": FAMILY,
        "step": State.SUBMITTED,
        "month": 11,
        "day": 30,
        "year_offset": 0,
        "province": province,
    }
    if allowed:
        rules.workflow_rule_set(**rule_call)
        rules.deadline_set(**deadline_call)
        assert WorkflowRule.objects.count() == 1
        assert Deadline.objects.count() == 1
        return
    with pytest.raises(NotPermitted):
        rules.workflow_rule_set(**rule_call)
    with pytest.raises(NotPermitted):
        rules.deadline_set(**deadline_call)
    assert WorkflowRule.objects.count() == 0
    assert Deadline.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="workflow_rule").count() == 0


def test_a_superuser_configures_nationwide_without_any_role(tree: Tree) -> None:
    superuser = user_with_role(Role.CITIZEN, tree.hamlet, "sieu")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    rules.workflow_rule_set(
        actor=superuser, title=FAMILY, action=permissions.REVIEW, roles=[Role.COMMUNE_OFFICIAL]
    )
    assert _rule(FAMILY, permissions.REVIEW, tree.province).source == rules.SOURCE_NATIONAL


def test_a_province_official_may_not_remove_the_national_deadline(
    tree: Tree, people: People
) -> None:
    rules.deadline_set(
        actor=people.admin, title=FAMILY, step=State.SUBMITTED, month=11, day=30, year_offset=0
    )
    with pytest.raises(NotPermitted):
        rules.deadline_remove(actor=people.province_official, title=FAMILY, step=State.SUBMITTED)
    assert Deadline.objects.filter(province__isnull=True).count() == 1


# -- audit ----------------------------------------------------------------------------------


def test_every_rule_change_is_audited_with_before_and_after(tree: Tree, people: People) -> None:
    call: dict[str, Any] = {
        "actor": people.province_official,
        "title": FAMILY,
        "action": permissions.APPRAISE,
        "province": tree.province,
    }
    rules.workflow_rule_set(**call, roles=[Role.COLLECTOR, Role.COMMUNE_OFFICIAL])
    rules.workflow_rule_set(**call, roles=[Role.COMMUNE_OFFICIAL, Role.COLLECTOR])  # the same
    rules.workflow_rule_set(**call, roles=[Role.COMMUNE_OFFICIAL])
    rules.workflow_rule_set(**call, roles=[])
    rules.workflow_rule_set(**call, roles=[])  # nothing left to reset
    events = list(AuditEvent.objects.filter(action__startswith="workflow_rule").order_by("id"))
    assert [event.action for event in events] == [
        "workflow_rule.set",
        "workflow_rule.set",
        "workflow_rule.reset",
    ]
    assert [(event.data["before"], event.data["after"]) for event in events] == [
        ([], [Role.COMMUNE_OFFICIAL, Role.COLLECTOR]),
        ([Role.COMMUNE_OFFICIAL, Role.COLLECTOR], [Role.COMMUNE_OFFICIAL]),
        ([Role.COMMUNE_OFFICIAL], []),
    ]
    for event in events:
        assert event.actor == people.province_official
        assert event.unit_path == tree.province.path
        assert event.object_type == "assessments.workflowrule"
        assert event.data["title"] == FAMILY
        assert event.data["action"] == permissions.APPRAISE
        assert event.data["province"] == tree.province.key


def test_a_national_change_is_audited_without_a_unit(people: People) -> None:
    rules.workflow_rule_set(
        actor=people.admin, title=FAMILY, action=permissions.REVIEW, roles=[Role.COLLECTOR]
    )
    event = AuditEvent.objects.get(action="workflow_rule.set")
    assert (event.unit_path, event.data["province"]) == ("", None)


def test_deadline_changes_are_audited(tree: Tree, people: People) -> None:
    call: dict[str, Any] = {
        "actor": people.province_official,
        "title": FAMILY,
        "step": State.SUBMITTED,
        "province": tree.province,
    }
    row = rules.deadline_set(**call, month=11, day=30, year_offset=0, source="KH 12/UBND")
    rules.deadline_set(**call, month=11, day=30, year_offset=0, source=" KH 12/UBND ")  # same
    rules.deadline_set(**call, month=12, day=5, year_offset=0, source="KH 12/UBND")
    rules.deadline_remove(**call)
    events = list(AuditEvent.objects.filter(action__startswith="deadline").order_by("id"))
    assert [event.action for event in events] == ["deadline.set", "deadline.set", "deadline.remove"]
    assert {event.object_id for event in events} == {str(row.pk)}
    assert events[0].data["before"] is None
    assert events[1].data["before"]["day"] == 30
    assert events[1].data["after"] == {
        "day": 5,
        "month": 12,
        "year_offset": 0,
        "source": "KH 12/UBND",
    }
    assert events[2].data["after"] is None
    assert all(event.unit_path == tree.province.path for event in events)
    assert Deadline.objects.count() == 0


# -- deadlines ------------------------------------------------------------------------------


def test_the_province_deadline_applies_there_and_the_national_one_elsewhere(
    tree: Tree, people: People
) -> None:
    son_la = make_assessment(household=HouseholdFactory(hamlet=tree.hamlet))
    thanh_hoa = make_assessment(household=HouseholdFactory(hamlet=tree.far_hamlet))
    assert services.deadline_for(son_la, State.SUBMITTED) is None
    rules.deadline_set(
        actor=people.admin, title=FAMILY, step=State.SUBMITTED, month=11, day=30, year_offset=0
    )
    rules.deadline_set(
        actor=people.province_official,
        title=FAMILY,
        step=State.SUBMITTED,
        month=2,
        day=28,
        year_offset=1,
        province=tree.province,
    )
    assert services.deadline_for(son_la, State.SUBMITTED) == datetime.date(YEAR + 1, 2, 28)
    assert services.deadline_for(thanh_hoa, State.SUBMITTED) == datetime.date(YEAR, 11, 30)
    entry = rules.effective_deadlines(tree.province)[FAMILY][0]
    assert (entry.step, entry.source) == (State.SUBMITTED, rules.SOURCE_PROVINCE)
    assert entry.applied == entry.provincial
    assert entry.national is not None
    assert (entry.national.day, entry.national.month) == (30, 11)
    # removing Sơn La's own brings the national one back there
    rules.deadline_remove(
        actor=people.province_official,
        title=FAMILY,
        step=State.SUBMITTED,
        province=tree.province,
    )
    assert services.deadline_for(son_la, State.SUBMITTED) == datetime.date(YEAR, 11, 30)
    assert rules.effective_deadlines(tree.province)[FAMILY][0].source == rules.SOURCE_NATIONAL


def test_setting_a_deadline_again_updates_the_row(tree: Tree, people: People) -> None:
    call: dict[str, Any] = {"actor": people.admin, "title": FAMILY, "step": State.APPRAISED}
    first = rules.deadline_set(**call, month=12, day=20, year_offset=0)
    second = rules.deadline_set(**call, month=1, day=15, year_offset=1, source="TT 24")
    assert first.pk == second.pk
    assert _deadlines() == [(FAMILY, State.APPRAISED, 15, 1, 1, "TT 24", None)]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"day": 31, "month": 2}, "day"),
        ({"day": 30, "month": 2}, "day"),
        ({"day": 29, "month": 2}, "day"),  # not every year has it
        ({"day": 31, "month": 4}, "day"),
        ({"day": 0}, "day"),
        ({"day": 32}, "day"),
        ({"month": 13}, "month"),
        ({"month": 0}, "month"),
        ({"year_offset": 2}, "year_offset"),
        ({"year_offset": -1}, "year_offset"),
        ({"step": State.RETURNED}, "step"),
        ({"step": "whenever"}, "step"),
        ({"title": "learning_nobody"}, "title"),
        ({"source": "x" * 256}, "source"),
    ],
)
def test_a_bad_deadline_is_refused_with_its_reason_and_changes_nothing(
    changes: dict[str, Any], code: str, tree: Tree, people: People
) -> None:
    rules.deadline_set(
        actor=people.admin, title=FAMILY, step=State.SUBMITTED, month=11, day=30, year_offset=0
    )
    before, audits = _deadlines(), AuditEvent.objects.count()
    call: dict[str, Any] = {
        "actor": people.admin,
        "title": FAMILY,
        "step": State.SUBMITTED,
        "month": 11,
        "day": 30,
        "year_offset": 0,
        **changes,
    }
    with pytest.raises(BusinessError) as error:
        rules.deadline_set(**call)
    assert error.value.code == code
    assert error.value.messages[0]
    assert _deadlines() == before
    assert AuditEvent.objects.count() == audits


def test_the_last_days_of_months_that_exist_every_year_are_accepted(people: People) -> None:
    for step, (day, month) in zip(
        rules.DEADLINE_STEPS, [(28, 2), (31, 1), (30, 4), (31, 12), (1, 3)], strict=True
    ):
        rules.deadline_set(
            actor=people.admin, title=FAMILY, step=step, month=month, day=day, year_offset=0
        )
    assert Deadline.objects.count() == len(rules.DEADLINE_STEPS)


def test_removing_a_missing_deadline_says_so(tree: Tree, people: People) -> None:
    with pytest.raises(BusinessError) as error:
        rules.deadline_remove(
            actor=people.province_official,
            title=FAMILY,
            step=State.SUBMITTED,
            province=tree.province,
        )
    assert error.value.code == "missing"
