"""API schemas for the indicators, the dashboards and the targets: what a client may send (…In)
and what it gets back (…Out).

Percentages and targets are JSON numbers (one decimal for a percentage, two for a target), or
null when there is none: never 0 for "no data". Names and labels follow the request's language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Title
from hoctap.registry.models import StatisticKind, TargetGroup
from hoctap.targets.indicators import Figure, Indicator, Measure, Origin, Recognised, TitlePair
from hoctap.targets.models import Target
from hoctap.targets.selectors import (
    Behind,
    Dashboard,
    IndicatorRow,
    TargetInfo,
    TrendPoint,
    UnitRef,
    UnitRow,
)

# -- shared ---------------------------------------------------------------------------------


class UnitRefOut(Schema):
    key: str = Field(..., description="The unit's key (see /admin-units/{key}).")
    name: str
    level: int = Field(
        ..., description="1 province, 2 district (before 2025), 3 commune, 4 hamlet."
    )


def unit_ref(unit: AdminUnit | UnitRef | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"key": unit.key, "name": unit.name, "level": unit.level}


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# -- indicators -----------------------------------------------------------------------------


class MeasureOut(Schema):
    kind: Literal["recognised", "statistic"] = Field(
        ...,
        description="recognised: assessments of a title recognised in the year; statistic: a "
        "count the unit declared for the year, else the registry's count when it has one.",
    )
    title: str | None = Field(None, description="recognised: the title.")
    title_label: str | None = None
    variants: list[str] | None = Field(
        None, description="recognised: only these learning-citizen target groups (null: all)."
    )
    variant_labels: list[str] | None = None
    statistic: str | None = Field(None, description="statistic: what is counted.")
    statistic_label: str | None = None
    counted_by_registry: bool | None = Field(
        None, description="statistic: the registry can count it when the unit declared none."
    )
    label: str = Field(..., description="The definition in words.")


class IndicatorDefinitionOut(Schema):
    code: str
    name: str
    numerator: MeasureOut
    denominator: MeasureOut
    numerator_is_declared: bool = Field(
        ..., description="Only a statistic declared by the unit can give the numerator."
    )
    source: str = Field(..., description="The document that sets the national target.")
    note: str = Field(..., description="How the figure is approximated, or empty.")


def measure_out(measure: Measure) -> dict[str, Any]:
    if isinstance(measure, Recognised):
        title_label = str(Title(measure.title).label)
        variants = list(measure.variants) if measure.variants is not None else None
        variant_labels = (
            [str(TargetGroup(variant).label) for variant in variants]
            if variants is not None
            else None
        )
        label = (
            title_label if not variant_labels else f"{title_label} ({', '.join(variant_labels)})"
        )
        return {
            "kind": "recognised",
            "title": measure.title,
            "title_label": title_label,
            "variants": variants,
            "variant_labels": variant_labels,
            "label": label,
        }
    statistic_label = str(StatisticKind(measure.kind).label)
    return {
        "kind": "statistic",
        "statistic": measure.kind,
        "statistic_label": statistic_label,
        "counted_by_registry": measure.counted_by_registry,
        "label": statistic_label,
    }


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "numerator": measure_out(indicator.numerator),
        "denominator": measure_out(indicator.denominator),
        "numerator_is_declared": indicator.numerator_is_declared,
        "source": indicator.source,
        "note": str(indicator.note),
    }


# -- the dashboard --------------------------------------------------------------------------


class DashboardQuery(Schema):
    unit: str = Field(
        "",
        description="Key of the unit; empty: where the caller's dashboards start (the country "
        "for a national scope, else their province, commune or hamlet).",
    )
    year: int | None = Field(None, description="The year shown; empty: this year.")
    hierarchy: Literal["current", "historical"] = Field(
        "current",
        description="current: today's units, results of units that ended rolled into the "
        "unit they became; historical: the units of the time.",
    )


class OriginOut(Schema):
    kind: Literal["assessments", "declared", "registry", "none"]
    source: str = Field(..., description="declared: the statistic's source.")
    as_of_now: bool = Field(..., description="registry: today's count used for an earlier year.")
    label: str


class TargetInfoOut(Schema):
    year: int
    value: float = Field(..., description="The target, in percent.")
    set_by: UnitRefOut | None = Field(..., description="The unit that set it; null: national.")
    set_by_name: str
    source: str
    label: str = Field(..., description="“95%, set by Tỉnh Sơn La”.")


class WarningOut(Schema):
    code: str
    message: str


class FigureOut(Schema):
    code: str
    numerator: int | None
    numerator_origin: OriginOut
    denominator: int | None
    denominator_origin: OriginOut
    percentage: float | None = Field(..., description="null: no data (never 0 for unknown).")
    warnings: list[WarningOut]


class IndicatorRowOut(FigureOut):
    name: str
    target_2025: TargetInfoOut | None
    target_2030: TargetInfoOut | None
    next_target_year: int | None = Field(..., description="The target the status is judged by.")
    baseline: float | None = Field(..., description="The 2021 percentage (null: from 0).")
    expected: float | None = Field(
        ..., description="Where the line from the baseline to the next target stands this year."
    )
    gap: float | None = Field(..., description="Percentage points above (+) or below (−) it.")
    status: Literal["met", "on_track", "behind", "no_target", "no_data"]
    status_label: str


class TitlePairOut(Schema):
    title: str
    label: str
    registered: int
    recognised: int


class UnitRowOut(Schema):
    unit: UnitRefOut | None = Field(..., description="null: the whole country.")
    name: str
    has_data: bool
    indicators: list[IndicatorRowOut]
    titles: list[TitlePairOut] = Field(..., description="Registered vs recognised per title.")
    rolled_in: list[UnitRefOut] = Field(
        ..., description="Units that ended whose results are counted here (current hierarchy)."
    )


class TrendPointOut(Schema):
    year: int
    indicators: list[FigureOut]
    titles: list[TitlePairOut]


class BehindOut(Schema):
    unit: UnitRefOut | None
    name: str
    code: str
    indicator_name: str
    percentage: float | None
    expected: float | None
    gap: float


class DashboardOut(Schema):
    as_of: datetime.datetime = Field(..., description="When the figures were read.")
    unit: UnitRefOut | None = Field(..., description="null: the whole country.")
    name: str
    year: int
    hierarchy: Literal["current", "historical"] = Field(
        ..., description="The one used: historical for a unit that no longer exists."
    )
    summary: UnitRowOut
    children: list[UnitRowOut] = Field(
        ..., description="The drill-down: provinces, communes of a province, hamlets of a commune."
    )
    trend: list[TrendPointOut] = Field(..., description="The unit's figures from 2021 on.")
    furthest_behind: list[BehindOut]
    units_of_the_time: list[UnitRefOut]
    notes: list[str]


def origin_out(origin: Origin) -> dict[str, Any]:
    return {
        "kind": origin.kind,
        "source": origin.source,
        "as_of_now": origin.as_of_now,
        "label": str(origin),
    }


def target_info_out(target: TargetInfo | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "year": target.year,
        "value": float(target.value),
        "set_by": unit_ref(target.unit),
        "set_by_name": target.set_by_name,
        "source": target.source,
        "label": str(target),
    }


def figure_out(figure: Figure) -> dict[str, Any]:
    return {
        "code": figure.indicator.code,
        "numerator": figure.numerator,
        "numerator_origin": origin_out(figure.numerator_origin),
        "denominator": figure.denominator,
        "denominator_origin": origin_out(figure.denominator_origin),
        "percentage": number(figure.percentage),
        "warnings": [
            {"code": code, "message": message}
            for code, message in zip(figure.warnings, figure.warning_messages, strict=True)
        ],
    }


def indicator_row_out(row: IndicatorRow) -> dict[str, Any]:
    return {
        **figure_out(row.figure),
        "name": str(row.indicator.name),
        "target_2025": target_info_out(row.target_2025),
        "target_2030": target_info_out(row.target_2030),
        "next_target_year": row.next_target.year if row.next_target is not None else None,
        "baseline": number(row.baseline),
        "expected": number(row.expected),
        "gap": number(row.gap),
        "status": row.status,
        "status_label": row.status_label,
    }


def title_pair_out(pair: TitlePair) -> dict[str, Any]:
    return {
        "title": pair.title,
        "label": pair.label,
        "registered": pair.registered,
        "recognised": pair.recognised,
    }


def unit_row_out(row: UnitRow) -> dict[str, Any]:
    return {
        "unit": unit_ref(row.unit),
        "name": row.name,
        "has_data": row.has_data,
        "indicators": [indicator_row_out(item) for item in row.indicators],
        "titles": [title_pair_out(pair) for pair in row.titles],
        "rolled_in": [unit_ref(unit) for unit in row.rolled_in],
    }


def trend_point_out(point: TrendPoint) -> dict[str, Any]:
    return {
        "year": point.year,
        "indicators": [figure_out(figure) for figure in point.figures],
        "titles": [title_pair_out(pair) for pair in point.titles],
    }


def behind_out(behind: Behind) -> dict[str, Any]:
    return {
        "unit": unit_ref(behind.unit),
        "name": behind.unit.name if behind.unit is not None else "",
        "code": behind.row.indicator.code,
        "indicator_name": str(behind.row.indicator.name),
        "percentage": number(behind.row.percentage),
        "expected": number(behind.row.expected),
        "gap": float(behind.gap),
    }


def dashboard_out(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard as the API's JSON (see `DashboardOut`)."""
    return {
        "as_of": dashboard.as_of,
        "unit": unit_ref(dashboard.unit),
        "name": dashboard.summary.name,
        "year": dashboard.year,
        "hierarchy": dashboard.hierarchy,
        "summary": unit_row_out(dashboard.summary),
        "children": [unit_row_out(row) for row in dashboard.children],
        "trend": [trend_point_out(point) for point in dashboard.trend],
        "furthest_behind": [behind_out(item) for item in dashboard.furthest_behind],
        "units_of_the_time": [unit_ref(unit) for unit in dashboard.units_of_the_time],
        "notes": list(dashboard.notes),
    }


# -- targets --------------------------------------------------------------------------------


class TargetFilter(Schema):
    unit: str = Field(
        "",
        description="Key of a unit: only the targets that apply there (its own and those of "
        "the units above it, national included); empty: every target in the caller's area.",
    )
    indicator: str = Field("", description="Only this indicator's targets.")
    year: int | None = Field(None, description="Only this target year (2025 or 2030).")


class TargetIn(Schema):
    indicator: str = Field(..., description="An indicator's code (see /indicators).")
    unit: str | None = Field(
        ...,
        description="Key of the province or commune the target is for; null: the national "
        "target (system administrators only).",
    )
    year: int = Field(..., description="The target year: 2025 or 2030.")
    value: Decimal | str = Field(
        ..., description="The target in percent, from 0 to 100 (“95.5” or “95,5” as text)."
    )
    source: str = Field(..., description="The plan or decision that sets it.")


class TargetOut(Schema):
    id: int
    indicator: str
    indicator_name: str
    unit: UnitRefOut | None = Field(..., description="null: a national target.")
    year: int
    value: float = Field(..., description="The target, in percent.")
    source: str
    set_by: str = Field(..., description="Who set it last (empty: loaded from the decisions).")
    updated_at: datetime.datetime
    can_change: bool = Field(..., description="The caller may change or remove it.")


class AppliedTargetOut(Schema):
    indicator: str
    indicator_name: str
    year: int
    target: TargetInfoOut | None = Field(..., description="null: no target applies.")
    target_id: int | None = Field(..., description="The target row that applies (see targets).")


class TargetListOut(Schema):
    unit: UnitRefOut | None = Field(
        ..., description="The unit `applying` is for; null: the whole country."
    )
    targets: list[TargetOut]
    applying: list[AppliedTargetOut] = Field(
        ...,
        description="For each indicator and target year, the target that applies in the unit: "
        "its own, else the nearest unit's above, else the national one.",
    )


def target_out(target: Target, *, can_change: bool, indicator: Indicator | None) -> dict[str, Any]:
    return {
        "id": target.pk,
        "indicator": target.indicator,
        "indicator_name": str(indicator.name) if indicator is not None else target.indicator,
        "unit": unit_ref(target.unit),
        "year": target.year,
        "value": float(target.value),
        "source": target.source,
        "set_by": str(target.set_by) if target.set_by is not None else "",
        "updated_at": target.updated_at,
        "can_change": can_change,
    }
