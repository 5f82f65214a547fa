"""Caching of the public portal's pages for anonymous visitors.

Most visitors of the portal are anonymous and read the same few pages (the home page, a
province's page, the latest guidance); each of them costs a dozen queries. `public_page` keeps
the rendered page in Django's cache for `PUBLIC_PAGE_SECONDS` (60 s), one copy per address
(path and query), language and host. So what an editor publishes or withdraws shows up on the
public pages **within a minute**, without any invalidation to forget.

Served fresh, and never stored:
- signed-in visitors (an editor previewing sees the page as it is now; their header differs);
- requests other than GET/HEAD, and anonymous visitors with pending messages;
- responses that are not 200, that stream (files), that set a cookie (a CSRF token, a
  message, a session: a cached copy would hand one visitor's cookie-bound token to another).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

PUBLIC_PAGE_SECONDS = 60
# The cookie of Django's cookie message storage: such a visitor has a message to see.
_MESSAGES_COOKIE = "messages"

View = Callable[..., HttpResponseBase]


def cache_key(request: HttpRequest) -> str:
    """The key of a page: host, path and query, the language it is shown in, and the htmx
    fragment asked for (an htmx request may get one part of the page, `render_page`)."""
    fragment = request.headers.get("HX-Target", "") if request.headers.get("HX-Request") else "-"
    address = "|".join(
        (request.get_host(), request.get_full_path(), translation.get_language(), fragment)
    )
    return "portal:page:" + hashlib.sha256(address.encode()).hexdigest()


def _may_serve_cached(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if _MESSAGES_COOKIE in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _may_store(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The CSRF and message middleware add their cookies after the view returns: ask them now.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    # Messages shown or queued: the storage rewrites its cookie or the session on the way out
    # (its private attributes are the only way to ask; showing no message writes nothing).
    messages = getattr(request, "_messages", None)
    if messages is not None and (
        getattr(messages, "_queued_messages", None) or getattr(messages, "_loaded_data", None)
    ):
        return False
    return not response.has_header("Cache-Control")  # the view chose its own caching


def _mark_public(response: HttpResponseBase) -> None:
    patch_cache_control(response, public=True, max_age=PUBLIC_PAGE_SECONDS)
    patch_vary_headers(response, ("Cookie", "HX-Request", "HX-Target"))


def public_page(view: View) -> View:
    """Serve anonymous GET/HEAD requests of this view from the cache for a minute."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _may_serve_cached(request):
            response = view(request, *args, **kwargs)
            if getattr(request, "user", None) is not None and request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = cache_key(request)
        cached: HttpResponse | None = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)

        def store(rendered: HttpResponseBase) -> None:
            if _may_store(request, rendered):
                _mark_public(rendered)
                cache.set(key, rendered, PUBLIC_PAGE_SECONDS)

        if getattr(response, "is_rendered", True) is False:
            response.add_post_render_callback(store)  # type: ignore[attr-defined]
        else:
            store(response)
        return response

    return wrapper
