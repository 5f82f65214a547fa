"""Reads of targets and dashboards; every dashboard read takes the acting user and its scope.

The dashboard contract (`dashboard(user, unit, year, hierarchy)`), for pages, the API and exports:

- `unit` None is the country: only for users whose scope is the whole country (superusers,
  system administrators). Anyone else starts from `dashboard_roots(user)`: a province official
  their province, a commune official their commune, a collector their hamlet. A unit outside
  the user's scope raises `DashboardUnitNotFound` (a subclass of `AdminUnit.DoesNotExist`), so
  views answer 404 without telling "missing" from "not yours". A bad year or hierarchy raises
  `BusinessError` with a message for the user.
- Every figure comes from the summary tables (`TitleTotal`, `TitleCount`, `RegistryCount`),
  the declared statistics, the targets and the unit tree: the number of queries (about ten)
  and of rows read depend on the units shown, never on the number of people or assessments.
- `hierarchy="current"` shows today's units; results of units that ended (the 2025 reform, a
  merged hamlet) are added to the unit of the same level they became (its primary successor,
  through `AdminUnitLineage`), so a 2024 figure of a commune formed in 2025 sums the old
  communes it was formed from (`UnitRow.rolled_in` names them). `hierarchy="historical"`
  shows the units of the time: the children in force during the year (or holding results for
  it); a unit that did not exist yet has no results and `Dashboard.units_of_the_time` names
  the units that held them. A unit that no longer exists is always shown historically.
- Denominators: the unit's own declared statistic for the year when there is one, else the
  registry count (as of now: the registry keeps no history; `Origin.as_of_now` flags a past
  year), else none. Arithmetic and "no data" rules: `hoctap.targets.indicators`.
- Targets: the unit's own, else the nearest unit above that set one, else the national one
  (`TargetInfo.unit` says who set it; `str(target)` reads "95%, set by Tỉnh Sơn La").
- Status, judged against the next target (2025 until 2025, then 2030; a target year without a
  target falls back to the latest earlier one, which then stands):
  MET when the percentage is at or above that target; ON_TRACK when it is at or above the
  straight line from the unit's 2021 value (0 when it has none) to that target in its year
  (`IndicatorRow.expected`); BEHIND otherwise; NO_TARGET without any target; NO_DATA
  without a percentage.
- `furthest_behind`: the children (drill-down rows) that are BEHIND, by how far they are below
  their trajectory (`IndicatorRow.gap`, percentage points), worst first.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP, AdminUnit, AdminUnitLineage
from hoctap.core.exceptions import BusinessError
from hoctap.core.queries import plain_rows
from hoctap.registry.models import DeclaredStatistic
from hoctap.targets import registry_counts
from hoctap.targets.indicators import (
    BASELINE_YEAR,
    INDICATORS,
    Facts,
    Figure,
    Indicator,
    OriginKind,
    TitlePair,
    TitleSums,
    add_title,
    evaluate_all,
    evaluate_from,
    from_tenths,
)
from hoctap.targets.models import COUNTRY_LEVEL, TARGET_YEARS, Target, TitleCount, TitleTotal
from hoctap.targets.permissions import DASHBOARD_ROLES, can_view_dashboard

HIERARCHY_CURRENT = "current"
HIERARCHY_HISTORICAL = "historical"
HIERARCHIES = (HIERARCHY_CURRENT, HIERARCHY_HISTORICAL)
# Years a dashboard can be asked for: the programmes run 2021–2030; earlier years show what
# was recorded (usually nothing), later ones what was registered ahead.
FIRST_YEAR = 2000
LAST_YEAR = 2100
FURTHEST_BEHIND_LIMIT = 10
# Lineage chains longer than this are not followed (the 2025 reform is one step; a hamlet
# merged twice is two).
MAX_LINEAGE_STEPS = 8


class DashboardUnitNotFound(AdminUnit.DoesNotExist):
    """The unit is missing or outside the user's scope: views answer 404."""


class Status(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    NO_TARGET = "no_target", _("No target")
    NO_DATA = "no_data", _("No data")


# -- targets ------------------------------------------------------------------------------------


def percent_text(value: Decimal) -> str:
    """“95” or “72,5”: a percentage as the interface writes it (without the sign)."""
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value.normalize(), use_l10n=True)


@dataclasses.dataclass(frozen=True, slots=True)
class TargetInfo:
    """The target that applies to a unit, and who set it (the unit; None: national)."""

    indicator: str
    year: int
    value: Decimal
    unit: AdminUnit | None
    source: str

    @property
    def is_national(self) -> bool:
        return self.unit is None

    @property
    def set_by_name(self) -> str:
        """The unit that set it, or “national”."""
        return self.unit.name if self.unit is not None else gettext("national")

    def __str__(self) -> str:
        return gettext("%(value)s%%, set by %(by)s") % {
            "value": percent_text(self.value),
            "by": self.set_by_name,
        }


def _chain(unit: AdminUnit | None) -> list[str]:
    """Paths whose targets apply to the unit, nearest first; "" (national) last."""
    if unit is None:
        return [""]
    return [unit.path, *reversed(unit.ancestor_paths()), ""]


class _Targets:
    """Targets of a set of units, resolved along each unit's chain of units above."""

    def __init__(self, rows: Iterable[Target]) -> None:
        self.by_key: dict[tuple[str, int, str], Target] = {
            (row.indicator, row.year, row.unit_path): row for row in rows
        }
        self.resolved: dict[tuple[str, int, str], TargetInfo] = {}
        # The paths of units that set a target: two units whose chains hold the same of these
        # have the same targets.
        self.paths = {path for _indicator, _year, path in self.by_key}

    @classmethod
    def of_units(
        cls, units: Iterable[AdminUnit | None], *, indicator: str | None = None
    ) -> _Targets:
        paths = {path for unit in units for path in _chain(unit) if path}
        rows = Target.objects.filter(Q(unit__isnull=True) | Q(unit_path__any=sorted(paths)))
        if indicator is not None:
            rows = rows.filter(indicator=indicator)
        # Timestamps are never shown here, and each costs the driver a parse.
        return cls(
            rows.select_related("unit").defer(
                "created_at", "updated_at", "unit__created_at", "unit__updated_at", "unit__note"
            )
        )

    def resolve(self, indicator: str, unit: AdminUnit | None, year: int) -> TargetInfo | None:
        return self.resolve_chain(indicator, _chain(unit), year)

    def resolve_chain(self, indicator: str, chain: list[str], year: int) -> TargetInfo | None:
        """The target along a chain of paths (`_chain`), nearest first."""
        for path in chain:
            key = (indicator, year, path)
            row = self.by_key.get(key)
            if row is not None:
                # Shared by every unit below the one that set it (a page shows hundreds).
                if key not in self.resolved:
                    self.resolved[key] = TargetInfo(
                        indicator=indicator,
                        year=year,
                        value=row.value,
                        unit=row.unit,
                        source=row.source,
                    )
                return self.resolved[key]
        return None


def target_for(indicator: str, unit: AdminUnit | None, year: int) -> TargetInfo | None:
    """The target of the indicator for the unit (the country when None) and target year: the
    unit's own, else the nearest unit above that set one, else the national one; one query."""
    return _Targets.of_units([unit], indicator=indicator).resolve(indicator, unit, year)


def target_list(*, user: Any, unit: AdminUnit | None = None) -> models.QuerySet[Target]:
    """Targets the user may see: national ones and those of units in their dashboard scope
    (those of `unit` and the units above it when given, i.e. the ones that apply there)."""
    targets = Target.objects.select_related("unit", "set_by")
    if unit is not None:
        targets = targets.filter(Q(unit__isnull=True) | Q(unit_path__in=_chain(unit)))
    paths = scope_paths(user, DASHBOARD_ROLES)
    if paths is None:
        return targets
    visible = Q(unit__isnull=True)
    for path in paths:
        # The targets set in their area, and those set above it that apply there.
        visible |= Q(unit_path__startswith=path) | Q(unit_path__in=_chain_of_path(path))
    return targets.filter(visible) if paths else targets.none()


def _chain_of_path(path: str) -> list[str]:
    """The path and the paths above it (not the country)."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


# -- the dashboard's shapes ---------------------------------------------------------------------


@dataclasses.dataclass(slots=True)  # not frozen: thousands per dashboard, 5× faster to make
class IndicatorRow:
    """An indicator in one unit and year: its figure, targets, trajectory and status."""

    figure: Figure
    target_2025: TargetInfo | None
    target_2030: TargetInfo | None
    # The target the status is judged against (see the module's docstring).
    next_target: TargetInfo | None
    status: str
    year: int
    # The unit's percentage in 2021 in tenths, where the trajectory starts (None: from 0).
    baseline_tenths: int | None
    # Where the line from the baseline to the next target stands this year, in tenths (None:
    # no target).
    expected_tenths: int | None

    @property
    def baseline(self) -> Decimal | None:
        """The unit's percentage in 2021, where the trajectory starts (None: started from 0)."""
        return from_tenths(self.baseline_tenths)

    @property
    def expected(self) -> Decimal | None:
        """Where the straight line from the baseline to the next target stands this year."""
        return from_tenths(self.expected_tenths)

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator

    @property
    def percentage(self) -> Decimal | None:
        return self.figure.percentage

    @property
    def gap(self) -> Decimal | None:
        """Percentage points above (+) or below (−) the trajectory."""
        if self.figure.tenths is None or self.expected_tenths is None:
            return None
        return from_tenths(self.figure.tenths - self.expected_tenths)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclasses.dataclass(slots=True)  # not frozen: hundreds per dashboard, 5× faster to make
class UnitRef:
    """A unit named on the dashboard without loading it (key for links, name to show)."""

    pk: int
    key: str
    name: str
    path: str
    level: int

    def __str__(self) -> str:
        return self.name


@dataclasses.dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit (or the country) in the dashboard year."""

    unit: AdminUnit | None
    indicators: list[IndicatorRow]
    # Registered vs recognised per title.
    titles: list[TitlePair]
    # Units that ended whose results are counted here (current hierarchy).
    rolled_in: list[UnitRef]

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else gettext("Whole country")

    @property
    def has_data(self) -> bool:
        return any(row.figure.has_data for row in self.indicators) or any(
            pair.registered for pair in self.titles
        )

    def row(self, code: str) -> IndicatorRow:
        """The row of the indicator with this code."""
        for row in self.indicators:
            if row.indicator.code == code:
                return row
        raise KeyError(code)


@dataclasses.dataclass(frozen=True, slots=True)
class TrendPoint:
    """The unit's figures in one year."""

    year: int
    figures: list[Figure]
    titles: list[TitlePair]

    def figure(self, code: str) -> Figure:
        for figure in self.figures:
            if figure.indicator.code == code:
                return figure
        raise KeyError(code)


@dataclasses.dataclass(frozen=True, slots=True)
class Behind:
    """A child unit below its trajectory on one indicator."""

    unit: AdminUnit | None
    row: IndicatorRow

    @property
    def gap(self) -> Decimal:
        gap = self.row.gap
        assert gap is not None
        return gap


@dataclasses.dataclass(frozen=True)
class Dashboard:
    """Everything a dashboard page, export or API answer shows (see the module's docstring)."""

    unit: AdminUnit | None
    year: int
    # The hierarchy used ("historical" for a unit that no longer exists, whatever was asked).
    hierarchy: str
    as_of: datetime.datetime
    indicators: tuple[Indicator, ...]
    summary: UnitRow
    # The drill-down: provinces of the country, communes of a province, hamlets of a commune.
    children: list[UnitRow]
    # The unit's figures from 2021 to the year.
    trend: list[TrendPoint]
    furthest_behind: list[Behind]
    # Historical hierarchy, a unit that did not exist yet in the year: the units of the time
    # whose results these were.
    units_of_the_time: list[AdminUnit]
    notes: list[str]


# -- the scope of dashboards --------------------------------------------------------------------


def dashboard_roots(user: Any) -> list[AdminUnit | None]:
    """Where the user's dashboards start: [None] (the country) for a national scope, else the
    top units of their assignments; empty when the user has no dashboard."""
    paths = scope_paths(user, DASHBOARD_ROLES)
    if paths is None:
        return [None]
    tops = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    return list(AdminUnit.objects.filter(path__in=tops).order_by("level", "search_name", "pk"))


def dashboard_unit_get(*, user: Any, key: str) -> AdminUnit | None:
    """The unit with this key ("" for the country) if the user may see its dashboard, else
    `DashboardUnitNotFound`."""
    unit = None
    if key:
        unit = AdminUnit.objects.select_related("parent").filter(key=key).first()
        if unit is None:
            raise DashboardUnitNotFound(key)
    if not can_view_dashboard(user, unit):
        raise DashboardUnitNotFound(key)
    return unit


# -- reading the facts --------------------------------------------------------------------------


def _in_force_during(year: int) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__year__lte=year)) & (
        Q(valid_to__isnull=True) | Q(valid_to__year__gte=year)
    )


def _children(unit: AdminUnit | None, year: int, hierarchy: str) -> list[AdminUnit]:
    below = Q(parent=unit) if unit is not None else Q(parent__isnull=True)
    if hierarchy == HIERARCHY_CURRENT:
        children = AdminUnit.objects.filter(below, valid_to__isnull=True)
    else:
        with_results = TitleCount.objects.filter(
            parent_path=unit.path if unit is not None else "",
            year=year,
            unit_level__gt=COUNTRY_LEVEL,
        ).exclude(count=0)
        children = AdminUnit.objects.filter(below).filter(
            _in_force_during(year) | Q(pk__in=with_results.values("unit_id"))
        )
    # A province page shows hundreds of children: their timestamps are never shown.
    return list(children.defer("created_at", "updated_at", "note").order_by("search_name", "pk"))


def _rolled_in(roots: Sequence[AdminUnit]) -> dict[int, list[UnitRef]]:
    """Root unit id -> the units that ended whose results count in it: its predecessors of the
    same level (transitively, through primary links), without any already counted in the root
    or in another of them (a unit below one of them). One query per lineage step."""
    root_of: dict[int, AdminUnit] = {unit.pk: unit for unit in roots}
    found: dict[int, list[UnitRef]] = defaultdict(list)
    frontier = list(root_of)
    seen = set(frontier)
    for _step in range(MAX_LINEAGE_STEPS):
        if not frontier:
            break
        # Every primary link of these successors, the level compared here: a condition on
        # the predecessor's level per group of successors made the planner join every unit
        # of that level (two provinces' hundreds of old communes: milliseconds per step).
        links = (
            AdminUnitLineage.objects.filter(successor_id__any=frontier, is_primary=True)
            .order_by("effective_date", "predecessor_id")
            .values_list(
                "successor_id",
                "predecessor_id",
                "predecessor__key",
                "predecessor__name",
                "predecessor__path",
                "predecessor__level",
            )
        )
        frontier = []
        # Hundreds of plain rows (a province's old communes).
        for successor_id, predecessor_id, key, name, path, level in plain_rows(links):
            if predecessor_id in seen or level != root_of[successor_id].level:
                continue
            seen.add(predecessor_id)
            root = root_of[successor_id]
            root_of[predecessor_id] = root
            found[root.pk].append(
                UnitRef(pk=predecessor_id, key=key, name=name, path=path, level=level)
            )
            frontier.append(predecessor_id)
    rolled: dict[int, list[UnitRef]] = {}
    for root_id, units in found.items():
        root_path = root_of[root_id].path
        kept: list[UnitRef] = []
        for unit in sorted(units, key=lambda unit: unit.path):
            if unit.path.startswith(root_path) or any(
                unit.path.startswith(other.path) for other in kept
            ):
                continue
            kept.append(unit)
        rolled[root_id] = kept
    return rolled


# (unit id, None for the country; year) -> the assessments per title (`indicators.title_sums`)
_TitleRows = dict[tuple[int | None, int], TitleSums]


def _title_rows(
    wanted: Mapping[frozenset[int], set[str]], owners: Mapping[str, Sequence[int | None]]
) -> _TitleRows:
    """The registered and recognised counts of the paths in the years (years -> paths), summed
    per title as read into those of the units whose results they are (`owners`: path -> unit
    ids; a unit's own path and those of the units rolled into it); one query over `TitleTotal`,
    a row per path, title and target group."""
    condition = Q()
    for years, paths in wanted.items():
        if paths and years:
            condition |= Q(unit_path__any=sorted(paths), year__in=sorted(years))
    rows: _TitleRows = {}
    if not condition:
        return rows
    totals = (
        TitleTotal.objects.filter(condition)
        .exclude(registered=0, recognised=0)
        .order_by()
        .values_list("unit_path", "year", "title", "variant", "registered", "recognised")
    )
    # Thousands of plain rows: they need none of the ORM's converters.
    for path, year, title, variant, registered, recognised in plain_rows(totals):
        for owner in owners[path]:
            sums = rows.get((owner, year))
            if sums is None:
                sums = rows[(owner, year)] = {}
            add_title(sums, title, variant, registered, recognised)
    return rows


def _declared_rows(
    wanted: Mapping[frozenset[int], set[int]],
) -> dict[tuple[int, int], dict[str, tuple[int, str]]]:
    """(unit id, year) -> kind -> (value, source) declared; one query."""
    condition = Q()
    for years, unit_ids in wanted.items():
        if unit_ids and years:
            condition |= Q(unit_id__any=sorted(unit_ids), year__in=sorted(years))
    rows: dict[tuple[int, int], dict[str, tuple[int, str]]] = defaultdict(dict)
    if not condition:
        return rows
    declared = (
        DeclaredStatistic.objects.filter(condition)
        .order_by()
        .values_list("unit_id", "year", "kind", "value", "source")
    )
    for unit_id, year, kind, value, source in declared:
        rows[(unit_id, year)][kind] = (value, source)
    return rows


def _units_of_the_time(unit: AdminUnit, year: int) -> list[AdminUnit]:
    """The units in force on 1 January of the year that became (part of) the unit."""
    on = datetime.date(year, 1, 1)
    if unit.valid_on(on):
        return []
    links = (
        AdminUnitLineage.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("predecessor__path")
    )
    found: list[AdminUnit] = []
    for link in links:
        predecessor = link.predecessor
        if predecessor.valid_on(on) and not any(
            predecessor.path.startswith(other.path) for other in found
        ):
            found.append(predecessor)
    return sorted(found, key=lambda unit: (unit.level, unit.name))


# -- judging ------------------------------------------------------------------------------------


def _next_target(targets: Mapping[int, TargetInfo | None], year: int) -> TargetInfo | None:
    """The target the year is judged against: the first target year from the year on, else
    (no target set for it) the latest earlier one."""
    upcoming = [y for y in TARGET_YEARS if y >= year] or [TARGET_YEARS[-1]]
    first = upcoming[0]
    if targets.get(first) is not None:
        return targets[first]
    for target_year in sorted(TARGET_YEARS, reverse=True):
        if target_year < first and targets.get(target_year) is not None:
            return targets[target_year]
    return None


def _hundredths(value: Decimal) -> int:
    """A target (two decimals at most) in hundredths of a percent: 95 -> 9500."""
    return int(value.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


def _expected_tenths(start: int | None, target: int, target_year: int, year: int) -> int:
    """The straight line from the 2021 value (`start`, tenths; 0 without one) to the target
    (`target`, hundredths, in `target_year`), where it stands in the year: in tenths, rounded
    half up, worked out exactly in integers."""
    start_hundredths = 10 * start if start is not None else 0
    steps = max(target_year - BASELINE_YEAR, 1)
    done = min(max(year - BASELINE_YEAR, 0), steps) if target_year > BASELINE_YEAR else steps
    # In hundredths × steps; then to tenths, half up (the value is never negative).
    exact = start_hundredths * steps + (target - start_hundredths) * done
    return (2 * exact + 10 * steps) // (20 * steps)


_MET, _ON_TRACK, _BEHIND = Status.MET, Status.ON_TRACK, Status.BEHIND
_NO_TARGET, _NO_DATA = Status.NO_TARGET, Status.NO_DATA

# The targets that apply to a unit for one indicator: of 2025, of 2030, the one the year is
# judged against and that one in hundredths.
_Applying = tuple[TargetInfo | None, TargetInfo | None, TargetInfo | None, int | None]


def _applying(
    targets: Mapping[int, TargetInfo | None], next_target: TargetInfo | None
) -> _Applying:
    return (
        targets.get(2025),
        targets.get(2030),
        next_target,
        _hundredths(next_target.value) if next_target is not None else None,
    )


def _judged(figure: Figure, applying: _Applying, baseline: int | None, year: int) -> IndicatorRow:
    """The row of a figure (see `judge`), the baseline in tenths."""
    target_2025, target_2030, next_target, target = applying
    value = figure.tenths
    if next_target is None or target is None:
        status = _NO_DATA if value is None else _NO_TARGET
        return IndicatorRow(
            figure, target_2025, target_2030, next_target, status, year, baseline, None
        )
    expected = _expected_tenths(baseline, target, next_target.year, year)
    if value is None:
        status = _NO_DATA
    elif 10 * value >= target:
        status = _MET
    elif value >= expected:
        status = _ON_TRACK
    else:
        status = _BEHIND
    return IndicatorRow(
        figure, target_2025, target_2030, next_target, status, year, baseline, expected
    )


def judge(
    figure: Figure,
    targets: Mapping[int, TargetInfo | None],
    baseline: Decimal | None,
    year: int,
) -> IndicatorRow:
    """The status of a figure against the targets of each target year that apply, from the
    unit's 2021 percentage (`baseline`; None: none) in the year (see the module's docstring)."""
    start = None
    if baseline is not None:
        start = int(baseline.scaleb(1).to_integral_value(rounding=ROUND_HALF_UP))
    return _judged(figure, _applying(targets, _next_target(targets, year)), start, year)


# -- the dashboard ------------------------------------------------------------------------------


def _check_request(year: int, hierarchy: str) -> None:
    if hierarchy not in HIERARCHIES:
        raise BusinessError(
            _("Show the units of today or the units of the time."), code="hierarchy"
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BusinessError(
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )


def dashboard(
    user: Any, unit: AdminUnit | None, year: int, hierarchy: str = HIERARCHY_CURRENT
) -> Dashboard:
    """The dashboard of a unit (the country when None) in a year; see the module's docstring."""
    _check_request(year, hierarchy)
    if not can_view_dashboard(user, unit):
        raise DashboardUnitNotFound(unit.key if unit is not None else "")
    as_of = timezone.now()
    this_year = timezone.localdate().year
    notes: list[str] = []
    if hierarchy == HIERARCHY_CURRENT and unit is not None and not unit.is_current:
        hierarchy = HIERARCHY_HISTORICAL
        notes.append(
            gettext("%(unit)s no longer exists: its results are shown as they were.")
            % {"unit": unit.name}
        )
    trend_years = list(range(BASELINE_YEAR, year + 1)) if year >= BASELINE_YEAR else [year]
    child_years = sorted({BASELINE_YEAR, year}) if year >= BASELINE_YEAR else [year]

    children = _children(unit, year, hierarchy)
    shown: list[AdminUnit | None] = [unit, *children]
    rolled_in: dict[int, list[UnitRef]] = {}
    if hierarchy == HIERARCHY_CURRENT:
        rolled_in = _rolled_in([item for item in shown if item is not None])

    # The paths whose results a unit shows: its own and those of the units rolled into it.
    paths_of: dict[int | None, list[str]] = {None: [""]}
    owners: dict[str, list[int | None]] = defaultdict(list)
    for item in shown:
        if item is not None:
            paths_of[item.pk] = [item.path, *(other.path for other in rolled_in.get(item.pk, []))]
    for owner, paths in paths_of.items():
        for path in paths:
            owners[path].append(owner)

    def sources(item: AdminUnit | None) -> list[str]:
        return paths_of[item.pk if item is not None else None]

    # The unit's figures for every year of the trend, its children's for 2021 and the year
    # (the same set of years when the year is 2022 or earlier).
    wanted_paths: dict[frozenset[int], set[str]] = defaultdict(set)
    wanted_paths[frozenset(trend_years)].update(sources(unit))
    wanted_paths[frozenset(child_years)].update(
        path for child in children for path in sources(child)
    )
    title_rows = _title_rows(wanted_paths, owners)
    registry = registry_counts.counts_at(item.path if item is not None else "" for item in shown)
    wanted_units: dict[frozenset[int], set[int]] = defaultdict(set)
    if unit is not None:
        wanted_units[frozenset(trend_years)].add(unit.pk)
    wanted_units[frozenset(child_years)].update(child.pk for child in children)
    declared = _declared_rows(wanted_units)
    targets = _Targets.of_units(shown)
    units_of_the_time = (
        _units_of_the_time(unit, year)
        if hierarchy == HIERARCHY_HISTORICAL and unit is not None
        else []
    )
    if units_of_the_time:
        notes.append(
            gettext(
                "%(unit)s did not exist in %(year)s: its results lie with the units of the time."
            )
            % {"unit": unit.name if unit is not None else "", "year": year}
        )

    no_titles: TitleSums = {}

    def facts(item: AdminUnit | None, fact_year: int) -> Facts:
        pk = item.pk if item is not None else None
        return Facts(
            fact_year,
            title_rows.get((pk, fact_year), no_titles),
            declared.get((pk, fact_year), {}) if pk is not None else {},
            registry.get(item.path if item is not None else "") or None,
            fact_year < this_year,
        )

    applying_by_chain: dict[tuple[str, ...], list[_Applying]] = {}

    def applying_to(item: AdminUnit | None) -> list[_Applying]:
        """Per indicator, the targets that apply to the unit (shared by the units with the
        same chain of units that set targets)."""
        chain = tuple(path for path in _chain(item) if path in targets.paths)
        found = applying_by_chain.get(chain)
        if found is None:
            found = []
            for indicator in INDICATORS:
                by_year = {
                    target_year: targets.resolve_chain(indicator.code, list(chain), target_year)
                    for target_year in TARGET_YEARS
                }
                found.append(_applying(by_year, _next_target(by_year, year)))
            applying_by_chain[chain] = found
        return found

    def unit_row(item: AdminUnit | None) -> UnitRow:
        now = facts(item, year)
        start = None
        if year > BASELINE_YEAR:
            start = facts(item, BASELINE_YEAR)
            # Without any result or declaration in 2021 every figure of then is unknown.
            if start.is_empty:
                start = None
        rows = [
            _judged(figure, applying, baseline, year)
            for (figure, baseline), applying in zip(
                evaluate_from(now, start), applying_to(item), strict=True
            )
        ]
        return UnitRow(
            unit=item,
            indicators=rows,
            titles=now.title_pairs(),
            rolled_in=rolled_in.get(item.pk, []) if item is not None else [],
        )

    summary = unit_row(unit)
    child_rows = [unit_row(child) for child in children]
    trend = []
    for trend_year in trend_years:
        point = facts(unit, trend_year)
        trend.append(
            TrendPoint(
                year=trend_year,
                figures=evaluate_all(point),
                titles=point.title_pairs(),
            )
        )
    behind = [
        Behind(unit=child.unit, row=row)
        for child in child_rows
        for row in child.indicators
        if row.status == _BEHIND
    ]
    behind.sort(
        key=lambda item: (
            item.row.figure.tenths - item.row.expected_tenths,  # type: ignore[operator]  # behind
            item.unit.name if item.unit else "",
            item.row.figure.indicator.code,
        )
    )
    uses_registry_of_now = year < this_year and any(
        row.figure.denominator_origin.kind == OriginKind.REGISTRY
        or row.figure.numerator_origin.kind == OriginKind.REGISTRY
        for unit_row_ in [summary, *child_rows]
        for row in unit_row_.indicators
    )
    if uses_registry_of_now:
        notes.append(
            gettext(
                "The registry keeps no history: where no statistic was declared for %(year)s, "
                "the denominators are today's registry counts."
            )
            % {"year": year}
        )
    return Dashboard(
        unit=unit,
        year=year,
        hierarchy=hierarchy,
        as_of=as_of,
        indicators=INDICATORS,
        summary=summary,
        children=child_rows,
        trend=trend,
        furthest_behind=behind[:FURTHEST_BEHIND_LIMIT],
        units_of_the_time=units_of_the_time,
        notes=notes,
    )
