"""`field__any=[...]` finds what `field__in=[...]` finds, on SQLite and on PostgreSQL (where it
sends one array parameter)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.adminunits.models import AdminUnit


def keys(units: Any) -> set[str]:
    return set(units.values_list("key", flat=True))


def test_any_finds_the_same_units_as_in(tree: Any) -> None:
    paths = [tree.commune.path, tree.far_hamlet.path, "no such path"]
    assert keys(AdminUnit.objects.filter(path__any=paths)) == {"03694", "16279-001"}
    assert keys(AdminUnit.objects.filter(path__any=paths)) == keys(
        AdminUnit.objects.filter(path__in=paths)
    )
    ids = [tree.hamlet.pk, tree.other_province.pk]
    assert keys(AdminUnit.objects.filter(pk__any=ids)) == {"03694-001", "38"}
    # A foreign key takes ids.
    below = AdminUnit.objects.filter(parent__any=[tree.commune.pk, tree.far_commune.pk])
    assert keys(below) == {"03694-001", "03694-002", "16279-001"}
    assert keys(AdminUnit.objects.filter(parent_id__any=[tree.commune.pk])) == {
        "03694-001",
        "03694-002",
    }


def test_any_of_nothing_finds_nothing_and_ignores_none(tree: Any) -> None:
    assert not AdminUnit.objects.filter(path__any=[]).exists()
    assert keys(AdminUnit.objects.filter(key__any=[None, "14"])) == {"14"}
    assert AdminUnit.objects.exclude(path__any=[]).count() == AdminUnit.objects.count()


def test_on_postgresql_the_list_is_one_parameter(tree: Any) -> None:
    paths = [unit.path for unit in AdminUnit.objects.all()]
    with CaptureQueriesContext(connection) as captured:
        assert AdminUnit.objects.filter(path__any=paths).count() == len(paths)
    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql
