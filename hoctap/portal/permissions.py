"""Who writes the portal and who handles the registrations of interest.

- An editor (`Role.PORTAL_EDITOR`) writes and publishes for the unit of their assignment
  only: a commune's editors on the commune's page, a province's on the province's (not its
  communes'); system administrators for any unit and for the national pages.
- A registration of interest is handled by the collectors and officials whose scope covers
  its hamlet (the people who register subjects there).
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role, RoleAssignment
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit
from hoctap.portal.models import Interest

INTEREST_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.COLLECTOR,
)


def editor_units(user: Any) -> list[AdminUnit | None]:
    """The units the user writes for ([None, …] for a system administrator: national)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if scope_paths(user, (Role.SYSTEM_ADMIN,)) is None:
        return [None]
    assignments = RoleAssignment.objects.active().filter(user=user, role=Role.PORTAL_EDITOR)
    return [assignment.unit for assignment in assignments.select_related("unit")]


def can_edit_for(user: Any, unit: AdminUnit | None) -> bool:
    """True when the user writes and publishes the portal pages of the unit."""
    units = editor_units(user)
    if units == [None]:
        return True
    return unit is not None and any(u is not None and u.pk == unit.pk for u in units)


def can_handle_interest(user: Any, interest: Interest) -> bool:
    paths = scope_paths(user, INTEREST_ROLES)
    if paths is None:
        return True
    return any(interest.unit_path.startswith(path) for path in paths)
