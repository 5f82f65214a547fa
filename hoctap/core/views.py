"""The home page per role, the user's notifications, and a health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoctap.accounts.models import Role
from hoctap.accounts.selectors import user_primary_role, user_roles
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.adminunits.selectors import unit_roots
from hoctap.core.http import AuthenticatedHttpRequest
from hoctap.core.models import Notification
from hoctap.core.rendering import render_page
from hoctap.core.services import notifications_mark_read

NOTIFICATIONS_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it works with: officials on their units, others on their place;
    visitors who are not signed in on the public portal."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    role = user_primary_role(request.user)
    roots = list(unit_roots(user=request.user)[:50])
    # Officials of a province or commune see the size of their area at a glance.
    areas = []
    if role in (Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL):
        for root in roots[:5]:
            counts = dict(
                AdminUnit.objects.current()
                .subtree(root)
                .filter(level__in=[Level.COMMUNE, Level.HAMLET])
                .order_by()
                .values_list("level")
                .annotate(n=Count("id"))
                .values_list("level", "n")
            )
            areas.append(
                {
                    "unit": root,
                    "communes": counts.get(Level.COMMUNE, 0),
                    "hamlets": counts.get(Level.HAMLET, 0),
                }
            )
    return render_page(
        request,
        "core/home.html",
        {"role": role, "roots": roots, "areas": areas, "assignments": user_roles(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own notifications, newest first; a post marks one (`notification`) or all
    (`all`) read. Someone else's notification answers 404, like one that does not exist."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        if request.POST.get("all"):
            notifications_mark_read(user=request.user)
            messages.success(request, _("All notifications are marked read."))
        else:
            raw = request.POST.get("notification", "")
            if not raw.isdigit() or not mine.filter(pk=int(raw)).exists():
                raise Http404
            # One already read is no error: the page shows it read either way.
            notifications_mark_read(user=request.user, pk=int(raw))
        return redirect("core:notifications")
    page = Paginator(mine.order_by("-created_at", "-id"), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for notification in page.object_list:
        # Services store paths inside the application; anything else is shown, not linked.
        safe = url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=False
        )
        notification.link = notification.url if safe else ""  # type: ignore[attr-defined]
    context = {
        "page": page,
        "notifications": page.object_list,
        "has_unread": mine.filter(read_at__isnull=True).exists(),
    }
    return render_page(request, "core/notifications.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
