"""Factories for units: a small tree is enough for most tests."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from hoctap.adminunits.models import AdminUnit, Kind, Level
from hoctap.adminunits.services import path_for
from hoctap.core.text import search_key


class AdminUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    key = factory.Sequence(lambda n: f"T{n:05d}")
    code = factory.LazyAttribute(lambda o: o.key)
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = Level.COMMUNE
    kind = Kind.COMMUNE
    parent = None
    valid_from = datetime.date(2025, 7, 1)
    valid_to = None
    path = factory.LazyAttribute(lambda o: f"tmp-{o.key}")

    @classmethod
    def _create(cls, model_class: type[AdminUnit], *args: Any, **kwargs: Any) -> AdminUnit:
        kwargs.setdefault("search_name", search_key(kwargs["name"]))
        unit = model_class(**kwargs)
        unit.save()
        unit.path = path_for(unit.pk, unit.parent)
        unit.save(update_fields=["path"])
        return unit


def province(name: str = "Tỉnh Sơn La", key: str | None = None) -> AdminUnit:
    return AdminUnitFactory.create(
        name=name, level=Level.PROVINCE, kind=Kind.PROVINCE, **({"key": key} if key else {})
    )


def commune(parent: AdminUnit, name: str = "Xã Mường Giôn", key: str | None = None) -> AdminUnit:
    return AdminUnitFactory.create(
        name=name,
        level=Level.COMMUNE,
        kind=Kind.COMMUNE,
        parent=parent,
        **({"key": key} if key else {}),
    )


def ward(parent: AdminUnit, name: str = "Phường Tô Hiệu", key: str | None = None) -> AdminUnit:
    return AdminUnitFactory.create(
        name=name,
        level=Level.COMMUNE,
        kind=Kind.WARD,
        parent=parent,
        **({"key": key} if key else {}),
    )


def hamlet(parent: AdminUnit, name: str = "Bản Hày", key: str | None = None) -> AdminUnit:
    return AdminUnitFactory.create(
        name=name,
        level=Level.HAMLET,
        kind=Kind.HIGHLAND_VILLAGE,
        parent=parent,
        **({"key": key} if key else {}),
    )
