"""Who may manage which accounts."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import ROLE_CAN_ASSIGN, ROLE_LEVELS, Role, RoleAssignment
from hoctap.adminunits.models import AdminUnit


def assignable_roles(user: Any) -> dict[str, list[str]]:
    """Role -> unit paths at or below which the user may hand that role out.

    An empty path list under a role means "anywhere" (system administrators).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    if user.is_superuser:
        return {role: [] for role in Role.values}
    result: dict[str, list[str]] = {}
    rows = RoleAssignment.objects.active().filter(user=user).values_list("role", "unit__path")
    for held_role, path in rows:
        for role in ROLE_CAN_ASSIGN.get(held_role, ()):
            if held_role == Role.SYSTEM_ADMIN:
                result[role] = []
            elif result.get(role) != []:
                result.setdefault(role, []).append(path)
    return result


def can_assign(user: Any, role: str, unit: AdminUnit | None) -> bool:
    """True when the user may give `role` at `unit`."""
    allowed = assignable_roles(user).get(role)
    if allowed is None:
        return False
    if role == Role.SYSTEM_ADMIN:
        return unit is None and allowed == []
    if unit is None or unit.level not in ROLE_LEVELS[role] or not unit.is_current:
        return False
    return allowed == [] or any(unit.path.startswith(path) for path in allowed)


def can_manage_users(user: Any) -> bool:
    """True when the user may create accounts for anyone."""
    return bool(assignable_roles(user))


def can_manage_user(actor: Any, target: Any) -> bool:
    """True when every active role of `target` lies inside what `actor` may assign."""
    if actor.pk == target.pk:
        return False
    assignments = list(RoleAssignment.objects.active().filter(user=target).select_related("unit"))
    if target.is_superuser:
        return bool(actor.is_superuser)
    return bool(assignments) and all(can_assign(actor, a.role, a.unit) for a in assignments)
