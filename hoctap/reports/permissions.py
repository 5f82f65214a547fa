"""Who may open reporting periods, fill reports, return them, and keep plans.

- A period belongs to its owner unit (a province; the country for system administrators):
  the owner's officials open it, see its status board, return reports and compile.
- A commune's report is filled by the commune's officials; the province above reads it
  (and may return it) but does not type it. An agency's report is filled by the heads of
  organisations of the agency's unit and by the owner's officials (a clerk types it in).
- A plan is kept by the officials of its unit (national plans by system administrators);
  everyone with a role at or below that unit reads it; a task's progress is recorded by the
  plan's keepers and by the officials of the unit in charge.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.reports.models import Plan, PlanTask, Report, ReportingPeriod

OWNER_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL)
RESPONDENT_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL)
AGENCY_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL, Role.ORGANISATION_HEAD)
PLAN_KEEPER_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL)
PLAN_READER_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.COLLECTOR,
    Role.ORGANISATION_HEAD,
)


def _covers(paths: list[str] | None, path: str) -> bool:
    """True when the scope (None: the country) covers the unit with this path ("" country)."""
    if paths is None:
        return True
    return bool(path) and any(path.startswith(p) for p in paths)


def can_open_period(user: Any, unit: AdminUnit | None) -> bool:
    """A province official for their province; a system administrator anywhere."""
    paths = scope_paths(user, OWNER_ROLES)
    if unit is not None and unit.level != Level.PROVINCE and paths is not None:
        return False
    return _covers(paths, unit.path if unit is not None else "")


def can_manage_period(user: Any, period: ReportingPeriod) -> bool:
    """The owner's officials: status board, returning reports, compiling."""
    return _covers(scope_paths(user, OWNER_ROLES), period.unit_path)


def can_view_report(user: Any, report: Report) -> bool:
    return can_manage_period(user, report.period) or can_edit_report(user, report)


def can_edit_report(user: Any, report: Report) -> bool:
    """Who types the report: see the module's docstring."""
    if report.is_compiled:
        return can_manage_period(user, report.period)
    if report.organisation_id is not None:
        if can_manage_period(user, report.period):
            return True
        return _covers(scope_paths(user, (Role.ORGANISATION_HEAD,)), report.unit_path)
    paths = scope_paths(user, (Role.SYSTEM_ADMIN, Role.COMMUNE_OFFICIAL))
    return _covers(paths, report.unit_path)


def can_return_report(user: Any, report: Report) -> bool:
    return not report.is_compiled and can_manage_period(user, report.period)


def can_keep_plan(user: Any, unit: AdminUnit | None) -> bool:
    """Create and edit plans of the unit (national ones when None)."""
    return _covers(scope_paths(user, PLAN_KEEPER_ROLES), unit.path if unit is not None else "")


def can_view_plan(user: Any, plan: Plan) -> bool:
    """Readers at or below the plan's unit, or above it; national plans: every official."""
    paths = scope_paths(user, PLAN_READER_ROLES)
    if paths is None:
        return True
    if not paths:
        return False
    if not plan.unit_path:
        return True
    return any(plan.unit_path.startswith(p) or p.startswith(plan.unit_path) for p in paths)


def can_record_progress(user: Any, task: PlanTask) -> bool:
    """The plan's keepers and the officials of the unit in charge."""
    if can_keep_plan(user, task.plan.unit):
        return True
    if task.assignee_unit is None:
        return False
    return _covers(scope_paths(user, PLAN_KEEPER_ROLES), task.assignee_unit.path)
