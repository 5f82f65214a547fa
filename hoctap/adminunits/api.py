"""Units in the JSON API."""

# No `from __future__ import annotations` here: Ninja's @paginate wrapper resolves the
# view's string annotations in ninja.pagination's namespace, where `Query[...]` is unknown,
# so a paginated view with a Query schema would fail (500, and no OpenAPI schema).

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from hoctap.adminunits import selectors, services
from hoctap.adminunits.models import AdminUnitLineage
from hoctap.adminunits.schemas import AdminUnitDetailOut, AdminUnitOut, HamletIn, UnitFilter

router = Router(tags=["admin-units"])


@router.get("/admin-units", response=list[AdminUnitOut])
@paginate(PageNumberPagination, page_size=50)
def list_admin_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    """Units in the caller's scope; `q` ignores diacritics and case ("son la" finds "Sơn La")."""
    parent = selectors.unit_get(user=request.user, key=filters.parent) if filters.parent else None
    return selectors.unit_list(
        user=request.user,
        q=filters.q,
        kind=filters.kind,
        level=filters.level,
        parent=parent,
        include_retired=filters.include_retired,
    )


def _links(links: list[AdminUnitLineage], side: str) -> list[dict[str, Any]]:
    return [
        {
            "key": getattr(link, side).key,
            "name": getattr(link, side).name,
            "kind": link.kind,
            "effective_date": link.effective_date,
            "is_primary": link.is_primary,
        }
        for link in links
    ]


@router.get("/admin-units/{key}", response=AdminUnitDetailOut)
def get_admin_unit(request: HttpRequest, key: str, on: datetime.date | None = None) -> Any:
    """One unit: its ancestors, what it is now, and (with `on`) what it was on that date."""
    unit = selectors.unit_get(user=request.user, key=key)
    return {
        **AdminUnitOut.from_orm(unit).dict(),
        "ancestors": list(unit.ancestors().select_related("parent")),
        "children_count": unit.children.filter(valid_to__isnull=True).count(),
        "now": selectors.unit_successors_now(unit=unit),
        "then": selectors.unit_predecessors_on(unit=unit, on=on) if on else None,
        "predecessors": _links(
            list(unit.predecessor_links.select_related("predecessor")), "predecessor"
        ),
        "successors": _links(list(unit.successor_links.select_related("successor")), "successor"),
    }


@router.post("/admin-units/{key}/hamlets", response={201: AdminUnitOut})
def create_hamlet(request: HttpRequest, key: str, payload: HamletIn) -> Any:
    """Add a hamlet to a commune (commune officials and the officials above them)."""
    commune = selectors.unit_get(user=request.user, key=key)
    try:
        hamlet = services.hamlet_create(
            actor=request.user, commune=commune, name=payload.name, kind=payload.kind
        )
    except services.NotPermitted as error:
        raise HttpError(403, " ".join(error.messages)) from error
    return Status(201, hamlet)
