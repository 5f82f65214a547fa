"""The roll-up of assessments into `TitleCount`, kept in step with every change.

An assessment counts once in its own unit (its hamlet, else its commune: `Assessment.unit_path`),
once in every unit above it (the prefixes of that path, `PATH_STEP` digits per level, so a
pre-2025 commune also counts in its district) and once in the country row. The services call
the hooks below in the transaction that moves the assessment; each call is one
`INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count` over at most a handful of
rows per (title, year, state, level, variant), so the figures are right the moment the
transaction commits and a dashboard never has to count assessments.

Concurrency: the increment happens in the database, so two transactions moving assessments of
the same commune at once both add up (the second waits for the first's row lock, then adds to
the committed value); the rows of one statement are always in the same order (the unique key's),
so two statements cannot lock two rows in opposite orders. An operation that would call a hook
many times (a bulk submission scores and saves each assessment on its own) is wrapped in
`deferred`, which applies the sum once at its end: one statement per operation.

Rows whose count falls back to 0 are kept: they are few (one per combination that ever
occurred), and deleting them would race with a concurrent increment of the same row.
`counts_kept` and `counts_expected` therefore compare without zero rows.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import connection, models, transaction
from django.db.models import Count, Q

from hoctap.adminunits.models import PATH_STEP, AdminUnit
from hoctap.assessments.models import Assessment, State
from hoctap.targets.models import COUNTRY_LEVEL, TitleCount, TitleTotal

logger = logging.getLogger(__name__)

# (unit path, title, year, state, level, variant): where an assessment stands, as far as counts
# go. The same shape names a TitleCount row, with the path of the unit counted ("" for the
# country). The variant is the learning citizen's target group ("" for the other titles): the
# indicators count workers and officials who are learning citizens (`hoctap.targets.indicators`).
Key = tuple[str, str, int, str, str, str]
Deltas = Mapping[Key, int]
# The Assessment fields a Key is made of, in order: `values_list(*KEY_FIELDS)` gives Keys.
KEY_FIELDS = ("unit_path", "title", "year", "state", "level", "variant")

# Rows per statement: 10 parameters each stays far below SQLite's and PostgreSQL's limits.
_CHUNK = 1000

_P = ParamSpec("_P")
_R = TypeVar("_R")

# Deltas collected by `deferred` for the operation running in this thread, if any.
_pending: ContextVar[dict[Key, int] | None] = ContextVar("hoctap_rollups_pending", default=None)


# -- the hooks the services call --------------------------------------------------------------


def key_of(assessment: Assessment, state: str | None = None) -> Key:
    """Where the assessment counts (in `state` instead of its own when given)."""
    return (
        assessment.unit_path,
        assessment.title,
        assessment.year,
        state if state is not None else assessment.state,
        assessment.level,
        assessment.variant,
    )


def assessment_changed(before: Key | None, after: Key | None) -> None:
    """Count one assessment's move from `before` to `after` (None: not there)."""
    assessments_changed([(before, after)])


def assessments_changed(changes: Iterable[tuple[Key | None, Key | None]]) -> None:
    """Count many assessments' moves at once, in one statement."""
    deltas: dict[Key, int] = defaultdict(int)
    for before, after in changes:
        if before == after:
            continue
        if before is not None:
            deltas[before] -= 1
        if after is not None:
            deltas[after] += 1
    _record(deltas)


def assessments_moved(
    assessments: Iterable[Assessment], from_states: Mapping[int, str], to_state: str
) -> None:
    """Count assessments moved from their `from_states` (by id) to `to_state`, level unchanged."""
    assessments_changed(
        (key_of(assessment, from_states[assessment.pk]), key_of(assessment, to_state))
        for assessment in assessments
    )


def deferred(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Collect the roll-up changes made during the call and apply their sum once at its end.

    Put it under `@transaction.atomic`, so the sum is applied inside the operation's
    transaction. The call must not swallow an error raised after a hook inside a savepoint it
    rolls back: the collected change would outlive the rolled-back write. (An error that
    escapes the call discards everything collected, as the transaction does.)
    """

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _pending.get() is not None:
            return function(*args, **kwargs)  # an outer deferred call applies the sum
        pending: dict[Key, int] = {}
        token = _pending.set(pending)
        try:
            result = function(*args, **kwargs)
        finally:
            _pending.reset(token)
        apply_deltas(pending)
        return result

    return wrapper


def _record(deltas: Deltas) -> None:
    pending = _pending.get()
    if pending is None:
        apply_deltas(deltas)
        return
    for key, delta in deltas.items():
        pending[key] = pending.get(key, 0) + delta


# -- writing the rows -------------------------------------------------------------------------


def counted_paths(path: str) -> list[str]:
    """Where an assessment at `path` counts: the country (""), each unit above, its own unit."""
    if not path:
        return [""]
    return ["", *(path[:end] for end in range(PATH_STEP, len(path), PATH_STEP)), path]


def _spread(deltas: Deltas) -> dict[Key, int]:
    """The deltas at the assessments' own units, added to every unit above and the country."""
    spread: dict[Key, int] = defaultdict(int)
    for key, delta in deltas.items():
        if not delta:
            continue
        if len(key) != len(KEY_FIELDS):
            # A key built by hand with the fields of before would count in the wrong row.
            raise ValueError(f"a roll-up key has the fields {KEY_FIELDS}, not {key!r}")
        path, title, year, state, level, variant = key
        for counted in counted_paths(path):
            spread[(counted, title, year, state, level, variant)] += delta
    return {key: delta for key, delta in spread.items() if delta}


def _units_by_path(paths: Iterable[str] | None) -> dict[str, tuple[int, int]]:
    """Path -> (unit id, unit level) of the given paths (of every unit when None)."""
    units = AdminUnit.objects.order_by()
    if paths is not None:
        units = units.filter(path__in=sorted(set(paths)))
    return {path: (pk, level) for path, pk, level in units.values_list("path", "pk", "level")}


def _rows(counts: Mapping[Key, int], units: Mapping[str, tuple[int, int]]) -> list[tuple[Any, ...]]:
    """Row values in the unique key's order, for the columns of `_COLUMNS`."""
    rows: list[tuple[Any, ...]] = []
    missing: set[str] = set()
    for key in sorted(counts, key=_order):
        path, title, year, state, level, variant = key
        if not path:
            rows.append(
                (None, "", "", COUNTRY_LEVEL, title, year, state, level, variant, counts[key])
            )
            continue
        unit = units.get(path)
        if unit is None:
            # Only a unit moved after its assessments were placed leaves a path behind.
            missing.add(path)
            continue
        parent_path = path[: len(path) - PATH_STEP]
        rows.append(
            (unit[0], path, parent_path, unit[1], title, year, state, level, variant, counts[key])
        )
    if missing:
        logger.warning("Assessments counted under unit paths no unit has: %s", sorted(missing))
    return rows


def _order(key: Key) -> tuple[Any, ...]:
    # The unique constraint's column order: (unit_path, year, title, state, level, variant).
    path, title, year, state, level, variant = key
    return (path, year, title, state, level, variant)


_COLUMNS = (
    "unit",
    "unit_path",
    "parent_path",
    "unit_level",
    "title",
    "year",
    "state",
    "level",
    "variant",
    "count",
)
_CONFLICT = ("unit_path", "year", "title", "state", "level", "variant")


def _column(name: str, model: type[models.Model] = TitleCount) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    assert field.column is not None
    return connection.ops.quote_name(field.column)


def _upsert_sql(row_count: int) -> str:
    table = connection.ops.quote_name(TitleCount._meta.db_table)
    columns = ", ".join(_column(name) for name in _COLUMNS)
    conflict = ", ".join(_column(name) for name in _CONFLICT)
    count = _column("count")
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    values = ", ".join([row] * row_count)
    # Identifiers come from the model, every value is a parameter.
    return (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}"
    )


def apply_deltas(deltas: Deltas) -> None:
    """Add the deltas (keyed by the assessments' own unit paths) to the rows of those units,
    of every unit above them and of the country, creating missing rows; one statement."""
    spread = _spread(deltas)
    if not spread:
        return
    units = _units_by_path(key[0] for key in spread if key[0])
    rows = _rows(spread, units)
    totals = _total_rows(spread, units)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cursor.execute(_upsert_sql(len(chunk)), [value for row in chunk for value in row])
        for start in range(0, len(totals), _CHUNK):
            chunk = totals[start : start + _CHUNK]
            cursor.execute(_total_upsert_sql(len(chunk)), [value for row in chunk for value in row])


# (unit path, year, title, variant): a TitleTotal row, in its unique key's order.
TotalKey = tuple[str, int, str, str]


def _totals(counts: Mapping[Key, int]) -> dict[TotalKey, tuple[int, int]]:
    """Counts by (path, title, year, state, level, variant) summed into (registered,
    recognised) by (path, year, title, variant)."""
    totals: dict[TotalKey, tuple[int, int]] = {}
    for (path, title, year, state, _level, variant), count in counts.items():
        key = (path, year, title, variant)
        registered, recognised = totals.get(key, (0, 0))
        totals[key] = (
            registered + count,
            recognised + (count if state == State.RECOGNISED else 0),
        )
    return totals


def _total_rows(spread: Mapping[Key, int], units: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """TitleTotal rows (changes) for the spread deltas, in the unique key's order; paths no
    unit has are left out, as `_rows` does."""
    totals = _totals(spread)
    return [
        (*key, *totals[key])
        for key in sorted(totals)
        if any(totals[key]) and (not key[0] or key[0] in units)
    ]


def _total_upsert_sql(row_count: int) -> str:
    table = connection.ops.quote_name(TitleTotal._meta.db_table)
    names = ("unit_path", "year", "title", "variant", "registered", "recognised")
    columns = ", ".join(_column(name, TitleTotal) for name in names)
    conflict = ", ".join(_column(name, TitleTotal) for name in names[:4])
    updates = ", ".join(
        f"{column} = {table}.{column} + EXCLUDED.{column}"
        for column in (_column(name, TitleTotal) for name in names[4:])
    )
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * row_count)
    return (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


# -- rebuilding and checking ------------------------------------------------------------------


def counts_expected() -> dict[Key, int]:
    """The counts worked out from the assessments this moment (no zero rows)."""
    grouped: dict[Key, int] = defaultdict(int)
    rows = Assessment.objects.order_by().values_list(*KEY_FIELDS).annotate(number=Count("pk"))
    for path, title, year, state, level, variant, number in rows:
        grouped[(path, title, year, state, level, variant)] += number
    spread = _spread(grouped)
    known = _units_by_path(None)
    return {key: count for key, count in spread.items() if not key[0] or key[0] in known}


def counts_kept() -> dict[Key, int]:
    """The counts the table holds (no zero rows)."""
    rows = TitleCount.objects.exclude(count=0).values_list(*KEY_FIELDS, "count")
    return {
        (path, title, year, state, level, variant): n
        for path, title, year, state, level, variant, n in rows
    }


def differences() -> dict[Key, tuple[int, int]]:
    """Rows where the table differs from the assessments: key -> (kept, expected)."""
    kept, expected = counts_kept(), counts_expected()
    return {
        key: (kept.get(key, 0), expected.get(key, 0))
        for key in sorted({*kept, *expected}, key=_order)
        if kept.get(key, 0) != expected.get(key, 0)
    }


def totals_kept() -> dict[TotalKey, tuple[int, int]]:
    """The TitleTotal rows (no all-zero rows)."""
    rows = TitleTotal.objects.exclude(registered=0, recognised=0).values_list(
        "unit_path", "year", "title", "variant", "registered", "recognised"
    )
    return {(path, year, title, variant): (r, c) for path, year, title, variant, r, c in rows}


def total_differences() -> dict[TotalKey, tuple[tuple[int, int], tuple[int, int]]]:
    """TitleTotal rows that are not the sum of their TitleCount rows: key -> (kept, expected)."""
    kept = totals_kept()
    expected = {key: pair for key, pair in _totals(counts_kept()).items() if any(pair)}
    return {
        key: (kept.get(key, (0, 0)), expected.get(key, (0, 0)))
        for key in sorted({*kept, *expected})
        if kept.get(key, (0, 0)) != expected.get(key, (0, 0))
    }


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole table (and `TitleTotal` from it) from the assessments; returns the
    number of TitleCount rows written.

    Set-based, in the database: the assessments grouped once by their own unit (a temporary
    table), then one INSERT … SELECT per depth of the unit tree summing those groups into the
    units at that depth (the prefix of the path), and one for the country. Nothing passes
    through Python, so 10 million assessments take the time of a few GROUP BYs, in constant
    memory. Assessments whose path no unit has are left out (and logged), as the increments do.
    """
    quote = connection.ops.quote_name
    table = quote(TitleCount._meta.db_table)
    assessments = quote(Assessment._meta.db_table)
    units = quote(AdminUnit._meta.db_table)
    grouped = quote("hoctap_rollup_grouped")
    keys = [_column(name) for name in KEY_FIELDS[1:]]  # title, year, state, level, variant
    listed = ", ".join(keys)
    path = _column("unit_path")
    source_path = _column("unit_path", Assessment)
    source_keys = ", ".join(_column(name, Assessment) for name in KEY_FIELDS[1:])
    inserted = ", ".join(_column(name) for name in _COLUMNS)
    unit_path, unit_id, unit_level = quote("path"), quote("id"), quote("level")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Increments wait until the new rows are committed (and the ones already made are
            # committed first, so the count below sees their assessments); pages still read.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DROP TABLE IF EXISTS {grouped}")
        # Identifiers come from the models; the only values are the path step and depths.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {grouped} AS"  # noqa: S608
            f" SELECT {source_path} AS {path}, {source_keys}, COUNT(*) AS n"
            f" FROM {assessments} GROUP BY {source_path}, {source_keys}"
        )
        cursor.execute(f"SELECT MAX(LENGTH({path})) FROM {grouped}")  # noqa: S608
        longest = cursor.fetchone()[0] or 0
        cursor.execute(
            f"SELECT DISTINCT g.{path} FROM {grouped} g LEFT JOIN {units} u"  # noqa: S608
            f" ON u.{unit_path} = g.{path} WHERE u.{unit_id} IS NULL"
        )
        missing = sorted(row[0] for row in cursor.fetchall())
        if missing:
            logger.warning("Assessments counted under unit paths no unit has: %s", missing)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for depth in range(1, longest // PATH_STEP + 1):
            end = depth * PATH_STEP
            cursor.execute(
                f"INSERT INTO {table} ({inserted})"  # noqa: S608
                f" SELECT u.{unit_id}, u.{unit_path}, SUBSTR(u.{unit_path}, 1, %s), u.{unit_level},"
                f" {', '.join('g.' + key for key in keys)}, SUM(g.n)"
                f" FROM {grouped} g JOIN {units} u ON u.{unit_path} = SUBSTR(g.{path}, 1, %s)"
                f" WHERE LENGTH(g.{path}) >= %s"
                f" GROUP BY u.{unit_id}, u.{unit_path}, u.{unit_level},"
                f" {', '.join('g.' + key for key in keys)}",
                [end - PATH_STEP, end, end],
            )
        cursor.execute(
            f"INSERT INTO {table} ({inserted})"  # noqa: S608
            f" SELECT NULL, '', '', %s, {listed}, SUM(n) FROM {grouped} GROUP BY {listed}",
            [COUNTRY_LEVEL],
        )
        cursor.execute(f"DROP TABLE {grouped}")
        _rebuild_totals(cursor)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _rebuild_totals(cursor: Any) -> None:
    """TitleTotal recomputed from TitleCount (just rebuilt, in the same transaction)."""
    quote = connection.ops.quote_name
    totals, counts = quote(TitleTotal._meta.db_table), quote(TitleCount._meta.db_table)
    keys = ", ".join(_column(name) for name in ("unit_path", "year", "title", "variant"))
    count, state = _column("count"), _column("state")
    columns = ", ".join(
        _column(name, TitleTotal)
        for name in ("unit_path", "year", "title", "variant", "registered", "recognised")
    )
    cursor.execute(f"DELETE FROM {totals}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {totals} ({columns})"  # noqa: S608
        f" SELECT {keys}, SUM({count}), SUM(CASE WHEN {state} = %s THEN {count} ELSE 0 END)"
        f" FROM {counts} GROUP BY {keys}",
        [State.RECOGNISED],
    )


# -- reading ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class UnitCounts:
    """One unit's (or the country's) counts in a year: (title, state, level, variant) -> count."""

    unit: AdminUnit | None
    detail: Mapping[tuple[str, str, str, str], int]

    @property
    def counts(self) -> dict[tuple[str, str, str], int]:
        """The counts by (title, state, level), every target group together."""
        summed: dict[tuple[str, str, str], int] = defaultdict(int)
        for (title, state, level, _variant), count in self.detail.items():
            summed[(title, state, level)] += count
        return dict(summed)

    def total(
        self,
        title: str,
        states: Iterable[str] | None = None,
        level: str | None = None,
        variants: Iterable[str] | None = None,
    ) -> int:
        """Assessments of the title (in these states, at this level, of these target groups
        when given)."""
        wanted = None if states is None else set(states)
        groups = None if variants is None else set(variants)
        return sum(
            count
            for (row_title, state, row_level, variant), count in self.detail.items()
            if row_title == title
            and (wanted is None or state in wanted)
            and (level is None or row_level == level)
            and (groups is None or variant in groups)
        )


def _counts_by_unit(
    rows: Iterable[tuple[Any, ...]],
) -> dict[Any, dict[tuple[str, str, str, str], int]]:
    by_unit: dict[Any, dict[tuple[str, str, str, str], int]] = defaultdict(dict)
    for unit_id, title, state, level, variant, count in rows:
        by_unit[unit_id][(title, state, level, variant)] = count
    return by_unit


def unit_counts(unit: AdminUnit | None, year: int) -> UnitCounts:
    """The counts of a unit's whole area (the country's when None) in a year; one query."""
    rows = (
        TitleCount.objects.filter(unit_path=unit.path if unit is not None else "", year=year)
        .exclude(count=0)
        .order_by()  # grouped in Python: no sort of thousands of rows per read
        .values_list("unit_id", "title", "state", "level", "variant", "count")
    )
    by_unit = _counts_by_unit(rows)
    return UnitCounts(unit=unit, detail=by_unit.get(unit.pk if unit is not None else None, {}))


def children_counts(parent: AdminUnit | None, year: int) -> list[UnitCounts]:
    """The counts of each unit directly below `parent` (the provinces when None) in a year.

    Two queries whatever the number of assessments: the children's rows of `TitleCount`, and the
    child units in force during the year or holding counts for it (a unit that ended in the
    2025 reform still shows its results of the years before).
    """
    rows = (
        TitleCount.objects.filter(
            parent_path=parent.path if parent is not None else "",
            year=year,
            unit_level__gt=COUNTRY_LEVEL,
        )
        .exclude(count=0)
        .order_by()
        .values_list("unit_id", "title", "state", "level", "variant", "count")
    )
    by_unit = _counts_by_unit(rows)
    below = Q(parent=parent) if parent is not None else Q(parent__isnull=True)
    in_force = (Q(valid_from__isnull=True) | Q(valid_from__year__lte=year)) & (
        Q(valid_to__isnull=True) | Q(valid_to__year__gte=year)
    )
    children = AdminUnit.objects.filter(below).filter(in_force | Q(pk__in=list(by_unit)))
    return [UnitCounts(unit=unit, detail=by_unit.get(unit.pk, {})) for unit in children]
