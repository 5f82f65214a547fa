"""The home page per role, and a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse

from hoctap.accounts.models import Role
from hoctap.accounts.selectors import user_primary_role, user_roles
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.adminunits.selectors import unit_roots
from hoctap.core.rendering import render_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it works with: officials on their units, others on their place."""
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


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
