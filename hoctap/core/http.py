"""Request typing for views behind @login_required."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from hoctap.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in (the view is wrapped in @login_required)."""

    user: User
