"""One helper renders a full page or, for htmx requests, one named partial of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template_name`; an htmx request targeting `partial` gets only that block.

    The partial's name equals the id of the element htmx swaps, so the target
    tells which block to send.
    """
    htmx = getattr(request, "htmx", None)
    if partial and htmx and htmx.target == partial:
        return render(request, f"{template_name}#{partial}", context, status=status)
    return render(request, template_name, context, status=status)
