"""A fixed-window request counter per client address, for public endpoints a script could hammer.

Counts live in Django's cache (shared between processes when the cache is Redis); a window is
one minute. `allow()` answers whether one more request from the address is within the limit.
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


def allow(request: HttpRequest, scope: str, limit: int, *, now: float | None = None) -> bool:
    """Count this request against `scope` for the caller; False once `limit` is exceeded."""
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    # add() is atomic: the first request of a window creates the counter, the others increment.
    if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
    return count <= limit
