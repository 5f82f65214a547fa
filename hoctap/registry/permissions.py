"""Who may change the registry: officials of the commune (and above) and the hamlet's collectors."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit

EDITOR_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COMMUNE_OFFICIAL,
    Role.COLLECTOR,
)
# Who may read registry rows (names, households): the same people who keep them. A citizen
# or an organisation head does not browse their neighbours' records (Decree 13/2023).
READER_ROLES = EDITOR_ROLES


def editable_paths(user: Any) -> list[str] | None:
    """Unit paths where the user may write registry rows; None means everywhere."""
    return scope_paths(user, EDITOR_ROLES)


def can_edit_at(user: Any, unit: AdminUnit) -> bool:
    """True when the user may add or change registry rows placed at this unit."""
    paths = editable_paths(user)
    return paths is None or any(unit.path.startswith(p) for p in paths)


def can_edit(user: Any, obj: Any) -> bool:
    """True when the user may change this registry row."""
    paths = editable_paths(user)
    return paths is None or any(obj.unit_path.startswith(p) for p in paths)


def can_import_into(user: Any, commune: AdminUnit) -> bool:
    """Importing writes into a commune: officials of it (and above) or its hamlets' collectors."""
    paths = editable_paths(user)
    if paths is None:
        return True
    return any(commune.path.startswith(p) or p.startswith(commune.path) for p in paths)
