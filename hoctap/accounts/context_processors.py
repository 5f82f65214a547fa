"""Template context for the role-aware navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hoctap.accounts.permissions import can_manage_users
from hoctap.accounts.selectors import user_primary_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu shows for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None, "nav_can_manage_users": False}
    return {
        "nav_role": user_primary_role(user),
        "nav_can_manage_users": can_manage_users(user),
    }
