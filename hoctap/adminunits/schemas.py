"""API schemas for units."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from hoctap.adminunits.models import AdminUnit


class AdminUnitOut(Schema):
    key: str
    code: str
    name: str
    short_name: str
    level: int
    kind: str
    kind_label: str
    parent: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_current: bool

    # The detail endpoint hands over a dict that already holds these summary fields.
    @staticmethod
    def resolve_kind_label(obj: AdminUnit | dict[str, Any]) -> str:
        if isinstance(obj, dict):
            return str(obj["kind_label"])
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: AdminUnit | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):
            return obj["parent"]
        return obj.parent.key if obj.parent_id and obj.parent else None


class LineageOut(Schema):
    key: str
    name: str
    kind: str
    effective_date: datetime.date
    is_primary: bool


class AdminUnitDetailOut(AdminUnitOut):
    ancestors: list[AdminUnitOut]
    children_count: int
    now: list[AdminUnitOut]
    then: list[AdminUnitOut] | None = None
    predecessors: list[LineageOut]
    successors: list[LineageOut]


class UnitFilter(Schema):
    kind: str = ""
    level: int | None = None
    parent: str = ""
    q: str = ""
    include_retired: bool = False


class HamletIn(Schema):
    name: str
    kind: str
