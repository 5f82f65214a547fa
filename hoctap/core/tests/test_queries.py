"""`plain_rows` gives a values_list queryset's rows as the queryset does, in one fetch."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from hoctap.adminunits.models import AdminUnit
from hoctap.core.queries import plain_rows


def test_plain_rows_are_the_querysets_rows_with_joins_filters_and_order(tree: Any) -> None:
    rows = (
        AdminUnit.objects.filter(path__any=[tree.commune.path, tree.hamlet.path, "none"])
        .order_by("path")
        .values_list("pk", "key", "name", "level", "parent__key")
    )

    assert plain_rows(rows) == [tuple(row) for row in rows]
    assert [row[1] for row in plain_rows(rows)] == ["03694", "03694-001"]
    assert plain_rows(AdminUnit.objects.filter(key="no such").values_list("pk")) == []
    # an expression's value, as the database computes it
    levels = AdminUnit.objects.filter(pk=tree.hamlet.pk).values_list(F("level") + 1)
    assert plain_rows(levels) == [(tree.hamlet.level + 1,)]
