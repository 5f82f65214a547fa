"""Who may do what to the unit tree."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import OFFICIAL_ROLES
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level


def _official_paths(user: Any) -> list[str] | None:
    """Paths where the user holds an official role; None means everywhere."""
    return scope_paths(user, OFFICIAL_ROLES)


def can_manage_hamlets(user: Any, commune: AdminUnit) -> bool:
    """Commune officials of the commune, and officials above it, manage its hamlets."""
    if commune.level != Level.COMMUNE or not commune.is_current:
        return False
    paths = _official_paths(user)
    return paths is None or any(commune.path.startswith(p) for p in paths)
