"""Template context for the header: how many notifications the signed-in user has not read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from hoctap.core.models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`nav_unread_notifications`: the unread count, counted once and only when a template
    shows it (an htmx fragment without the header costs no query); 0 for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_unread_notifications": 0}

    # Templates call a callable without arguments; the cache makes a second mention free.
    @functools.cache
    def unread() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    counter: Callable[[], int] = unread
    return {"nav_unread_notifications": counter}
