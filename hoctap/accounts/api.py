"""Accounts in the JSON API: who am I."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from hoctap.accounts.selectors import user_roles

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    unit: str | None
    unit_name: str | None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    """The signed-in user and their roles."""
    user: Any = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": [
            {
                "role": a.role,
                "role_label": str(a.get_role_display()),
                "unit": a.unit.key if a.unit else None,
                "unit_name": a.unit.name if a.unit else None,
            }
            for a in user_roles(user)
        ],
    }
