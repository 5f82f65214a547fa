"""The scoping entry point: which subtrees a user's roles cover."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role, RoleAssignment

_CACHE_ATTR = "_hoctap_scope_paths"


def scope_paths(user: Any) -> list[str] | None:
    """Unit paths the user's active roles cover; None means the whole country.

    Cached on the user object for the request, since every list and check asks.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if hasattr(user, _CACHE_ATTR):
        cached: list[str] | None = getattr(user, _CACHE_ATTR)
        return cached
    result: list[str] | None
    if user.is_superuser:
        result = None
    else:
        rows = list(
            RoleAssignment.objects.active().filter(user=user).values_list("role", "unit__path")
        )
        if any(role == Role.SYSTEM_ADMIN for role, _ in rows):
            result = None
        else:
            result = sorted({path for _, path in rows if path})
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's assignments change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def path_in_scope(user: Any, path: str) -> bool:
    """True when a unit with this path lies in the user's scope."""
    paths = scope_paths(user)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)
