"""Helpers for the roll-up tests: subjects taken through the real services, and the rows."""

from __future__ import annotations

from typing import Any

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments import services
from hoctap.assessments.models import Assessment, Title
from hoctap.assessments.tests.factories import YEAR, answers_for
from hoctap.registry.models import Relation
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.targets import rollups

FAMILY = Title.LEARNING_FAMILY
COMMUNITY = Title.LEARNING_COMMUNITY_COMMUNE


def registered_family(actor: Any, hamlet: AdminUnit, year: int = YEAR) -> Assessment:
    """A new household of the hamlet, registered for the learning-family title."""
    household = HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent)
    return services.assessment_register(actor=actor, title=FAMILY, year=year, subject=household)


def passing_family(entry: Any, official: Any, hamlet: AdminUnit, year: int = YEAR) -> Assessment:
    """A registered family that will pass when submitted: its one adult is a learning citizen
    (proposed through the services, so that assessment is counted too)."""
    household = HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent)
    head = PersonFactory.create(household=household, relation=Relation.HEAD)
    citizen = services.assessment_register(
        actor=entry, title=Title.LEARNING_CITIZEN, year=year, subject=head
    )
    citizen = step(entry, submitted(entry, citizen), "review")
    step(official, step(official, citizen, "appraise"), "propose")
    return services.assessment_register(actor=entry, title=FAMILY, year=year, subject=household)


def submitted(actor: Any, assessment: Assessment, *, weak: bool = False) -> Assessment:
    """Score the assessment in full (one indicator failed when weak) and submit it."""
    answers = answers_for(assessment.criteria_code, year=assessment.year)
    if weak:
        first = next(iter(answers))
        answers[first] = False if isinstance(answers[first], bool) else 1
    scored = services.scores_save(
        actor=actor, assessment=assessment, version=assessment.version, answers=answers
    )
    return services.transition(
        actor=actor, assessment=scored, action="submit", version=scored.version
    )


def step(actor: Any, assessment: Assessment, action: str, reason: str = "") -> Assessment:
    """One workflow step on the assessment as the actor saw it."""
    return services.transition(
        actor=actor,
        assessment=assessment,
        action=action,
        version=assessment.version,
        reason=reason,
    )


def counts_at(unit: AdminUnit | None, year: int = YEAR) -> dict[tuple[str, str, str], int]:
    """The unit's (the country's when None) counts in the year: (title, state, level) -> n."""
    return dict(rollups.unit_counts(unit, year).counts)
