"""Who sees which assessments."""

from __future__ import annotations

import pytest

from hoctap.assessments.models import Assessment, Title
from hoctap.assessments.tests.factories import make_assessment
from hoctap.registry.tests.factories import HouseholdFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_head_sees_organisation_assessments_of_their_area_only(tree, people):
    # given an organisation assessment and a household assessment in the head's commune
    organisation = OrganisationFactory(commune=tree.commune)
    household = HouseholdFactory(commune=tree.commune, hamlet=tree.hamlet)
    unit_assessment = make_assessment(
        organisation=organisation, household=None, title=Title.LEARNING_UNIT_COMMUNE
    )
    family_assessment = make_assessment(household=household, title=Title.LEARNING_FAMILY)
    other = make_assessment(
        organisation=OrganisationFactory(commune=tree.other_commune),
        household=None,
        title=Title.LEARNING_UNIT_COMMUNE,
    )

    # when
    seen = set(Assessment.objects.visible_to(people.organisation_head))

    # then the head sees their organisation's candidacy, not households' nor elsewhere
    assert seen == {unit_assessment}
    assert family_assessment not in seen
    assert other not in seen


def test_commune_official_sees_both_kinds_and_citizen_sees_none(tree, people):
    organisation = OrganisationFactory(commune=tree.commune)
    household = HouseholdFactory(commune=tree.commune, hamlet=tree.hamlet)
    unit_assessment = make_assessment(
        organisation=organisation, household=None, title=Title.LEARNING_UNIT_COMMUNE
    )
    family_assessment = make_assessment(household=household, title=Title.LEARNING_FAMILY)

    assert set(Assessment.objects.visible_to(people.commune_official)) == {
        unit_assessment,
        family_assessment,
    }
    assert not Assessment.objects.visible_to(people.citizen).exists()
