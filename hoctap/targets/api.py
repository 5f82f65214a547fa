"""Indicators, dashboards and targets in the JSON API.

Dashboards go through `hoctap.targets.selectors.dashboard`, which reads only the summary
tables: a unit outside the caller's dashboard scope answers 404 exactly like a missing one,
a bad year or hierarchy 422. Targets are written through `hoctap.targets.services`; as in the
rest of the API, a unit or target outside the caller's area is 404, one the caller sees but
may not set (a province's target seen from a commune, a national one) is 403, a refused value
(outside 0–100, an unknown indicator, a year other than 2025 and 2030) is 422. Nothing is
saved when any of these is answered.
"""

# No `from __future__ import annotations` here: Ninja resolves the views' annotations, and
# `Query[...]` must be evaluated where it is defined (as in the other routers).

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from hoctap.adminunits.models import AdminUnit
from hoctap.registry.services import NotPermitted
from hoctap.targets import schemas, selectors, services
from hoctap.targets.indicators import INDICATORS, indicator_get
from hoctap.targets.models import TARGET_YEARS, Target
from hoctap.targets.permissions import can_set_target
from hoctap.targets.schemas import (
    DashboardOut,
    DashboardQuery,
    IndicatorDefinitionOut,
    TargetFilter,
    TargetIn,
    TargetListOut,
    TargetOut,
)

router = Router(tags=["targets"])


@contextmanager
def _forbidden_when_not_permitted() -> Iterator[None]:
    """Inside the caller's area a refused write is 403; outside it the lookup already gave 404."""
    try:
        yield
    except NotPermitted as error:
        raise HttpError(403, " ".join(error.messages)) from error


def _unit(request: HttpRequest, key: str) -> AdminUnit | None:
    """The unit with the key if the caller may see its dashboard (404 otherwise); an empty key
    is where the caller's dashboards start (404 for a caller who has none)."""
    if key:
        return selectors.dashboard_unit_get(user=request.user, key=key)
    roots = selectors.dashboard_roots(request.user)
    if not roots:
        raise Http404
    return roots[0]


def _target_out(request: HttpRequest, target: Target) -> dict[str, Any]:
    return schemas.target_out(
        target,
        can_change=can_set_target(request.user, target.unit),
        indicator=indicator_get(target.indicator),
    )


# -- indicators -----------------------------------------------------------------------------


@router.get("/indicators", response=list[IndicatorDefinitionOut])
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """Every indicator the dashboards measure: what is counted over what, and the document
    that sets its national target. Names follow the request's language."""
    return [schemas.indicator_out(indicator) for indicator in INDICATORS]


# -- dashboards -----------------------------------------------------------------------------


@router.get("/dashboard", response=DashboardOut)
def get_dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """A unit's dashboard in a year: per indicator the numerator and denominator (and where
    they come from), the percentage (null without data), the 2025 and 2030 targets that apply
    and who set them, the status against the next target; registered vs recognised per title;
    the drill-down to the units below; the trend from 2021; the units furthest behind.

    Without `unit`, where the caller's dashboards start. The country's dashboard is for a
    national scope only; a unit outside the caller's area is 404; a year outside 2000–2100 is
    422. Figures are read from the summary tables, right the moment a decision is issued.
    """
    unit = _unit(request, query.unit)
    year = query.year if query.year is not None else timezone.localdate().year
    return schemas.dashboard_out(selectors.dashboard(request.user, unit, year, query.hierarchy))


# -- targets --------------------------------------------------------------------------------


@router.get("/targets", response=TargetListOut)
def list_targets(request: HttpRequest, filters: Query[TargetFilter]) -> dict[str, Any]:
    """The targets in the caller's area (national ones, those set in it and those set above it
    that apply there) and, for the unit (without `unit`: where the caller's dashboards start),
    the target that applies for each indicator and target year."""
    unit = _unit(request, filters.unit)
    targets = selectors.target_list(
        user=request.user, unit=unit if filters.unit else None
    ).order_by("indicator", "unit_path", "year")
    if filters.indicator:
        targets = targets.filter(indicator=filters.indicator)
    if filters.year is not None:
        targets = targets.filter(year=filters.year)
    applying = _applying(request, unit)
    return {
        "unit": schemas.unit_ref(unit),
        "targets": [_target_out(request, target) for target in targets],
        "applying": [
            item
            for item in applying
            if (not filters.indicator or item["indicator"] == filters.indicator)
            and (filters.year is None or item["year"] == filters.year)
        ],
    }


def _applying(request: HttpRequest, unit: AdminUnit | None) -> list[dict[str, Any]]:
    """For each indicator and target year, the target of the unit's chain that applies: the
    nearest (longest path; national "" last), as `selectors.target_for` resolves it."""
    chain: QuerySet[Target] = selectors.target_list(user=request.user, unit=unit)
    if unit is None:
        chain = chain.filter(unit__isnull=True)
    nearest: dict[tuple[str, int], Target] = {}
    for target in chain:
        key = (target.indicator, target.year)
        if key not in nearest or len(target.unit_path) > len(nearest[key].unit_path):
            nearest[key] = target
    applying = []
    for indicator in INDICATORS:
        for year in TARGET_YEARS:
            found = nearest.get((indicator.code, year))
            info = (
                selectors.TargetInfo(
                    indicator=indicator.code,
                    year=year,
                    value=found.value,
                    unit=found.unit,
                    source=found.source,
                )
                if found is not None
                else None
            )
            applying.append(
                {
                    "indicator": indicator.code,
                    "indicator_name": str(indicator.name),
                    "year": year,
                    "target": schemas.target_info_out(info),
                    "target_id": found.pk if found is not None else None,
                }
            )
    return applying


@router.put("/targets", response={200: TargetOut, 201: TargetOut})
def set_target(request: HttpRequest, payload: TargetIn) -> Any:
    """Set (201) or change (200) the target of an indicator for a province or commune, or the
    national one (`unit` null, system administrators only); it overrides the level above in
    the unit's area at once (commune → province → national).

    A unit outside the caller's area is 404; a unit the caller sees but may not set targets
    for (a collector's, the national target for an official) is 403; a value outside 0–100,
    an unknown indicator, a year other than 2025 or 2030, a hamlet or a missing source is 422.
    Nothing is saved when any of these is answered.
    """
    unit = (
        selectors.dashboard_unit_get(user=request.user, key=payload.unit) if payload.unit else None
    )
    existed = Target.objects.filter(
        indicator=payload.indicator, unit=unit, year=payload.year
    ).exists()
    with _forbidden_when_not_permitted():
        target = services.target_set(
            actor=request.user,
            indicator=payload.indicator,
            unit=unit,
            year=payload.year,
            value=payload.value,
            source=payload.source,
        )
    target = Target.objects.select_related("unit", "set_by").get(pk=target.pk)
    return Status(200 if existed else 201, _target_out(request, target))


@router.delete("/targets/{target_id}", response={204: None})
def remove_target(request: HttpRequest, target_id: int) -> Any:
    """Remove a local (or national) target; the unit falls back to the target of the level
    above. A target outside the caller's area is 404; one the caller sees but may not change
    (set above their unit) is 403, and nothing is removed."""
    target = selectors.target_list(user=request.user).get(pk=target_id)
    with _forbidden_when_not_permitted():
        services.target_remove(actor=request.user, target=target)
    return Status(204, None)
