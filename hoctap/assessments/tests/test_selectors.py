"""Reads: scoped lists, the work list by due date, the timeline."""

from __future__ import annotations

import datetime

import pytest

from hoctap.assessments import selectors, services
from hoctap.assessments.models import Assessment, Deadline, State, Title
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.registry.tests.factories import ClanFactory, HouseholdFactory, PersonFactory


def test_assessment_list_is_scoped_like_the_registry(tree: Tree, people: People) -> None:
    here = make_assessment(household=HouseholdFactory(hamlet=tree.hamlet))
    there = make_assessment(household=HouseholdFactory(hamlet=tree.other_commune_hamlet))
    assert list(selectors.assessment_list(people.commune_official)) == [here]
    assert list(selectors.assessment_list(people.other_commune_official)) == [there]
    assert set(selectors.assessment_list(people.province_official)) == {here, there}
    assert list(selectors.assessment_list(people.other_province_official)) == []
    # personal data: a citizen does not browse the neighbours' assessments
    assert list(selectors.assessment_list(people.citizen)) == []
    with pytest.raises(Assessment.DoesNotExist):
        selectors.assessment_get(people.other_commune_official, here.pk)
    assert selectors.assessment_get(people.collector, here.pk) == here


def test_assessment_list_filters(tree: Tree, people: People) -> None:
    family = make_assessment(household=HouseholdFactory(hamlet=tree.hamlet))
    make_assessment(
        household=HouseholdFactory(hamlet=tree.other_hamlet), state=State.SUBMITTED, year=YEAR - 1
    )
    filters = selectors.AssessmentFilter(
        title=Title.LEARNING_FAMILY, year=YEAR, state=State.REGISTERED, unit_path=tree.hamlet.path
    )
    rows = selectors.assessment_list(people.commune_official, filters)
    assert list(rows) == [family]
    assert vars(rows[0])["evidence_count"] == 0


def test_work_list_shows_what_the_user_can_do_soonest_due_first(tree: Tree, people: People) -> None:
    Deadline.objects.create(title=Title.LEARNING_FAMILY, step=State.APPRAISED, month=12, day=20)
    Deadline.objects.create(title=Title.LEARNING_CITIZEN, step=State.APPRAISED, month=11, day=15)
    family = make_assessment(household=HouseholdFactory(hamlet=tree.hamlet), state=State.REVIEWED)
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=PersonFactory(hamlet=tree.hamlet),
        state=State.REVIEWED,
    )
    undated = make_assessment(
        title=Title.LEARNING_CLAN,
        household=None,
        clan=ClanFactory(hamlet=tree.hamlet),
        state=State.REVIEWED,
    )
    make_assessment(household=HouseholdFactory(hamlet=tree.hamlet), state=State.SUBMITTED)
    make_assessment(household=HouseholdFactory(hamlet=tree.hamlet), state=State.PROPOSED)
    items = selectors.work_list(people.commune_official)
    assert [(item.assessment, item.action) for item in items] == [
        (citizen, "appraise"),
        (family, "appraise"),
        (undated, "appraise"),
    ]
    assert items[0].due == datetime.date(YEAR, 11, 15)
    # the collector reviews the submitted one and registers/submits the others' kind
    assert {item.action for item in selectors.work_list(people.collector)} == {"review"}
    assert selectors.work_list(people.other_commune_official) == []


def test_timeline_lists_every_step_in_order(tree: Tree, people: People) -> None:
    assessment = make_assessment(
        household=HouseholdFactory(hamlet=tree.hamlet), state=State.REVIEWED
    )
    assessment = services.transition(
        actor=people.commune_official,
        assessment=assessment,
        action="return",
        version=assessment.version,
        reason="Thiếu ảnh",
    )
    steps = list(selectors.timeline(assessment))
    assert [(s.from_state, s.to_state, s.reason, s.actor) for s in steps] == [
        (State.REVIEWED, State.RETURNED, "Thiếu ảnh", people.commune_official)
    ]
