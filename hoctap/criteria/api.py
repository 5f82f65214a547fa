"""Criteria sets in the JSON API, read only: what is scored and how.

Sets are not personal data; any signed-in user sees the shipped sets and the stored versions
in force nationwide or in the provinces their roles cover.
"""

# No `from __future__ import annotations` here: Ninja resolves `Query[...]` annotations at
# import time (see hoctap/adminunits/api.py).

import dataclasses
import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP, AdminUnit
from hoctap.criteria import engine, loader, selectors
from hoctap.criteria.schemas import CriteriaSetDetailOut, CriteriaSetOut, CriteriaSetQuery

router = Router(tags=["criteria"])


def _province_paths(user: Any) -> list[str] | None:
    """Paths of the provinces the user's roles lie in; None for the whole country."""
    paths = scope_paths(user)
    if paths is None:
        return None
    return sorted({path[:PATH_STEP] for path in paths})


def _summary(criteria_set: engine.CriteriaSet, origin: str, province: str | None) -> dict[str, Any]:
    return {
        "code": criteria_set.code,
        "version": criteria_set.version,
        "title": criteria_set.title,
        "subject_kind": criteria_set.subject_kind,
        "status": criteria_set.status,
        "mode": criteria_set.mode,
        "source": dataclasses.asdict(criteria_set.source),
        "valid_from": criteria_set.valid_from,
        "origin": origin,
        "province": province,
    }


@router.get("/criteria-sets", response=list[CriteriaSetOut])
def list_criteria_sets(request: HttpRequest) -> list[dict[str, Any]]:
    """The shipped sets, then the uploaded versions in force nationwide or in the caller's
    provinces."""
    shipped = [_summary(s, "shipped", None) for s in loader.shipped_sets()]
    shipped.sort(key=lambda row: (row["code"], row["valid_from"] or datetime.date.min))
    stored = [
        _summary(
            selectors.criteria_set_of_version(version),
            "stored",
            version.province.key if version.province is not None else None,
        )
        for version in selectors.criteria_set_versions_in_force(_province_paths(request.user))
    ]
    return shipped + stored


def _caller_province(user: Any) -> AdminUnit | None:
    paths = _province_paths(user)
    if not paths:
        return None
    return AdminUnit.objects.filter(path=paths[0]).first()


@router.get("/criteria-sets/{code}", response=CriteriaSetDetailOut)
def get_criteria_set(
    request: HttpRequest, code: str, filters: Query[CriteriaSetQuery]
) -> engine.CriteriaSet:
    """The set with this code in force for the caller's province: criteria, then indicators
    with their wording, maximum points, evidence hints and whether the system computes them."""
    on_date = (
        datetime.date(filters.year, 1, 1) if filters.year is not None else timezone.localdate()
    )
    try:
        return selectors.criteria_set_for(code, _caller_province(request.user), on_date)
    except LookupError as error:
        raise Http404 from error
