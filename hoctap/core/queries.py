"""Reading many plain rows without the ORM's per-row work."""

from __future__ import annotations

from typing import Any

from django.db import connections, models


def plain_rows(queryset: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset as the database driver returns them, fetched at
    once: for thousands of rows of integers and text, where the ORM's converters and chunked
    iteration cost more than the query. Columns that need a converter (dates on SQLite,
    decimals, JSON) come back raw: read those through the queryset."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
