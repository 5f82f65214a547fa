"""What every benchmark needs: Django on a throwaway database, timing, and JSON output.

A benchmark module calls `with throwaway_database(): ...` before importing models. The
database is a temporary SQLite file, or, when BENCH_DATABASE_URL is set, a PostgreSQL
database of that name created fresh for the run and dropped afterwards. Because that
database is dropped, its name must contain "bench", so a mistyped URL cannot wipe real data.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def _admin_url(url: str) -> tuple[str, str]:
    """The server's maintenance-database URL and the benchmark database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL must name a database containing 'bench' (got {name!r}): "
            "it is dropped and created afresh."
        )
    return urlunsplit(parts._replace(path="/postgres")), name


def _recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = _admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Set up Django on an empty, migrated database; remove it afterwards."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # DEBUG keeps every query in memory, which would slow down and distort the figures.
    os.environ["DEBUG"] = "0"
    url = os.environ.get("BENCH_DATABASE_URL", "")
    temporary: Path | None = None
    if url.startswith(("postgres://", "postgresql://")):
        _recreate_postgres(url)
        os.environ["DATABASE_URL"] = url
    elif url:
        raise SystemExit("BENCH_DATABASE_URL must be a postgres:// URL; leave it unset for SQLite.")
    else:
        temporary = Path(tempfile.mkdtemp(prefix="hoctap-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary / 'bench.sqlite3'}"
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        elif url:
            _recreate_postgres(url, drop_only=True)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median_time(
    function: Callable[[], Any], *, repeat: int = REPEAT, before: Callable[[], Any] | None = None
) -> tuple[float, Any]:
    """Median seconds over `repeat` calls (after one warm-up call), and the last result.

    `before` runs ahead of every call, untimed (to drop caches a real request would not have).
    """
    if before:
        before()
    result = function()  # warm-up: connection, query plans, imports
    times = []
    for _ in range(repeat):
        if before:
            before()
        elapsed, result = timed(function)
        times.append(elapsed)
    return statistics.median(times), result


def emit(
    name: str,
    value: float,
    unit: str,
    rows: int,
    *,
    baseline: float | None = None,
    **extra: Any,
) -> None:
    """Print one figure as a JSON line; with a baseline, also the ratio value/baseline."""
    from django.db import connection

    line: dict[str, Any] = {
        "name": name,
        "value": round(value, 6) if isinstance(value, float) else value,
        "unit": unit,
        "rows": rows,
    }
    if baseline is not None:
        line["baseline"] = round(baseline, 6)
        line["ratio"] = round(value / baseline, 3) if baseline else None
    line.update(extra)
    line["database"] = connection.vendor
    print(json.dumps(line, ensure_ascii=False), flush=True)


def new_unit(key: str, name: str, level: int, kind: str, parent: Any) -> Any:
    """A unit of the 2025 tree made for a benchmark (its path from its id, as the services do);
    call inside `throwaway_database()`."""
    import datetime

    from hoctap.adminunits.models import AdminUnit
    from hoctap.adminunits.services import path_for
    from hoctap.core.text import search_key

    created = AdminUnit.objects.create(
        key=key,
        code=key,
        name=name,
        search_name=search_key(name),
        level=level,
        kind=kind,
        parent=parent,
        path=f"new-{key}",
        valid_from=datetime.date(2025, 7, 1),
    )
    created.path = path_for(created.pk, parent)
    created.save(update_fields=["path"])
    return created
