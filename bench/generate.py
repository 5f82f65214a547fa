"""Generate the dashboard benchmark's synthetic data set into a PostgreSQL database, kept.

The generator itself is `hoctap.targets.synthetic` (importable from the tests); this is its
command line. The database named by BENCH_DATABASE_URL (its name must contain "bench") is
dropped, created and migrated, then filled, then the roll-ups are rebuilt; it is kept
afterwards, so the app can be run against it:

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_scale \\
        .venv/bin/python bench/generate.py --scale province            # 300,000 households
    ... bench/generate.py --scale national --assessments 1000000
    ... bench/generate.py --grow --assessments 10000000                # the same units, more people
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_scale .venv/bin/hoctap runserver

Prints one JSON object: the rows written per table, the seconds of each step and the size of
the database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from support import ROOT, _recreate_postgres

# The province: 1,000,000 people in 300,000 households.
PROVINCE_HOUSEHOLDS = 300_000
NATIONAL_ASSESSMENTS = 1_000_000


@contextmanager
def bench_database(*, fresh: bool = True, keep: bool = True) -> Iterator[None]:
    """Django on the BENCH_DATABASE_URL database: recreated and migrated when `fresh`, dropped
    afterwards unless `keep` (unlike `support.throwaway_database`, which always drops it)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set BENCH_DATABASE_URL to a postgres:// URL whose name contains 'bench'.")
    if fresh:
        _recreate_postgres(url)  # refuses a name without "bench"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory
    os.environ["DATABASE_URL"] = url
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _recreate_postgres(url, drop_only=True)


def rebuild_rollups() -> dict[str, Any]:
    """Rebuild every roll-up table from the rows: the rows written and the seconds of each."""
    import importlib
    import importlib.util

    steps: dict[str, Any] = {}
    # The assessments' counts, then the registry's (the denominators) when the app keeps them.
    for name, module in (
        ("titlecount", "hoctap.targets.rollups"),
        ("registrycount", "hoctap.targets.registry_counts"),
    ):
        if importlib.util.find_spec(module) is None:
            continue
        rebuild = importlib.import_module(module).rebuild
        started = time.perf_counter()
        steps[f"{name}_rows"] = rebuild()
        steps[f"{name}_seconds"] = round(time.perf_counter() - started, 3)
    return steps


def vacuum_analyze() -> float:
    """VACUUM ANALYZE the tables written (as autovacuum would, eventually); seconds taken."""
    from django.db import connection

    from hoctap.targets import synthetic

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in synthetic.written_tables():
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    return int(size)


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=("province", "national"), default="province")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--assessments", type=int, help="about this many assessment rows in all")
    size.add_argument("--households", type=int, help="this many households")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--grow", action="store_true", help="add to the synthetic units already in the database"
    )
    arguments = parser.parse_args(argv)
    if arguments.grow and arguments.assessments is None:
        parser.error("--grow needs --assessments")

    with bench_database(fresh=not arguments.grow, keep=True):
        from hoctap.assessments.models import Assessment
        from hoctap.targets import synthetic

        if arguments.grow:
            report = synthetic.grow(assessments=arguments.assessments, seed=arguments.seed)
        else:
            households = arguments.households
            assessments = arguments.assessments
            if households is None and assessments is None:
                if arguments.scale == "province":
                    households = PROVINCE_HOUSEHOLDS
                else:
                    assessments = NATIONAL_ASSESSMENTS
            _, report = synthetic.generate(
                synthetic.SHAPES[arguments.scale],
                assessments=assessments,
                households=households,
                seed=arguments.seed,
            )
        summary: dict[str, Any] = {"generate": report.as_dict()}
        summary["rollups"] = rebuild_rollups()
        summary["vacuum_analyze_seconds"] = round(vacuum_analyze(), 3)
        summary["assessments"] = Assessment.objects.count()
        summary["database_bytes"] = database_bytes()
    return summary


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False))
