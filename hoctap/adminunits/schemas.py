"""API schemas for units."""

from __future__ import annotations

import datetime

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

    @staticmethod
    def resolve_kind_label(obj: AdminUnit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: AdminUnit) -> str | None:
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
