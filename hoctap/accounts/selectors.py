"""Reads of accounts, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hoctap.accounts.models import OFFICIAL_ROLES, Role, RoleAssignment, User
from hoctap.accounts.scope import scope_paths
from hoctap.core.text import search_key


def user_visible_to(actor: Any) -> QuerySet[User]:
    """Users the actor may see: those holding a role inside the actor's scope.

    Only officials see other accounts; everybody sees themselves.
    """
    if not getattr(actor, "is_authenticated", False):
        return User.objects.none()
    paths = scope_paths(actor)
    if paths is None:
        return User.objects.all()
    is_official = (
        RoleAssignment.objects.active().filter(user=actor, role__in=OFFICIAL_ROLES).exists()
    )
    if not is_official or not paths:
        return User.objects.filter(pk=actor.pk)
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    in_scope = RoleAssignment.objects.active().filter(condition, user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(in_scope)) | Q(pk=actor.pk))


def user_list(*, actor: Any, q: str = "") -> QuerySet[User]:
    """Users in scope, searchable by name or user name ignoring diacritics."""
    users = user_visible_to(actor).prefetch_related("assignments__unit").order_by("username")
    if q:
        key = search_key(q)
        matches = [
            u.pk
            for u in users.only("pk", "username", "full_name")
            if key in search_key(f"{u.username} {u.full_name}")
        ]
        users = users.filter(pk__in=matches)
    return users


def user_roles(user: Any) -> list[RoleAssignment]:
    """The user's active role assignments with their units."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(RoleAssignment.objects.active().filter(user=user).select_related("unit"))


def user_primary_role(user: Any) -> str | None:
    """The broadest role the user holds, which picks their home page."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.SYSTEM_ADMIN
    held = {a.role for a in user_roles(user)}
    for role in Role.values:
        if role in held:
            return role
    return None
