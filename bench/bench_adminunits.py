"""Unit tree benchmarks: loading the official lists, and listing a province's subtree.

1. `load_admin_units()` on an empty database (rows: units added), then again (the
   idempotent pass that changes nothing; rows: units compared), against the first load.
2. With 10,000 hamlets added under one province's communes, the product's selector
   `unit_subtree(user=<province official>, unit=<province>)` materialised into a list,
   against a plain scan of the whole table in the same run; plus the selector's query count.
"""

from __future__ import annotations

import datetime
import os

from support import emit, median_time, throwaway_database, timed

HAMLETS = int(os.environ.get("BENCH_HAMLETS", "10000"))


def bench_loader() -> None:
    from hoctap.adminunits.loader import load_admin_units
    from hoctap.adminunits.models import AdminUnit

    first_time, first = timed(load_admin_units)
    assert first.added > 0, "the loader added nothing"
    emit(
        "adminunits.load.initial",
        first_time,
        "s",
        first.added,
        lineage=first.lineage_added,
    )
    again_time, again = timed(load_admin_units)
    assert not again.changed, f"the second load changed something: {again}"
    emit(
        "adminunits.load.rerun",
        again_time,
        "s",
        AdminUnit.objects.count(),
        baseline=first_time,
    )


def add_hamlets(province_key: str, count: int) -> None:
    """Benchmark setup: `count` hamlets spread over the province's communes, inserted in bulk."""
    from hoctap.adminunits.models import AdminUnit, Kind, Level
    from hoctap.adminunits.services import path_for
    from hoctap.core.text import search_key

    communes = list(
        AdminUnit.objects.current().filter(parent__key=province_key, level=Level.COMMUNE)
    )
    hamlets = []
    for number in range(count):
        commune = communes[number % len(communes)]
        name = f"Thôn Số {number + 1}"
        key = f"{commune.key}-{number // len(communes) + 1:03d}"
        hamlets.append(
            AdminUnit(
                key=key,
                code="",
                name=name,
                search_name=search_key(name),
                level=Level.HAMLET,
                kind=Kind.VILLAGE,
                parent=commune,
                path=f"new-{key}",
                valid_from=datetime.date(2025, 7, 1),
            )
        )
    created = AdminUnit.objects.bulk_create(hamlets, batch_size=2000)
    for hamlet in created:
        hamlet.path = path_for(hamlet.pk, hamlet.parent)
    AdminUnit.objects.bulk_update(created, ["path"], batch_size=2000)


def bench_subtree() -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from hoctap.accounts.models import Role, RoleAssignment, User
    from hoctap.accounts.scope import forget_scope
    from hoctap.adminunits.models import AdminUnit, Level
    from hoctap.adminunits.selectors import unit_subtree

    # The province with the most communes, as the heaviest realistic subtree.
    province = (
        AdminUnit.objects.current()
        .filter(level=Level.PROVINCE)
        .annotate(communes=Count("children"))
        .order_by("-communes", "key")
        .first()
    )
    assert province is not None
    add_hamlets(province.key, HAMLETS)
    official = User.objects.create(username="bench-tinh", full_name="Cán bộ tỉnh")
    RoleAssignment.objects.create(user=official, role=Role.PROVINCE_OFFICIAL, unit=province)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def subtree() -> list[AdminUnit]:
        return list(unit_subtree(user=official, unit=province))

    def full_scan() -> list[AdminUnit]:
        return list(AdminUnit.objects.all())

    # Each request starts with a fresh user object, so the scope is looked up every time.
    def fresh_scope() -> None:
        forget_scope(official)

    subtree_time, units = median_time(subtree, before=fresh_scope)
    scan_time, everything = median_time(full_scan)
    fresh_scope()
    with CaptureQueriesContext(connection) as queries:
        subtree()
    hamlets = sum(1 for unit in units if unit.level == Level.HAMLET)
    assert hamlets == HAMLETS, f"the subtree holds {hamlets} hamlets, expected {HAMLETS}"

    emit(
        "adminunits.subtree.list",
        subtree_time,
        "s",
        len(units),
        baseline=scan_time,
        province=province.name,
        hamlets=hamlets,
    )
    emit("adminunits.subtree.full_scan_baseline", scan_time, "s", len(everything))
    emit("adminunits.subtree.queries", len(queries.captured_queries), "queries", len(units))


def main() -> None:
    with throwaway_database():
        bench_loader()
        bench_subtree()


if __name__ == "__main__":
    main()
