"""Reads: which criteria set applies to a unit on a date."""

from __future__ import annotations

import datetime
import functools

from django.db.models import Q

from hoctap.adminunits.models import PATH_STEP, AdminUnit
from hoctap.criteria import engine, loader
from hoctap.criteria.models import CriteriaSetVersion, VersionStatus


@functools.lru_cache(maxsize=128)
def _parse(yaml_text: str, file: str) -> engine.CriteriaSet:
    # Stored texts were validated on upload; the cache spares re-parsing on every assessment.
    return loader.load_text(yaml_text, file=file)


def criteria_set_shipped(code: str, on_date: datetime.date) -> engine.CriteriaSet:
    """The shipped set with this code in force on the date (the earliest one before any is)."""
    candidates = sorted(
        (s for s in loader.shipped_sets() if s.code == code),
        key=lambda s: s.valid_from or datetime.date.min,
    )
    if not candidates:
        raise LookupError(f"no criteria set with code {code!r}")
    in_force = [s for s in candidates if (s.valid_from or datetime.date.min) <= on_date]
    return in_force[-1] if in_force else candidates[0]


def criteria_set_version_in_force(
    code: str, unit: AdminUnit | None, on_date: datetime.date
) -> CriteriaSetVersion | None:
    """The stored version in force: the unit's province's own, else a national one, else None."""
    versions = CriteriaSetVersion.objects.filter(
        code=code, status=VersionStatus.ACTIVE, valid_from__lte=on_date
    )
    if unit is not None:
        # The province is the root of the unit's materialized path.
        own = (
            versions.filter(province__path=unit.path[:PATH_STEP])
            .order_by("-valid_from", "-created_at", "-pk")
            .first()
        )
        if own is not None:
            return own
    return (
        versions.filter(province__isnull=True).order_by("-valid_from", "-created_at", "-pk").first()
    )


def criteria_set_for(
    code: str, unit: AdminUnit | None, on_date: datetime.date
) -> engine.CriteriaSet:
    """The set applying to a unit on a date: its province's, else a national one, else shipped."""
    version = criteria_set_version_in_force(code, unit, on_date)
    if version is None:
        return criteria_set_shipped(code, on_date)
    return _parse(version.yaml_text, f"criteria set version #{version.pk}")


def criteria_set_of_version(version: CriteriaSetVersion) -> engine.CriteriaSet:
    """The parsed set a stored version holds."""
    return _parse(version.yaml_text, f"criteria set version #{version.pk}")


def criteria_set_versions_in_force(province_paths: list[str] | None) -> list[CriteriaSetVersion]:
    """Stored versions in force, national or of the given provinces (None: every province)."""
    versions = CriteriaSetVersion.objects.filter(status=VersionStatus.ACTIVE).select_related(
        "province"
    )
    if province_paths is not None:
        versions = versions.filter(Q(province__isnull=True) | Q(province__path__in=province_paths))
    return list(versions.order_by("code", "-valid_from", "-created_at", "-pk"))
