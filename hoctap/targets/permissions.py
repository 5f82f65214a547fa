"""Who may read the dashboards and who may set targets."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, AdminUnitLineage

# Dashboards show counts, never names; the people who keep and judge the records read them.
DASHBOARD_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.COLLECTOR,
)
# A province official sets targets for the province and its communes, a commune official for
# the commune; national targets come from the Prime Minister's decisions (system administrators).
TARGET_SETTER_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL)


def can_view_dashboard(user: Any, unit: AdminUnit | None) -> bool:
    """True when the user may read the dashboard of the unit (of the country when None).

    The country is for users whose scope is the whole country. A unit that ended (the 2025
    reform, a merged hamlet) is visible where it, or a unit above it, became (part of) a unit
    in the user's scope: a commune official sees the old communes that became theirs and what
    lay in them, not the whole old district.
    """
    paths = scope_paths(user, DASHBOARD_ROLES)
    if paths is None:
        return True
    if unit is None or not paths:
        return False
    if any(unit.path.startswith(path) for path in paths):
        return True
    if unit.is_current:
        return False
    in_scope = Q()
    for path in paths:
        in_scope |= Q(successor__path__startswith=path)
    return (
        AdminUnitLineage.objects.filter(predecessor__path__in=[*unit.ancestor_paths(), unit.path])
        .filter(in_scope)
        .exists()
    )


def can_set_target(user: Any, unit: AdminUnit | None) -> bool:
    """True when the user may set or remove targets of the unit (national ones when None)."""
    paths = scope_paths(user, TARGET_SETTER_ROLES)
    if paths is None:
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(path) for path in paths)
