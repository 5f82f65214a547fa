"""Bulk steps write what one step at a time writes, in a number of queries that does not grow."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.assessments import services
from hoctap.assessments.models import Assessment, State, Transition
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry.tests.factories import HouseholdFactory


def _reviewed(tree: Tree, count: int) -> list[Assessment]:
    return [
        make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet), state=State.REVIEWED)
        for _ in range(count)
    ]


def _written(assessment: Assessment) -> tuple[Any, ...]:
    assessment.refresh_from_db()
    step = Transition.objects.get(assessment=assessment, action__in=["appraise", "return"])
    event = AuditEvent.objects.get(object_id=str(assessment.pk), action__startswith="assessment.")
    return (
        assessment.state,
        assessment.version,
        (step.action, step.from_state, step.to_state, step.actor_id, step.reason, step.changes),
        (event.action, event.actor_id, event.object_type, event.unit_path, event.data),
    )


def test_a_bulk_step_writes_the_rows_a_single_step_writes(tree: Tree, people: People) -> None:
    single, *bulk = _reviewed(tree, 3)
    for action, reason in (("appraise", ""), ("return", "  Thiếu minh chứng ")):
        Transition.objects.all().delete()
        AuditEvent.objects.all().delete()
        Assessment.objects.update(state=State.REVIEWED)
        rows = list(Assessment.objects.order_by("pk"))
        services.transition(
            actor=people.commune_official,
            assessment=rows[0],
            action=action,
            version=rows[0].version,
            reason=reason,
        )
        outcome = services.bulk_transition(
            actor=people.commune_official, assessments=rows[1:], action=action, reason=reason
        )
        assert outcome.count == 2
        expected = _written(single)
        for assessment in bulk:
            written = _written(assessment)
            assert written[0] == expected[0]
            assert written[1] == assessment.version
            assert assessment.version == single.version
            assert written[2] == expected[2]
            assert written[3] == expected[3]


def test_bulk_appraisal_queries_do_not_grow_with_the_rows(tree: Tree, people: People) -> None:
    counts = []
    # The first call also fills the user's role cache; compare the two after it.
    for size in (1, 2, 6):
        rows = _reviewed(tree, size)
        with CaptureQueriesContext(connection) as captured:
            services.bulk_transition(
                actor=people.commune_official, assessments=rows, action="appraise"
            )
        counts.append(len(captured.captured_queries))
        assert Transition.objects.filter(assessment__in=rows, action="appraise").count() == size
    assert counts[1] == counts[2]
