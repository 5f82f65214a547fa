"""Writes to the targets: local targets set by officials, and the national defaults."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.core.text import normalize_text
from hoctap.registry.services import NotPermitted
from hoctap.targets.indicators import indicator_get
from hoctap.targets.models import TARGET_YEARS, Target
from hoctap.targets.permissions import can_set_target

NATIONAL_TARGETS_FILE = Path(__file__).with_name("national_targets.yaml")
_HUNDREDTH = Decimal("0.01")


def _percentage(value: Any) -> Decimal:
    """The value as a percentage with two decimals, or a BusinessError."""
    refused = BusinessError(
        _("A target is a percentage from 0 to 100."),
        code="value",
    )
    if isinstance(value, bool) or value is None:
        raise refused
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as error:
        raise refused from error
    if not number.is_finite() or number < 0 or number > 100:
        raise refused
    return number.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def _check_unit(unit: AdminUnit | None) -> None:
    if unit is None:
        return
    if unit.level not in (Level.PROVINCE, Level.COMMUNE):
        raise BusinessError(_("Targets are set for a province or a commune."), code="unit")
    if not unit.is_current:
        raise BusinessError(
            _("%(unit)s no longer exists; set the target for the unit it became part of.")
            % {"unit": unit.name},
            code="retired",
        )


@transaction.atomic
def target_set(
    *,
    actor: Any,
    indicator: str,
    unit: AdminUnit | None,
    year: int,
    value: Decimal | int | float | str,
    source: str,
) -> Target:
    """Set (or change) the target of an indicator for a unit (national when None) and a year."""
    _check_unit(unit)
    if not can_set_target(actor, unit):
        raise NotPermitted(_("You may not set targets for this unit."), code="forbidden")
    if indicator_get(indicator) is None:
        raise BusinessError(_("Unknown indicator."), code="indicator")
    if year not in TARGET_YEARS:
        raise BusinessError(
            _("Targets are set for %(years)s.") % {"years": " / ".join(map(str, TARGET_YEARS))},
            code="year",
        )
    number = _percentage(value)
    source = normalize_text(source)[:255]
    if not source:
        raise BusinessError(_("Say which plan or decision sets this target."), code="source")
    target = (
        Target.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year).first()
    )
    before = None if target is None else str(target.value)
    if target is None:
        target = Target(indicator=indicator, unit=unit, year=year)
    target.unit_path = unit.path if unit is not None else ""
    target.value = number
    target.source = source
    target.set_by = actor if getattr(actor, "is_authenticated", False) else None
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    target.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise ConflictError(
            _("Someone else set this target at the same moment. Reload and try again."),
            code="concurrent",
        ) from error
    audit_event_record(
        actor=actor,
        action="target.set",
        obj=target,
        unit_path=target.unit_path,
        data={
            "indicator": indicator,
            "year": year,
            "value": str(number),
            "before": before,
            "source": source,
        },
    )
    return target


@transaction.atomic
def target_remove(*, actor: Any, target: Target) -> None:
    """Remove a target; the unit falls back to the one of the level above."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the unit.
    target = Target.objects.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
    if not can_set_target(actor, target.unit):
        raise NotPermitted(_("You may not set targets for this unit."), code="forbidden")
    audit_event_record(
        actor=actor,
        action="target.remove",
        obj=target,
        unit_path=target.unit_path,
        data={
            "indicator": target.indicator,
            "year": target.year,
            "value": str(target.value),
            "source": target.source,
        },
    )
    target.delete()


def national_targets_read(
    path: Path = NATIONAL_TARGETS_FILE,
) -> list[tuple[str, int, Decimal, str]]:
    """The national targets of the data file: (indicator, year, value, source), checked."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    targets: list[tuple[str, int, Decimal, str]] = []
    for entry in entries:
        code = entry["indicator"]
        if indicator_get(code) is None:
            raise ValueError(f"{path.name}: unknown indicator {code!r}")
        source = normalize_text(entry["source"])
        if not source:
            raise ValueError(f"{path.name}: {code} has no source")
        for year, value in entry["targets"].items():
            if int(year) not in TARGET_YEARS:
                raise ValueError(f"{path.name}: {code} has a target for {year}")
            targets.append((code, int(year), _percentage(value), source))
    return targets


@transaction.atomic
def national_targets_load(*, actor: Any = None) -> int:
    """Add the national targets of the data file that are missing; changes none that exist
    (a system administrator may have corrected one). Returns how many were added."""
    existing = set(Target.objects.filter(unit__isnull=True).values_list("indicator", "year"))
    added = 0
    for code, year, value, source in national_targets_read():
        if (code, year) in existing:
            continue
        target = Target.objects.create(
            indicator=code, unit=None, unit_path="", year=year, value=value, source=source
        )
        audit_event_record(
            actor=actor,
            action="target.load",
            obj=target,
            data={"indicator": code, "year": year, "value": str(value), "source": source},
        )
        added += 1
    return added
