"""The scoping entry point: which subtrees a user's roles cover."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role, RoleAssignment

_CACHE_ATTR = "_hoctap_scope_paths"


def _role_rows(user: Any) -> list[tuple[str, str | None]]:
    """The user's active (role, unit path) pairs, cached on the user object for the request."""
    if not hasattr(user, _CACHE_ATTR):
        rows = list(
            RoleAssignment.objects.active().filter(user=user).values_list("role", "unit__path")
        )
        setattr(user, _CACHE_ATTR, rows)
    cached: list[tuple[str, str | None]] = getattr(user, _CACHE_ATTR)
    return cached


def scope_paths(user: Any, roles: tuple[str, ...] | None = None) -> list[str] | None:
    """Unit paths the user's active roles cover; None means the whole country.

    With `roles`, only assignments of those roles count: personal data in the registry is
    visible to officials and collectors, not to every citizen of the hamlet. Without, a portal
    editor's assignment does not count (see below).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    # Without `roles`, every role that works on the data counts; a portal editor's assignment
    # only lets them write public pages (asked for by name), never read the records.
    rows = [
        (role, path)
        for role, path in _role_rows(user)
        if (role in roles if roles is not None else role != Role.PORTAL_EDITOR)
    ]
    if any(role == Role.SYSTEM_ADMIN for role, _ in rows):
        return None
    return sorted({path for _, path in rows if path})


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
