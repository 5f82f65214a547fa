"""Pages of the dashboards: a unit's figures against the 2025 and 2030 targets, the drill-down to
the units below (a table sortable by `?sort=` and a bar chart), the trend since 2021, the units
furthest behind, the .xlsx export, and the targets page where officials set local targets.

Every figure comes from `selectors.dashboard`; the charts are inline SVG drawn here, so the
pages need no JS and no chart library. A unit outside the user's scope answers 404; a refused
target changes nothing and the page shows the service's message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.registry.services import NotPermitted
from hoctap.targets import excel, selectors, services
from hoctap.targets.forms import DashboardFilterForm, TargetForm
from hoctap.targets.indicators import INDICATOR_BY_CODE, INDICATORS, Indicator
from hoctap.targets.models import TARGET_YEARS, Target
from hoctap.targets.permissions import can_set_target, can_view_dashboard
from hoctap.targets.selectors import Dashboard, IndicatorRow, Status, UnitRow

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Status order for sorting: the worst first when ascending.
STATUS_ORDER = {
    Status.BEHIND: 0,
    Status.ON_TRACK: 1,
    Status.MET: 2,
    Status.NO_TARGET: 3,
    Status.NO_DATA: 4,
}
STATUS_BADGES = {
    Status.MET: "text-bg-success",
    Status.ON_TRACK: "text-bg-info",
    Status.BEHIND: "text-bg-danger",
    Status.NO_TARGET: "text-bg-secondary",
    Status.NO_DATA: "text-bg-light border",
}
TARGET_ERROR_FIELDS = {
    "value": "value",
    "source": "source",
    "indicator": "indicator",
    "year": "year",
}
# Geometry of the charts (SVG user units; the SVG scales to the page's width).
BAR_LABEL_WIDTH = 180
BAR_AREA_WIDTH = 360
BAR_VALUE_WIDTH = 110
BAR_HEIGHT = 22
BAR_GAP = 8
TREND_HEIGHT = 180
TREND_TOP = 24
TREND_BOTTOM = 36
TREND_STEP = 64


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing and out of scope both answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _unit_url(name: str, unit: AdminUnit | None, query: str = "") -> str:
    """The page of the unit (of the country when None), with the query string."""
    url = (
        reverse(f"targets:{name}", args=[unit.key])
        if unit is not None
        else reverse(f"targets:country_{name}")
    )
    return f"{url}?{query}" if query else url


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{selectors.percent_text(value)}%"


# -- the dashboard ------------------------------------------------------------------------------


@dataclasses.dataclass
class Crumb:
    name: str
    url: str | None


def _breadcrumb(user: Any, unit: AdminUnit | None) -> list[Crumb]:
    """The units above, up to the user's root: links only where the user may look."""
    if unit is None:
        return []
    crumbs = []
    if can_view_dashboard(user, None):
        crumbs.append(Crumb(_("Whole country"), _unit_url("dashboard", None)))
    above = AdminUnit.objects.filter(path__in=unit.ancestor_paths()).order_by("level", "path")
    for item in above:
        if can_view_dashboard(user, item):
            crumbs.append(Crumb(item.name, _unit_url("dashboard", item)))
    return crumbs


@dataclasses.dataclass
class ChildLine:
    """One unit below in the drill-down table, for the chosen indicator."""

    unit_row: UnitRow
    row: IndicatorRow
    url: str | None

    @property
    def name(self) -> str:
        return self.unit_row.name

    def key(self, column: str) -> Any:
        figure = self.row.figure
        next_target = self.row.next_target
        return {
            "name": self.name.casefold(),
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "percentage": figure.percentage,
            "target": next_target.value if next_target is not None else None,
            "status": STATUS_ORDER[Status(self.row.status)],
            "gap": self.row.gap,
        }[column]


def _sorted(lines: list[ChildLine], sort: str) -> list[ChildLine]:
    """Sorted by the column; units without a value come last whichever the direction."""
    column = sort.removeprefix("-")
    descending = sort.startswith("-")
    known = [line for line in lines if line.key(column) is not None]
    unknown = [line for line in lines if line.key(column) is None]
    known.sort(key=lambda line: (line.key(column), line.name), reverse=descending)
    unknown.sort(key=lambda line: line.name)
    return known + unknown


@dataclasses.dataclass
class Bar:
    y: int
    text_y: int
    line_y1: int
    line_y2: int
    label: str
    value_text: str
    width: float
    target_x: float | None
    status: str
    url: str | None


@dataclasses.dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    area_width: int
    value_x: int
    axis_y: int
    bars: list[Bar]
    scale_max: int
    ticks: list[tuple[float, str]]
    bar_height: int = BAR_HEIGHT


def _bar_chart(lines: list[ChildLine]) -> BarChart | None:
    if not lines:
        return None
    values = [line.row.percentage for line in lines if line.row.percentage is not None]
    # Above 100 % only where a declared denominator is out of date; the scale follows it.
    scale_max = max(100, int(max(values, default=Decimal(0)) + 9) // 10 * 10)

    def x(value: Decimal) -> float:
        """Absolute x of a percentage on the bars' scale."""
        return round(BAR_LABEL_WIDTH + float(value) * BAR_AREA_WIDTH / scale_max, 1)

    bars = []
    for index, line in enumerate(lines):
        percentage = line.row.percentage
        target = line.row.next_target
        bars.append(
            Bar(
                y=index * (BAR_HEIGHT + BAR_GAP) + BAR_GAP,
                text_y=index * (BAR_HEIGHT + BAR_GAP) + BAR_GAP + 15,
                line_y1=index * (BAR_HEIGHT + BAR_GAP) + BAR_GAP - 3,
                line_y2=index * (BAR_HEIGHT + BAR_GAP) + BAR_GAP + BAR_HEIGHT + 3,
                label=line.name,
                value_text=_percent(percentage) if percentage is not None else _("no data"),
                width=x(percentage) - BAR_LABEL_WIDTH if percentage is not None else 0,
                target_x=x(target.value) if target is not None else None,
                status=line.row.status,
                url=line.url,
            )
        )
    height = len(lines) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP + 20
    ticks = [(x(Decimal(value)), f"{value}%") for value in range(0, scale_max + 1, 25)]
    return BarChart(
        width=BAR_LABEL_WIDTH + BAR_AREA_WIDTH + BAR_VALUE_WIDTH,
        height=height,
        label_width=BAR_LABEL_WIDTH,
        area_width=BAR_AREA_WIDTH,
        value_x=BAR_LABEL_WIDTH + BAR_AREA_WIDTH + 6,
        axis_y=height - 4,
        bars=bars,
        scale_max=scale_max,
        ticks=ticks,
    )


@dataclasses.dataclass
class TrendBar:
    x: int
    center_x: int
    y: float
    height: float
    year: int
    value_text: str
    has_data: bool


@dataclasses.dataclass
class TrendChart:
    width: int
    height: int
    baseline_y: int
    year_y: int
    bars: list[TrendBar]
    target_y: float | None
    target_text: str
    bar_width: int = 40


def _trend_chart(dashboard: Dashboard, indicator: Indicator) -> TrendChart:
    area = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    values: list[Decimal] = []
    for point in dashboard.trend:
        value = point.figure(indicator.code).percentage
        if value is not None:
            values.append(value)
    scale_max = max(100, int(max(values, default=Decimal(0)) + 9) // 10 * 10)
    baseline_y = TREND_HEIGHT - TREND_BOTTOM

    def height(value: Decimal) -> float:
        return round(float(value) * area / scale_max, 1)

    bars = []
    for index, point in enumerate(dashboard.trend):
        percentage = point.figure(indicator.code).percentage
        bar_height = height(percentage) if percentage is not None else 0
        bars.append(
            TrendBar(
                x=20 + index * TREND_STEP,
                center_x=40 + index * TREND_STEP,
                y=baseline_y - bar_height,
                height=bar_height,
                year=point.year,
                value_text=_percent(percentage) if percentage is not None else _("no data"),
                has_data=percentage is not None,
            )
        )
    target = dashboard.summary.row(indicator.code).next_target
    return TrendChart(
        width=40 + len(bars) * TREND_STEP,
        height=TREND_HEIGHT,
        baseline_y=baseline_y,
        year_y=baseline_y + 16,
        bars=bars,
        target_y=baseline_y - height(target.value) if target is not None else None,
        target_text=(
            _("target %(year)s: %(value)s") % {"year": target.year, "value": _percent(target.value)}
            if target is not None
            else ""
        ),
    )


def _dashboard_for(request: HttpRequest, unit: AdminUnit | None) -> tuple[Dashboard, Any]:
    form = DashboardFilterForm(request.GET)
    choice = form.choice()
    try:
        board = selectors.dashboard(request.user, unit, choice["year"], choice["hierarchy"])
    except selectors.DashboardUnitNotFound as error:
        raise Http404 from error
    return board, (form, choice)


def _query(choice: dict[str, Any], **changes: Any) -> str:
    values = {**choice, **changes}
    return urlencode({name: values[name] for name in ("year", "hierarchy", "indicator", "sort")})


@require_safe
@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The country for a national scope; anyone else lands on their first dashboard root."""
    roots = selectors.dashboard_roots(request.user)
    if not roots:
        raise Http404
    if roots[0] is None:
        return _dashboard_page(request, None)
    query = request.GET.urlencode()
    return HttpResponseRedirect(_unit_url("dashboard", roots[0], query))


@require_safe
@login_required
def dashboard_unit(request: HttpRequest, key: str) -> HttpResponse:
    unit = _found(lambda: selectors.dashboard_unit_get(user=request.user, key=key))
    return _dashboard_page(request, unit)


def _dashboard_page(request: HttpRequest, unit: AdminUnit | None) -> HttpResponse:
    board, (form, choice) = _dashboard_for(request, unit)
    indicator = INDICATOR_BY_CODE[choice["indicator"]]
    lines = [
        ChildLine(
            unit_row=child,
            row=child.row(indicator.code),
            url=_unit_url("dashboard", child.unit, _query(choice, sort="name"))
            if child.unit is not None
            else None,
        )
        for child in board.children
    ]
    lines = _sorted(lines, choice["sort"])
    columns = [
        ("name", _("Unit")),
        ("numerator", _("Numerator")),
        ("denominator", _("Denominator")),
        ("percentage", _("Percentage")),
        ("target", _("Next target")),
        ("status", _("Status")),
        ("gap", _("Against the trajectory")),
    ]
    headers = []
    for column, label in columns:
        current = choice["sort"].removeprefix("-") == column
        descending = choice["sort"].startswith("-")
        following = f"-{column}" if current and not descending else column
        headers.append(
            {
                "column": column,
                "label": label,
                "url": "?" + _query(choice, sort=following) + "#children",
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    units_of_the_time = [
        {
            "unit": item,
            "url": _unit_url("dashboard", item, _query(choice, hierarchy="historical"))
            if can_view_dashboard(request.user, item)
            else None,
        }
        for item in board.units_of_the_time
    ]
    behind = [
        {
            "item": item,
            "url": _unit_url("dashboard", item.unit, _query(choice)) if item.unit else None,
        }
        for item in board.furthest_behind
    ]
    context = {
        "board": board,
        "unit": unit,
        "form": form,
        "choice": choice,
        "indicator": indicator,
        "indicators": INDICATORS,
        "breadcrumb": _breadcrumb(request.user, unit),
        "lines": lines,
        "headers": headers,
        "bar_chart": _bar_chart(lines),
        "trend_chart": _trend_chart(board, indicator),
        "behind": behind,
        "units_of_the_time": units_of_the_time,
        "status_badges": STATUS_BADGES,
        "export_url": _unit_url("export", unit, _query(choice)),
        "targets_url": _unit_url("targets", unit),
        "children_level": _children_level(unit),
    }
    return render(request, "targets/dashboard.html", context)


def _children_level(unit: AdminUnit | None) -> str:
    if unit is None:
        return _("Provinces")
    if unit.level == Level.PROVINCE:
        return _("Communes")
    if unit.level in (Level.DISTRICT,):
        return _("Communes")
    return _("Hamlets")


# -- the export ---------------------------------------------------------------------------------


@require_safe
@login_required
def country_export(request: HttpRequest) -> HttpResponse:
    if not can_view_dashboard(request.user, None):
        raise Http404
    return _export(request, None)


@require_safe
@login_required
def dashboard_export(request: HttpRequest, key: str) -> HttpResponse:
    unit = _found(lambda: selectors.dashboard_unit_get(user=request.user, key=key))
    return _export(request, unit)


def _export(request: HttpRequest, unit: AdminUnit | None) -> HttpResponse:
    board, _form = _dashboard_for(request, unit)
    response = HttpResponse(excel.dashboard_xlsx(board), content_type=XLSX)
    name = f"bang-chi-tieu-{unit.key if unit is not None else 'ca-nuoc'}-{board.year}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


# -- targets ------------------------------------------------------------------------------------


@dataclasses.dataclass
class ChainLink:
    """A target along the override chain of one indicator and year."""

    target: Target
    applies: bool
    own: bool

    @property
    def set_by(self) -> str:
        return self.target.unit.name if self.target.unit is not None else _("national")


@dataclasses.dataclass
class TargetLine:
    indicator: Indicator
    year: int
    chain: list[ChainLink]

    @property
    def own(self) -> Target | None:
        return next((link.target for link in self.chain if link.own), None)


def _target_lines(user: Any, unit: AdminUnit | None) -> list[TargetLine]:
    """Per indicator and year, the targets of the unit and the units above, nearest first."""
    rows = list(selectors.target_list(user=user, unit=unit))
    depth = {"": -1}
    lines = []
    for indicator in INDICATORS:
        for year in TARGET_YEARS:
            found = [t for t in rows if t.indicator == indicator.code and t.year == year]
            found.sort(key=lambda t: len(t.unit_path) if t.unit_path else depth[""], reverse=True)
            own_path = unit.path if unit is not None else ""
            chain = [
                ChainLink(target=t, applies=index == 0, own=t.unit_path == own_path)
                for index, t in enumerate(found)
            ]
            lines.append(TargetLine(indicator=indicator, year=year, chain=chain))
    return lines


def _may_set_here(user: Any, unit: AdminUnit | None) -> bool:
    if unit is not None and (
        unit.level not in (Level.PROVINCE, Level.COMMUNE) or not unit.is_current
    ):
        return False
    return can_set_target(user, unit)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def country_targets(request: HttpRequest) -> HttpResponse:
    if not can_view_dashboard(request.user, None):
        raise Http404
    return _targets_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_targets(request: HttpRequest, key: str) -> HttpResponse:
    unit = _found(lambda: selectors.dashboard_unit_get(user=request.user, key=key))
    return _targets_page(request, unit)


def _targets_page(request: HttpRequest, unit: AdminUnit | None) -> HttpResponse:
    may_set = _may_set_here(request.user, unit)
    form = TargetForm()
    status = 200
    if request.method == "POST":
        # A forged post from someone who may not set targets here looks like a missing page.
        if not may_set:
            raise Http404
        if request.POST.get("action") == "remove":
            return _target_remove(request, unit)
        form = TargetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(
                    actor=request.user,
                    indicator=data["indicator"],
                    unit=unit,
                    year=data["year"],
                    value=data["value"],
                    source=data["source"],
                )
            except NotPermitted as error:
                raise Http404 from error
            except ConflictError as error:
                form.add_error(None, error)
                status = 409
            except BusinessError as error:
                field = TARGET_ERROR_FIELDS.get(error.code or "")
                form.add_error(field if field in form.fields else None, error)
                status = 422
            else:
                messages.success(request, _("The target is saved."))
                return redirect(_unit_url("targets", unit))
        else:
            status = 422
    context = {
        "unit": unit,
        "name": unit.name if unit is not None else _("Whole country"),
        "lines": _target_lines(request.user, unit),
        "may_set": may_set,
        "form": form,
        "breadcrumb": _breadcrumb(request.user, unit),
        "dashboard_url": _unit_url("dashboard", unit),
    }
    return render(request, "targets/targets.html", context, status=status)


def _target_remove(request: HttpRequest, unit: AdminUnit | None) -> HttpResponse:
    """Remove the unit's own target (only one set at this unit; anything else is 404)."""
    own = selectors.target_list(user=request.user, unit=unit).filter(
        unit_path=unit.path if unit is not None else "",
        unit__isnull=unit is None,
    )
    target = (
        own.filter(pk=request.POST.get("target") or 0).first()
        if _is_int(request.POST.get("target"))
        else None
    )
    if target is None:
        raise Http404
    try:
        services.target_remove(actor=request.user, target=target)
    except NotPermitted as error:
        raise Http404 from error
    messages.success(request, _("The target is removed: the one of the level above applies."))
    return redirect(_unit_url("targets", unit))


def _is_int(value: str | None) -> bool:
    return value is not None and value.isdigit()
