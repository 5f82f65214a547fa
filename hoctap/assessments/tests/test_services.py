"""Registration, self-assessment and the workflow rules that are not in the matrix."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from hoctap.assessments import services
from hoctap.assessments.models import Assessment, Deadline, Score, State, Title, Transition
from hoctap.assessments.tests.factories import YEAR, answers_for, full_scores, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.registry.models import Relation
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import (
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
)

CITIZEN_CODES = [f"NL1.{n}" for n in range(1, 5)] + [f"NL2.{n}" for n in range(1, 5)]
CITIZEN_CODES += ["NL3.1", "NL3.2"]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _citizen(tree: Tree, people: People) -> Assessment:
    person = PersonFactory.create(hamlet=tree.hamlet)
    return services.assessment_register(
        actor=people.collector, title=Title.LEARNING_CITIZEN, year=YEAR, subject=person
    )


def _submit(assessment: Assessment, people: People, answers: Mapping[str, Any]) -> Assessment:
    assessment = services.scores_save(
        actor=people.collector,
        assessment=assessment,
        version=assessment.version,
        answers=answers,
    )
    return services.transition(
        actor=people.collector, assessment=assessment, action="submit", version=assessment.version
    )


# -- registration ---------------------------------------------------------------------------


def test_registration_records_the_criteria_set_and_the_placement(
    tree: Tree, people: People
) -> None:
    person = PersonFactory.create(hamlet=tree.hamlet)
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_CITIZEN, year=YEAR, subject=person
    )
    assert (assessment.criteria_code, assessment.criteria_version) == ("cong-dan-hoc-tap", "2023")
    assert assessment.variant == person.target_group
    assert (assessment.commune, assessment.unit_path) == (tree.commune, tree.hamlet.path)
    assert assessment.subject_key == f"person:{person.pk}"
    assert assessment.state == State.REGISTERED
    assert Transition.objects.get(assessment=assessment).to_state == State.REGISTERED


def test_a_second_registration_is_refused_and_nothing_is_duplicated(
    tree: Tree, people: People
) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=household
    )
    with pytest.raises(BusinessError) as refused:
        services.assessment_register(
            actor=people.commune_official, title=Title.LEARNING_FAMILY, year=YEAR, subject=household
        )
    assert refused.value.code == "duplicate"
    assert Assessment.objects.count() == 1
    assert Transition.objects.count() == 1
    # another year is another candidacy
    services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR + 1, subject=household
    )


def test_registering_a_subject_outside_the_scope_is_refused(tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.other_commune_hamlet)
    for actor in (people.collector, people.commune_official, people.other_province_official):
        with pytest.raises(NotPermitted):
            services.assessment_register(
                actor=actor, title=Title.LEARNING_FAMILY, year=YEAR, subject=household
            )
    assert not Assessment.objects.exists()


def test_the_subject_must_be_of_the_titles_kind(tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    with pytest.raises(BusinessError) as refused:
        services.assessment_register(
            actor=people.collector, title=Title.LEARNING_CITIZEN, year=YEAR, subject=household
        )
    assert refused.value.code == "subject"


def test_an_organisation_head_registers_the_unit_and_a_commune_its_community(
    tree: Tree, people: People
) -> None:
    organisation = OrganisationFactory.create(commune=tree.commune)
    unit = services.assessment_register(
        actor=people.organisation_head,
        title=Title.LEARNING_UNIT_COMMUNE,
        year=YEAR,
        subject=organisation,
    )
    community = services.assessment_register(
        actor=people.commune_official,
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        year=YEAR,
        subject=tree.commune,
    )
    assert unit.subject == organisation
    assert community.subject == tree.commune
    assert community.criteria_code == "cong-dong-hoc-tap-xa"


def test_bulk_registration_adds_the_hamlets_households_not_yet_registered(
    tree: Tree, people: People
) -> None:
    households = [HouseholdFactory.create(hamlet=tree.hamlet) for _ in range(3)]
    HouseholdFactory.create(hamlet=tree.other_hamlet)
    services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=households[0]
    )
    added = services.assessment_bulk_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, hamlet=tree.hamlet
    )
    assert added == 2
    assert set(Assessment.objects.values_list("household", flat=True)) == {h.pk for h in households}
    assert Transition.objects.count() == 3
    # running it again adds nothing
    assert (
        services.assessment_bulk_register(
            actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, hamlet=tree.hamlet
        )
        == 0
    )
    with pytest.raises(NotPermitted):
        services.assessment_bulk_register(
            actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, hamlet=tree.other_hamlet
        )


# -- self-assessment ------------------------------------------------------------------------


def test_a_score_above_the_maximum_is_refused_naming_the_indicator(
    tree: Tree, people: People
) -> None:
    assessment = _citizen(tree, people)
    with pytest.raises(BusinessError, match=r"NL1\.2") as refused:
        services.scores_save(
            actor=people.collector,
            assessment=assessment,
            version=assessment.version,
            answers={"NL1.1": 8, "NL1.2": 11},
        )
    assert refused.value.code == "score_range"
    assert not Score.objects.exists()


def test_unknown_and_computed_indicators_cannot_be_typed_in(tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=household
    )
    for answers in ({"TC2.1": 10}, {"XX.9": 1}):
        with pytest.raises(BusinessError):
            services.scores_save(
                actor=people.collector,
                assessment=assessment,
                version=assessment.version,
                answers=answers,
            )
    assert not Score.objects.exists()


def test_scores_save_keeps_notes_and_clears_with_none(tree: Tree, people: People) -> None:
    assessment = _citizen(tree, people)
    assessment = services.scores_save(
        actor=people.collector,
        assessment=assessment,
        version=assessment.version,
        answers={"NL1.1": 8},
        notes={"NL1.1": "Đọc sách hằng tuần"},
    )
    assessment = services.scores_save(
        actor=people.collector,
        assessment=assessment,
        version=assessment.version,
        answers={"NL1.1": None},
    )
    score = Score.objects.get(assessment=assessment, indicator="NL1.1")
    assert (score.points, score.note) == (None, "Đọc sách hằng tuần")
    with pytest.raises(ConflictError):
        services.scores_save(
            actor=people.collector,
            assessment=assessment,
            version=assessment.version - 1,
            answers={"NL1.1": 9},
        )


@pytest.mark.parametrize(
    ("points", "passed"),
    [
        # 79 points: one short of the pass mark
        ({**dict.fromkeys(CITIZEN_CODES, 8), "NL1.1": 7}, False),
        # 80 points, none below 5: passes
        (dict.fromkeys(CITIZEN_CODES, 8), True),
        # 94 points but one indicator at 4: fails
        ({**dict.fromkeys(CITIZEN_CODES, 10), "NL3.2": 4}, False),
        # one indicator at 5, total 95: passes
        ({**dict.fromkeys(CITIZEN_CODES, 10), "NL3.2": 5}, True),
    ],
)
def test_the_engine_decides_the_result_on_submission(
    points: dict[str, int], passed: bool, tree: Tree, people: People
) -> None:
    submitted = _submit(_citizen(tree, people), people, dict(points))
    assert submitted.state == State.SUBMITTED
    assert submitted.passed is passed
    assert submitted.total == Decimal(sum(points.values()))


def test_submitting_with_missing_answers_lists_them(tree: Tree, people: People) -> None:
    assessment = _citizen(tree, people)
    answers = dict.fromkeys(CITIZEN_CODES[:8], 10)
    with pytest.raises(BusinessError, match=r"NL3\.1, NL3\.2") as refused:
        _submit(assessment, people, answers)
    assert refused.value.code == "missing"
    assessment.refresh_from_db()
    assert assessment.state == State.REGISTERED


def test_a_checklist_set_reaches_a_level(tree: Tree, people: People) -> None:
    assessment = services.assessment_register(
        actor=people.commune_official,
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        year=YEAR,
        subject=tree.commune,
    )
    assessment = services.scores_save(
        actor=people.commune_official,
        assessment=assessment,
        version=assessment.version,
        answers=answers_for("cong-dong-hoc-tap-xa"),
    )
    submitted = services.transition(
        actor=people.commune_official,
        assessment=assessment,
        action="submit",
        version=assessment.version,
    )
    assert (submitted.passed, submitted.level, submitted.total) == (True, "2", None)


# -- computed indicators --------------------------------------------------------------------


def _learning_citizen(person: object, year: int = YEAR) -> None:
    make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=person,
        state=State.PROPOSED,
        year=year,
        criteria_version="2023",
    )


def test_computed_values_come_from_the_registry(tree: Tree, people: People) -> None:
    # given a household of two adults (one a learning citizen) and a child
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    head = PersonFactory.create(household=household, relation=Relation.HEAD)
    PersonFactory.create(household=household, relation=Relation.SPOUSE)
    PersonFactory.create(household=household, relation=Relation.CHILD, birth_year=YEAR - 8)
    _learning_citizen(head)
    _learning_citizen(PersonFactory.create(hamlet=tree.hamlet), year=YEAR - 1)  # last year's
    family = make_assessment(household=household)
    # an organisation of four listed members, three learning citizens
    organisation = OrganisationFactory.create(commune=tree.commune)
    members = [
        PersonFactory.create(hamlet=tree.hamlet, organisation=organisation) for _ in range(4)
    ]
    for member in members[:3]:
        _learning_citizen(member)
    unit = make_assessment(
        title=Title.LEARNING_UNIT_COMMUNE, household=None, organisation=organisation
    )
    # the hamlet: the household above holds the learning-family title, another does not
    other = HouseholdFactory.create(hamlet=tree.hamlet)
    make_assessment(household=other, year=YEAR - 1, state=State.PROPOSED)
    make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.PROPOSED)
    hamlet = make_assessment(
        title=Title.LEARNING_COMMUNITY_HAMLET, household=None, unit=tree.hamlet
    )

    assert services.computed_values(family) == {"TC2.1": 50.0}
    assert services.computed_values(unit) == {"TC2.1": 75.0}
    # three households in the hamlet, one holding the title this year
    assert services.computed_values(hamlet) == {"TC2.1": 33.33}


def test_submission_fills_computed_indicators_itself(tree: Tree, people: People) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    _learning_citizen(PersonFactory.create(household=household, relation=Relation.HEAD))
    assessment = services.assessment_register(
        actor=people.collector, title=Title.LEARNING_FAMILY, year=YEAR, subject=household
    )
    submitted = _submit(assessment, people, answers_for("gia-dinh-hoc-tap"))
    assert Score.objects.get(assessment=submitted, indicator="TC2.1").computed_value == 100
    assert (submitted.passed, submitted.total) == (True, Decimal(100))


# -- workflow -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_and_reject_need_a_reason(action: str, tree: Tree, people: People) -> None:
    assessment = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.REVIEWED
    )
    with pytest.raises(BusinessError) as refused:
        services.transition(
            actor=people.commune_official,
            assessment=assessment,
            action=action,
            version=assessment.version,
            reason="   ",
        )
    assert refused.value.code == "reason"
    assessment.refresh_from_db()
    assert assessment.state == State.REVIEWED
    assert not Transition.objects.exists()


def test_a_stale_version_and_a_double_submit_are_refused_once_moved(
    tree: Tree, people: People
) -> None:
    assessment = full_scores(make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet)))
    seen = assessment.version
    services.transition(
        actor=people.collector, assessment=assessment, action="submit", version=seen
    )
    # the same form posted again (a double click)
    with pytest.raises(ConflictError) as stale:
        services.transition(
            actor=people.collector, assessment=assessment, action="submit", version=seen
        )
    assert stale.value.code == "stale"
    # a fresh form: the state no longer allows it
    with pytest.raises(ConflictError) as state:
        services.transition(
            actor=people.collector, assessment=assessment, action="submit", version=seen + 1
        )
    assert state.value.code == "state"
    assert Transition.objects.filter(assessment=assessment).count() == 1


def test_only_a_passed_assessment_is_proposed(tree: Tree, people: People) -> None:
    assessment = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.APPRAISED, passed=False
    )
    with pytest.raises(BusinessError) as refused:
        services.transition(
            actor=people.commune_official,
            assessment=assessment,
            action="propose",
            version=assessment.version,
        )
    assert refused.value.code == "not_passed"


def test_a_resubmission_records_what_changed(tree: Tree, people: People) -> None:
    # given a submitted self-assessment, returned with a reason
    assessment = _submit(_citizen(tree, people), people, dict.fromkeys(CITIZEN_CODES, 8))
    returned = services.transition(
        actor=people.commune_official,
        assessment=assessment,
        action="return",
        version=assessment.version,
        reason="Chỉ số NL2.2 thiếu minh chứng",
    )
    # when the collector fixes one score and resubmits
    resubmitted = _submit(returned, people, {"NL2.2": 6})
    # then the reviewer sees what changed
    last = resubmitted.transitions.order_by("-id").first()
    assert last is not None
    assert last.from_state == State.RETURNED
    assert last.changes["changed"] == {"NL2.2": {"before": 8.0, "after": 6.0}}
    assert resubmitted.total == Decimal(78)
    assert resubmitted.passed is False


def test_a_late_submission_is_flagged_by_the_deadline(tree: Tree, people: People) -> None:
    Deadline.objects.create(title=Title.LEARNING_FAMILY, step=State.SUBMITTED, month=11, day=30)
    # Sơn La sets its own, later deadline; Thanh Hóa keeps the national one
    Deadline.objects.create(
        title=Title.LEARNING_FAMILY,
        step=State.SUBMITTED,
        month=12,
        day=15,
        province=tree.province,
    )
    cases = [
        (tree.hamlet, datetime.date(YEAR, 12, 15), False),
        (tree.hamlet, datetime.date(YEAR, 12, 16), True),
        (tree.far_hamlet, datetime.date(YEAR, 11, 30), False),
        (tree.far_hamlet, datetime.date(YEAR, 12, 1), True),
    ]
    for hamlet, day, late in cases:
        assessment = full_scores(make_assessment(household=HouseholdFactory.create(hamlet=hamlet)))
        submitted = services.transition(
            actor=_submitter(people, tree, hamlet),
            assessment=assessment,
            action="submit",
            version=assessment.version,
            now=_at(day),
        )
        assert submitted.is_late is late, (hamlet, day)
        assert submitted.submitted_at == _at(day)


def _submitter(people: People, tree: Tree, hamlet: object) -> object:
    return people.collector if hamlet == tree.hamlet else people.other_province_official


def test_no_deadline_means_never_late(tree: Tree, people: People) -> None:
    assessment = full_scores(make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet)))
    submitted = services.transition(
        actor=people.collector,
        assessment=assessment,
        action="submit",
        version=assessment.version,
        now=_at(datetime.date(YEAR + 5, 1, 1)),
    )
    assert submitted.is_late is False


# -- bulk appraisal -------------------------------------------------------------------------


def test_bulk_appraisal_is_all_or_nothing(tree: Tree, people: People) -> None:
    reviewed = [
        make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.REVIEWED)
        for _ in range(3)
    ]
    submitted = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.other_hamlet), state=State.SUBMITTED
    )
    elsewhere = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.other_commune_hamlet), state=State.REVIEWED
    )
    # when one is not reviewed yet and one lies in another commune
    with pytest.raises(services.BulkTransitionRefused) as refused:
        services.bulk_transition(
            actor=people.commune_official,
            assessments=[*reviewed, submitted, elsewhere],
            action="appraise",
        )
    # then both are named with the reason, and nothing moved
    assert set(refused.value.refusals) == {submitted.pk, elsewhere.pk}
    assert str(State.SUBMITTED.label) in refused.value.refusals[submitted.pk]
    assert set(Assessment.objects.values_list("state", flat=True)) == {
        State.REVIEWED,
        State.SUBMITTED,
    }
    assert not Transition.objects.exists()
    # when only the reviewed ones are selected, all three move
    outcome = services.bulk_transition(
        actor=people.commune_official, assessments=reviewed, action="appraise"
    )
    assert outcome.count == 3
    assert Assessment.objects.filter(state=State.APPRAISED).count() == 3
    assert Transition.objects.filter(action="appraise").count() == 3


def test_bulk_appraisal_refuses_a_row_someone_moved_meanwhile(tree: Tree, people: People) -> None:
    rows = [
        make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.REVIEWED)
        for _ in range(2)
    ]
    services.transition(
        actor=people.commune_official,
        assessment=rows[0],
        action="return",
        version=rows[0].version,
        reason="Sai điểm",
    )
    with pytest.raises(services.BulkTransitionRefused) as refused:
        services.bulk_transition(actor=people.commune_official, assessments=rows, action="appraise")
    assert list(refused.value.refusals) == [rows[0].pk]
    assert Assessment.objects.get(pk=rows[1].pk).state == State.REVIEWED


def test_a_bulk_submission_with_an_unfinished_one_changes_nothing(
    tree: Tree, people: People
) -> None:
    finished = full_scores(make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet)))
    unfinished = make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet))
    with pytest.raises(services.BulkTransitionRefused) as refused:
        services.bulk_transition(
            actor=people.collector, assessments=[finished, unfinished], action="submit"
        )
    assert list(refused.value.refusals) == [unfinished.pk]
    assert set(Assessment.objects.values_list("state", flat=True)) == {State.REGISTERED}
    assert not Transition.objects.exists()
    assert not Score.objects.filter(indicator="TC2.1").exists()
