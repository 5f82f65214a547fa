"""Reads of assessments, scoped to the acting user through `visible_to`."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP
from hoctap.assessments.models import Assessment, Deadline, State, Transition
from hoctap.assessments.permissions import TRANSITION_ACTIONS, RulesCache, can_act
from hoctap.assessments.services import TRANSITIONS


@dataclasses.dataclass
class AssessmentFilter:
    title: str = ""
    year: int | None = None
    state: str = ""
    unit_path: str = ""  # a hamlet's or commune's path, narrowing the list to its subtree


def assessment_list(user: Any, filters: AssessmentFilter | None = None) -> QuerySet[Assessment]:
    """Assessments the user may see, filtered, with their evidence counts."""
    filters = filters or AssessmentFilter()
    assessments: QuerySet[Assessment] = Assessment.objects.visible_to(user)
    if filters.title:
        assessments = assessments.filter(title=filters.title)
    if filters.year is not None:
        assessments = assessments.filter(year=filters.year)
    if filters.state:
        assessments = assessments.filter(state=filters.state)
    if filters.unit_path:
        assessments = assessments.filter(unit_path__startswith=filters.unit_path)
    return assessments.select_related("commune").annotate(evidence_count=Count("evidence"))


def assessment_get(user: Any, pk: int) -> Assessment:
    """One assessment the user may see; `Assessment.DoesNotExist` otherwise (views answer 404)."""
    assessment: Assessment = (
        Assessment.objects.visible_to(user)
        .select_related("commune", "person", "household", "clan", "organisation", "unit")
        .get(pk=pk)
    )
    return assessment


def timeline(assessment: Assessment) -> QuerySet[Transition]:
    """Every step of the assessment, oldest first, with who took it."""
    return assessment.transitions.select_related("actor").order_by("occurred_at", "id")


@dataclasses.dataclass(frozen=True)
class WorkItem:
    assessment: Assessment
    action: str
    due: datetime.date | None


def _due_dates(assessments: list[Assessment]) -> dict[tuple[str, str, str, int], datetime.date]:
    """(title, step, province path, year) -> due date; a province's row wins over the nation's."""
    keys = {(a.title, a.unit_path[:PATH_STEP], a.year) for a in assessments}
    titles = {title for title, _, _ in keys}
    rows = list(
        Deadline.objects.filter(title__in=titles).values(
            "title", "step", "province__path", "month", "day", "year_offset"
        )
    )
    due: dict[tuple[str, str, str, int], datetime.date] = {}
    for title, province_path, year in keys:
        for row in sorted(rows, key=lambda r: r["province__path"] is not None):
            if row["title"] != title or row["province__path"] not in (None, province_path):
                continue
            # Later (province) rows overwrite the national one.
            due[(title, row["step"], province_path, year)] = datetime.date(
                year + row["year_offset"], row["month"], row["day"]
            )
    return due


def work_list(user: Any, *, year: int | None = None) -> list[WorkItem]:
    """What the user can act on next, the soonest due first (undated last)."""
    assessments = Assessment.objects.exclude(state__in=[State.PROPOSED, State.REJECTED])
    if year is not None:
        assessments = assessments.filter(year=year)
    candidates = list(assessments.filter(pk__in=_actable_ids(user, assessments)))
    due_dates = _due_dates(candidates)
    items: list[WorkItem] = []
    # Rules are looked up once per title, action and province, not once per row.
    rules: RulesCache = {}
    for assessment in candidates:
        for action in TRANSITION_ACTIONS:
            from_states, to_state = TRANSITIONS[action]
            # Return and reject are always possible alongside the forward step; list the latter.
            if action in ("return", "reject") or assessment.state not in from_states:
                continue
            if can_act(user, assessment, action, cache=rules):
                due = due_dates.get(
                    (assessment.title, to_state, assessment.unit_path[:PATH_STEP], assessment.year)
                )
                items.append(WorkItem(assessment=assessment, action=action, due=due))
    return sorted(
        items,
        key=lambda item: (
            item.due or datetime.date.max,
            item.assessment.unit_path,
            item.assessment.subject_name,
            item.assessment.pk,
        ),
    )


def _actable_ids(user: Any, assessments: QuerySet[Assessment]) -> QuerySet[Assessment, Any]:
    """Assessments in the user's scope of any role (organisation heads included)."""
    paths = scope_paths(user)
    if paths is None:
        return assessments.values("pk")
    if not paths:
        return assessments.none().values("pk")
    condition = Q()
    for path in paths:
        condition |= Q(unit_path__startswith=path)
    return assessments.filter(condition).values("pk")
