"""Who may do what to the unit tree."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import OFFICIAL_ROLES, Role, RoleAssignment
from hoctap.adminunits.models import AdminUnit, Level


def _official_paths(user: Any) -> list[str] | None:
    """Paths where the user holds an official role; None means everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    rows = list(
        RoleAssignment.objects.active()
        .filter(user=user, role__in=OFFICIAL_ROLES)
        .values_list("role", "unit__path")
    )
    if any(role == Role.SYSTEM_ADMIN for role, _ in rows):
        return None
    return [path for _, path in rows if path]


def can_manage_hamlets(user: Any, commune: AdminUnit) -> bool:
    """Commune officials of the commune, and officials above it, manage its hamlets."""
    if commune.level != Level.COMMUNE or not commune.is_current:
        return False
    paths = _official_paths(user)
    return paths is None or any(commune.path.startswith(p) for p in paths)
