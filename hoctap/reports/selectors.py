"""Reads of reporting periods, reports and plans, scoped to the acting user.

Every getter raises `DoesNotExist` for an object outside the user's scope, so views answer
404 without telling "missing" from "not yours".
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP
from hoctap.reports.models import (
    PeriodStatus,
    Plan,
    PlanTask,
    Report,
    ReportingPeriod,
    ReportState,
    ReportSubmission,
    TaskStatus,
)
from hoctap.reports.permissions import (
    AGENCY_ROLES,
    OWNER_ROLES,
    PLAN_READER_ROLES,
    can_manage_period,
    can_view_plan,
    can_view_report,
)


def _under(paths: list[str], field: str = "unit_path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def period_list(*, user: Any) -> QuerySet[ReportingPeriod]:
    """Periods the user owns (their province's, or all for a national scope)."""
    periods = ReportingPeriod.objects.select_related("unit", "opened_by")
    paths = scope_paths(user, OWNER_ROLES)
    if paths is None:
        return periods
    return periods.filter(_under(paths)) if paths else periods.none()


def period_get(*, user: Any, pk: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_related("unit").filter(pk=pk).first()
    if period is None or not can_manage_period(user, period):
        raise ReportingPeriod.DoesNotExist(pk)
    return period


def report_list(*, user: Any) -> QuerySet[Report]:
    """Reports the user fills (their commune's; their agencies') — the work list."""
    reports = Report.objects.respondents().select_related("period", "unit", "organisation")
    communes = scope_paths(user, (Role.SYSTEM_ADMIN, Role.COMMUNE_OFFICIAL))
    agencies = scope_paths(user, AGENCY_ROLES)
    if communes is None:
        return reports
    condition = Q(organisation__isnull=True) & _under(communes)
    if agencies is None:
        condition |= Q(organisation__isnull=False)
    elif agencies:
        condition |= Q(organisation__isnull=False) & _under(agencies)
    return reports.filter(condition)


def report_get(*, user: Any, pk: int) -> Report:
    report = Report.objects.select_related("period", "period__unit", "unit", "organisation")
    found = report.filter(pk=pk).first()
    if found is None or not can_view_report(user, found):
        raise Report.DoesNotExist(pk)
    return found


def submission_list(report: Report) -> list[ReportSubmission]:
    return list(report.submissions.select_related("submitted_by").order_by("number"))


# -- the status board -------------------------------------------------------------------------


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # not submitted, deadline passed
    PENDING = "pending"  # not submitted, deadline not passed


@dataclasses.dataclass(frozen=True)
class BoardRow:
    report: Report
    first: ReportSubmission | None
    versions: int
    timeliness: str

    @property
    def name(self) -> str:
        return self.report.respondent_name


@dataclasses.dataclass(frozen=True)
class Board:
    period: ReportingPeriod
    rows: list[BoardRow]
    today: datetime.date

    def count(self, timeliness: str) -> int:
        return sum(1 for row in self.rows if row.timeliness == timeliness)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.report.state == ReportState.SUBMITTED)

    @property
    def completeness(self) -> Decimal | None:
        """Submitted reports over the reports asked, in %."""
        return _rate(self.submitted, len(self.rows))

    @property
    def timeliness_rate(self) -> Decimal | None:
        """Reports first submitted by the deadline over the reports asked, in %."""
        return _rate(self.count(Timeliness.ON_TIME), len(self.rows))


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def status_board(period: ReportingPeriod, *, today: datetime.date | None = None) -> Board:
    """Who submitted on time, late or not at all: timeliness is judged by the first
    submission (a returned and resubmitted report was on time if it first came on time)."""
    today = today or timezone.localdate()
    reports = list(
        period.reports.respondents().select_related("unit", "organisation").order_by("unit_path")
    )
    firsts: dict[int, ReportSubmission] = {}
    versions: dict[int, int] = {}
    for submission in ReportSubmission.objects.filter(report__period=period).order_by(
        "report_id", "number"
    ):
        firsts.setdefault(submission.report_id, submission)
        versions[submission.report_id] = submission.number
    rows = []
    for report in reports:
        first = firsts.get(report.pk)
        if first is not None:
            timeliness = Timeliness.ON_TIME if first.on_time else Timeliness.LATE
        else:
            timeliness = Timeliness.MISSING if today > period.deadline else Timeliness.PENDING
        rows.append(
            BoardRow(
                report=report,
                first=first,
                versions=versions.get(report.pk, 0),
                timeliness=timeliness,
            )
        )
    return Board(period=period, rows=rows, today=today)


# -- plans ------------------------------------------------------------------------------------


def plan_list(*, user: Any) -> QuerySet[Plan]:
    """Plans of the user's units, of the units above them and national ones."""
    plans = Plan.objects.select_related("unit")
    paths = scope_paths(user, PLAN_READER_ROLES)
    if paths is None:
        return plans
    if not paths:
        return plans.none()
    condition = Q(unit_path="") | _under(paths)
    for path in paths:
        above = [path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)]
        if above:
            condition |= Q(unit_path__in=above)
    return plans.filter(condition)


def plan_get(*, user: Any, pk: int) -> Plan:
    plan = Plan.objects.select_related("unit").filter(pk=pk).first()
    if plan is None or not can_view_plan(user, plan):
        raise Plan.DoesNotExist(pk)
    return plan


def task_get(*, user: Any, pk: int) -> PlanTask:
    task = PlanTask.objects.select_related("plan", "plan__unit", "assignee_unit").filter(pk=pk)
    found = task.first()
    if found is None or not can_view_plan(user, found.plan):
        raise PlanTask.DoesNotExist(pk)
    return found


def overdue_tasks(
    tasks: QuerySet[PlanTask], today: datetime.date | None = None
) -> QuerySet[PlanTask]:
    today = today or timezone.localdate()
    return tasks.filter(deadline__lt=today).exclude(status=TaskStatus.DONE)


def open_periods(periods: QuerySet[ReportingPeriod]) -> QuerySet[ReportingPeriod]:
    return periods.filter(status=PeriodStatus.OPEN)
