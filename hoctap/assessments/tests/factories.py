"""Factories for assessments.

`AssessmentFactory` puts a row straight into any state (for the permission and transition
matrices); `answers_for` builds a complete self-assessment for a criteria set, so tests that
go through the services can submit.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
from hoctap.criteria import engine
from hoctap.criteria.selectors import criteria_set_shipped
from hoctap.registry.tests.factories import HouseholdFactory

YEAR = 2026


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A learning-family assessment of a new household, placed where the household lives."""

    class Meta:
        model = Assessment

    title = Title.LEARNING_FAMILY
    year = YEAR
    household = factory.SubFactory(HouseholdFactory)
    state = State.REGISTERED
    criteria_version = "minh-hoa-qd448"

    @classmethod
    def _create(cls, model_class: type[Assessment], *args: Any, **kwargs: Any) -> Assessment:
        subject = next(
            kwargs[field]
            for field in ("person", "household", "clan", "organisation", "unit")
            if kwargs.get(field) is not None
        )
        kind, code = TITLE_SUBJECTS[kwargs["title"]]
        kwargs.setdefault("criteria_code", code)
        kwargs["subject_key"] = f"{kind}:{subject.pk}"
        kwargs["subject_name"] = str(subject)
        if kind in ("hamlet", "commune"):
            kwargs["commune"] = subject if kind == "commune" else subject.parent
            kwargs["unit_path"] = subject.path
        else:
            kwargs["commune"] = subject.commune
            kwargs["unit_path"] = subject.unit_path
        return super()._create(model_class, *args, **kwargs)


def answers_for(
    code: str, points: float | None = None, *, met: bool = True, year: int = YEAR
) -> dict[str, engine.Answer]:
    """Every typed-in indicator of a shipped set answered: full marks (or `points`), or met."""
    criteria_set = criteria_set_shipped(code, datetime.date(year, 1, 1))
    answers: dict[str, engine.Answer] = {}
    for indicator in criteria_set.indicators():
        if indicator.computed is not None:
            continue
        if criteria_set.mode == "points":
            answers[indicator.code] = indicator.max_points if points is None else points
        elif indicator.is_numeric:
            answers[indicator.code] = 100.0
        else:
            answers[indicator.code] = met
    return answers


def full_scores(assessment: Assessment, points: float | None = None) -> Assessment:
    """Store a complete self-assessment on the row directly (computed ones are left to submit)."""
    from hoctap.assessments.models import Score

    for code, value in answers_for(assessment.criteria_code, points, year=assessment.year).items():
        Score.objects.create(
            assessment=assessment,
            indicator=code,
            met=value if isinstance(value, bool) else None,
            points=None if isinstance(value, bool) or value is None else value,
        )
    return assessment


def make_assessment(**kwargs: Any) -> Assessment:
    """`AssessmentFactory.create`, typed."""
    created: Assessment = AssessmentFactory.create(**kwargs)
    return created
