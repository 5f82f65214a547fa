"""Dashboards at national scale: the national and province dashboard queries at 1 and at 10
million assessment rows, against the naive GROUP BY over the assessments.

Setup (timed and reported, not a target): the national-shaped synthetic data set of
`hoctap.targets.synthetic` (34 provinces, 3,321 communes, ~33,000 hamlets, five years
2021–2025) with about 1,000,000 assessment rows, its roll-ups rebuilt (`rollups.rebuild()`,
and the registry counts' when the app keeps them), VACUUM ANALYZE; then measured; then the same
units grown to about 10,000,000 rows (more households, people, clans and organisations),
rebuilt, measured again. The province measured is the largest (168 communes, a dense city);
the year is 2025, the one with every state present. The data set holds the 2025 reform: the
results of 2021–2024 name the provinces, communes and hamlets of before it, about 63 and
10,000 of them, so the 2021 baseline of every unit shown is rolled in through the lineage.

Figures, at each size (rows = assessment rows in the database):
- `dashboards.{national,province}.rollup.seconds`: what a dashboard reads, `children_counts`
  (the units below and their counts) and `unit_counts` (the unit's own), median of warm runs;
  at 10M with the 1M figure as baseline, so `ratio` is 10M/1M (target: under 50 ms, ratio ≈ 1);
  with `fastest` (the quickest run, and `fastest_ratio`: the machine is shared, the median
  carries other work's noise), `cpu` (the median of this process's own CPU time: the
  Python side, without the database's) and `rows_read` (the roll-up rows read: they grow
  with the data only until every unit holds every title × state × level × target group
  combination);
- `dashboards.{national,province}.selector.seconds`: the whole dashboard selector
  (`hoctap.targets.selectors.dashboard`) when the app has it, the same way: its queries and
  the Python that makes every figure, target and status of the page from their rows;
- `dashboards.{national,province}.selector_before_reform.seconds`: the same for 2024, whose
  results all lie with the units of before the reform: each of today's units shown sums
  those it was formed from (about 3 old communes per commune, 2 old provinces per province);
- `dashboards.{national,province}.selector_queries.seconds`: the dashboard's queries alone,
  the statements the selector sent (captured from one call) sent again and their rows
  fetched: what reading the roll-ups costs, against which the naive GROUP BY is compared;
  with `rows_returned`, the rows they bring back (summary rows: they grow with the data only
  until every unit shown holds every title × target group and every registry count);
- `dashboards.{national,province}.naive.seconds`: the same numbers by GROUP BY over the
  assessments (filtered by path prefix for the province), ratio 10M/1M, and
  `...naive_vs_rollup` and `...naive_vs_selector_queries` whose ratio is naive/rollup and
  naive/the selector's queries; the naive numbers are checked equal to the
  roll-up's;
- setup: `dashboards.generate.seconds`, `dashboards.rebuild.seconds` (`rollups.rebuild()`,
  set-based in the database; + the registry counts'), `dashboards.titlecount.rows`,
  `dashboards.database.bytes`.

Sizes: BENCH_DASHBOARD_SIZES (default "1000000,10000000" on PostgreSQL). `--quick` (or
BENCH_QUICK=1, and always on SQLite unless sizes are given) uses a small tree (3 provinces, 26
communes) and 20,000 / 60,000 rows: a smoke test of the whole run in about a minute.
BENCH_KEEP_DATABASE=1 keeps the PostgreSQL database afterwards (it is dropped otherwise).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_scale \\
        .venv/bin/python bench/run.py dashboards
    .venv/bin/python bench/bench_dashboards.py --quick
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from generate import bench_database, database_bytes, rebuild_rollups, vacuum_analyze
from support import REPEAT, emit, throwaway_database, timed

POSTGRES = os.environ.get("BENCH_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
QUICK = "--quick" in sys.argv or os.environ.get("BENCH_QUICK") == "1"
if os.environ.get("BENCH_DASHBOARD_SIZES"):
    SIZES = tuple(int(n) for n in os.environ["BENCH_DASHBOARD_SIZES"].split(","))
elif QUICK or not POSTGRES:
    QUICK = True
    SIZES = (20_000, 60_000)
else:
    SIZES = (1_000_000, 10_000_000)
KEEP = os.environ.get("BENCH_KEEP_DATABASE") == "1"
YEAR = 2025
# The last year whose results name the units of before the 2025 reform: today's units show
# them rolled in through the lineage (three old communes or so in each of today's).
BEFORE_REFORM = 2024
TARGET_SECONDS = 0.05
SEED = 2025
Key = tuple[str, str, str]  # (title, state, level)


@contextmanager
def database() -> Iterator[None]:
    if POSTGRES and KEEP:
        with bench_database(fresh=True, keep=True):
            yield
    else:
        with throwaway_database():
            yield


def shape() -> Any:
    from hoctap.targets import synthetic

    if QUICK:
        return synthetic.Shape("quick", communes=(12, 8, 6), hamlets=(3, 6), city_first=True)
    return synthetic.NATIONAL


# -- what is measured -------------------------------------------------------------------------


def rollup_reader(unit: Any) -> Callable[[], Any]:
    """What the dashboard reads for `unit` (None: the country): the units below and their
    counts, and the unit's own."""
    from hoctap.targets import rollups

    def read() -> Any:
        return rollups.children_counts(unit, YEAR), rollups.unit_counts(unit, YEAR)

    return read


def naive_reader(unit: Any) -> Callable[[], Any]:
    """The same numbers counted from the assessments: by the path of the unit below (its
    prefix), and in all; with the units below, as `children_counts` returns them."""
    from django.db import connection

    from hoctap.adminunits.models import PATH_STEP, AdminUnit
    from hoctap.assessments.models import Assessment

    table = connection.ops.quote_name(Assessment._meta.db_table)
    depth = PATH_STEP * (1 if unit is None else len(unit.path) // PATH_STEP + 1)
    where = "year = %s"
    params: list[Any] = [YEAR]
    if unit is not None:
        where += " AND unit_path LIKE %s"
        params.append(unit.path + "%")
    by_child = (
        f"SELECT SUBSTR(unit_path, 1, {depth}), title, state, level, COUNT(*)"  # noqa: S608
        f" FROM {table} WHERE {where} GROUP BY 1, 2, 3, 4"
    )
    in_all = f"SELECT title, state, level, COUNT(*) FROM {table} WHERE {where} GROUP BY 1, 2, 3"  # noqa: S608
    below = {"parent": unit} if unit is not None else {"parent__isnull": True}

    def read() -> Any:
        children = list(AdminUnit.objects.filter(**below))
        with connection.cursor() as cursor:
            cursor.execute(by_child, params)
            per_child = cursor.fetchall()
            cursor.execute(in_all, params)
            total = cursor.fetchall()
        return children, per_child, total

    return read


def selector_reader(user: Any, unit: Any, year: int = YEAR) -> Callable[[], Any] | None:
    """The app's whole dashboard selector for `unit` in the year, when it exists."""
    if importlib.util.find_spec("hoctap.targets.selectors") is None:
        return None
    dashboard = getattr(importlib.import_module("hoctap.targets.selectors"), "dashboard", None)
    if dashboard is None:
        return None

    def read() -> Any:
        return dashboard(user, unit, year, "current")

    return read


def replay_reader(read: Callable[[], Any]) -> Callable[[], Any]:
    """The statements `read` sends to the database (captured from one call, parameters bound),
    sent again as they are and their rows fetched: what the database and driver cost of the
    selector, without the Python that makes the figures from the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    read()  # warm: what the user's first call loads once (their roles) is not the dashboard's
    with CaptureQueriesContext(connection) as captured:
        read()
    statements = [query["sql"] for query in captured.captured_queries]

    def replay() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                rows += len(cursor.fetchall())
        return rows

    return replay


def same_numbers(rollup: Any, naive: Any) -> None:
    """The roll-up's and the naive query's numbers agree, unit by unit and in all."""
    children, own = rollup
    _, per_child, total = naive
    counted: dict[str, dict[Key, int]] = defaultdict(dict)
    for path, title, state, level, number in per_child:
        counted[path][(title, state, level)] = number
    for child in children:
        assert child.counts == counted.pop(child.unit.path, {}), child.unit.path
    assert not counted, f"counts under units the roll-up does not show: {sorted(counted)[:5]}"
    assert own.counts == {(title, state, level): n for title, state, level, n in total}


def queries(read: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def title_count_rows() -> int:
    from hoctap.targets.models import TitleCount

    return TitleCount.objects.count()


# -- the run ----------------------------------------------------------------------------------


def setup_users(province: Any) -> tuple[Any, Any]:
    """A system administrator (the country) and an official of the province."""
    from hoctap.accounts.models import Role, RoleAssignment, User

    admin = User.objects.create(username="bench-admin", full_name="Quản trị", is_superuser=True)
    official = User.objects.create(username="bench-tinh", full_name="Cán bộ tỉnh")
    RoleAssignment.objects.create(user=official, role=Role.PROVINCE_OFFICIAL, unit=province)
    return admin, official


def grow_to(size: int, first: bool) -> dict[str, Any]:
    """Generate (first) or grow the data set to about `size` rows, rebuild, vacuum; timings."""
    from hoctap.targets import synthetic

    started = time.perf_counter()
    if first:
        _, report = synthetic.generate(shape(), assessments=size, seed=SEED)
    else:
        report = synthetic.grow(assessments=size, seed=SEED)
    steps: dict[str, Any] = {"generate_seconds": time.perf_counter() - started}
    steps["written"] = dict(report.rows)
    steps.update(rebuild_rollups())
    from django.db import connection

    if connection.vendor == "postgresql":
        steps["vacuum_seconds"] = vacuum_analyze()
    print(f"# {size}: {steps}", file=sys.stderr, flush=True)
    return steps


# A dashboard read takes milliseconds: more calls than the other benchmarks' steady the median.
DASHBOARD_REPEAT = max(REPEAT, 31)


def timings(read: Callable[[], Any]) -> tuple[float, float, float]:
    """(median, fastest, median CPU) seconds of `read` over DASHBOARD_REPEAT warm calls: the
    fastest shows what the query costs when nothing else runs on the machine (this one is
    shared); the CPU, this process's own time (not the database's waits)."""
    read()  # warm-up: connection, query plans, caches
    times, cpu = [], []
    for _ in range(DASHBOARD_REPEAT):
        started = time.process_time()
        times.append(timed(read)[0])
        cpu.append(time.process_time() - started)
    return statistics.median(times), min(times), statistics.median(cpu)


def rows_read(unit: Any) -> int:
    """The roll-up rows the dashboard of `unit` reads (untimed): its children's and its own."""
    from hoctap.targets.models import COUNTRY_LEVEL, TitleCount

    path = unit.path if unit is not None else ""
    year = TitleCount.objects.filter(year=YEAR).exclude(count=0)
    children = year.filter(parent_path=path, unit_level__gt=COUNTRY_LEVEL).count()
    return children + year.filter(unit_path=path).count()


def measure(admin: Any, official: Any, province: Any) -> dict[str, Any]:
    """Median and fastest seconds and the queries of every reader, national and province.

    What this process holds by now is frozen out of the garbage collector, as the web server
    does once loaded (`config/wsgi.py`): otherwise a full collection walking what the
    generator left behind would be timed as the dashboard's."""
    gc.collect()
    gc.freeze()
    figures: dict[str, Any] = {}
    for scope, unit, user in (("national", None, admin), ("province", province, official)):
        readers = {"rollup": rollup_reader(unit), "naive": naive_reader(unit)}
        selector = selector_reader(user, unit)
        if selector is not None:
            readers["selector"] = selector
            readers["selector_queries"] = replay_reader(selector)
            before = selector_reader(user, unit, BEFORE_REFORM)
            assert before is not None
            readers["selector_before_reform"] = before
        for name, read in readers.items():
            (
                figures[f"{scope}.{name}"],
                figures[f"{scope}.{name}.fastest"],
                figures[f"{scope}.{name}.cpu"],
            ) = timings(read)
            figures[f"{scope}.{name}.queries"] = queries(read)
        if "selector_queries" in readers:
            figures[f"{scope}.selector_queries.rows_returned"] = readers["selector_queries"]()
        figures[f"{scope}.rollup.rows_read"] = rows_read(unit)
        same_numbers(readers["rollup"](), readers["naive"]())
    print(f"# measured: {figures}", file=sys.stderr, flush=True)
    return figures


def main() -> None:
    with database():
        from django.db import connection

        from hoctap.adminunits.models import AdminUnit
        from hoctap.assessments.models import Assessment
        from hoctap.targets import synthetic

        results: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        admin = official = province = None
        for position, size in enumerate(SIZES):
            steps = grow_to(size, first=position == 0)
            if province is None:
                province = AdminUnit.objects.get(key=synthetic.load_tree().provinces[0].key)
                admin, official = setup_users(province)
            rows = Assessment.objects.count()
            steps["titlecount"] = title_count_rows()
            steps["in_province"] = Assessment.objects.filter(
                unit_path__startswith=province.path
            ).count()
            if connection.vendor == "postgresql":
                steps["bytes"] = database_bytes()
            results.append((rows, steps, measure(admin, official, province)))

        first_rows, _, first = results[0]
        for rows, steps, figures in results:
            small = rows == first_rows
            emit(
                "dashboards.generate.seconds",
                steps["generate_seconds"],
                "s",
                rows,
                grown=not small,
                written=steps["written"],
            )
            emit(
                "dashboards.rebuild.seconds",
                steps["titlecount_seconds"],
                "s",
                rows,
                titlecount_rows=steps["titlecount_rows"],
            )
            if "registrycount_seconds" in steps:
                emit(
                    "dashboards.rebuild_registry.seconds",
                    steps["registrycount_seconds"],
                    "s",
                    rows,
                    registrycount_rows=steps["registrycount_rows"],
                )
            emit("dashboards.titlecount.rows", steps["titlecount"], "rows", rows)
            if "bytes" in steps:
                emit("dashboards.database.bytes", steps["bytes"], "bytes", rows)
            for scope in ("national", "province"):
                where = (
                    {"province_assessments": steps["in_province"]} if scope == "province" else {}
                )
                for reader in ("rollup", "selector", "selector_queries", "selector_before_reform"):
                    name = f"{scope}.{reader}"
                    if name not in figures:
                        continue
                    extra = {
                        key: figures[f"{name}.{key}"]
                        for key in ("rows_read", "rows_returned")
                        if f"{name}.{key}" in figures
                    }
                    emit(
                        f"dashboards.{name}.seconds",
                        figures[name],
                        "s",
                        rows,
                        baseline=None if small else first[name],
                        target=TARGET_SECONDS,
                        fastest=round(figures[f"{name}.fastest"], 6),
                        cpu=round(figures[f"{name}.cpu"], 6),
                        fastest_ratio=None
                        if small
                        else round(figures[f"{name}.fastest"] / first[f"{name}.fastest"], 3),
                        queries=figures[f"{name}.queries"],
                        year=BEFORE_REFORM if reader == "selector_before_reform" else YEAR,
                        **extra,
                        **where,
                    )
                naive = f"{scope}.naive"
                emit(
                    f"dashboards.{naive}.seconds",
                    figures[naive],
                    "s",
                    rows,
                    baseline=None if small else first[naive],
                    fastest=round(figures[f"{naive}.fastest"], 6),
                    year=YEAR,
                    **where,
                )
                for reader in ("rollup", "selector_queries"):
                    if f"{scope}.{reader}" in figures:
                        emit(
                            f"dashboards.{scope}.naive_vs_{reader}",
                            figures[naive],
                            "s",
                            rows,
                            baseline=figures[f"{scope}.{reader}"],
                            year=YEAR,
                        )


if __name__ == "__main__":
    main()
