"""A fixed-window request counter per client address, for public endpoints a script could hammer.

Counts live in Django's cache (shared between processes when the cache is Redis); a window is
one minute unless the caller asks for another length (the portal's registrations of interest
count per hour). `allow()` answers whether one more request from the address is within the limit.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind a proxy, configure it to set REMOTE_ADDR (never trust
    X-Forwarded-For here: a script would set it to a new value on every request)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def allow(
    request: HttpRequest,
    scope: str,
    limit: int,
    *,
    now: float | None = None,
    window: int = WINDOW_SECONDS,
) -> bool:
    """Count this request against `scope` for the caller; False once `limit` is exceeded
    within the current `window` (seconds; a minute by default)."""
    index = int((time.time() if now is None else now) // window)
    # The window's length is part of the key, so one scope never mixes minutes and hours.
    length = "" if window == WINDOW_SECONDS else f"{window}s:"
    key = f"ratelimit:{scope}:{length}{client_address(request)}:{index}"
    # add() is atomic: the first request of a window creates the counter, the others increment.
    if cache.add(key, 1, timeout=window * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window * 2)
            count = 1
    return count <= limit
