"""Reads of the unit tree; every one takes the acting user and applies their scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q

from hoctap.adminunits.models import AdminUnit, AdminUnitQuerySet, Level
from hoctap.core.text import search_key


def unit_list(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    level: int | None = None,
    parent: AdminUnit | None = None,
    include_retired: bool = False,
) -> AdminUnitQuerySet:
    """Units the user may see, filtered; `q` ignores diacritics and case."""
    units = AdminUnit.objects.visible_to(user)
    if not include_retired:
        units = units.current()
    if q:
        for word in search_key(q).split():
            units = units.filter(search_name__contains=word)
    if kind:
        units = units.filter(kind=kind)
    if level is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=parent)
    return units.select_related("parent").order_by("level", "search_name", "id")


def unit_get(*, user: Any, key: str) -> AdminUnit:
    """One unit by key, or AdminUnit.DoesNotExist when missing or out of scope."""
    return AdminUnit.objects.visible_to(user).select_related("parent").get(key=key)


def unit_children(
    *, user: Any, unit: AdminUnit, include_retired: bool = False
) -> AdminUnitQuerySet:
    """The unit's children the user may see, with how many children each has."""
    children = AdminUnit.objects.visible_to(user).filter(parent=unit)
    if not include_retired:
        children = children.current()
    return children.annotate(
        child_count=Count("children", filter=Q(children__valid_to__isnull=True))
    ).order_by(F("valid_to").asc(nulls_first=True), "search_name")  # current units first


def unit_ancestors(*, user: Any, unit: AdminUnit) -> list[AdminUnit]:
    """The unit's ancestors, root first, each marked `in_scope` (a link) or not (plain text)."""
    from hoctap.accounts.scope import path_in_scope

    ancestors = list(unit.ancestors())
    for ancestor in ancestors:
        ancestor.in_scope = path_in_scope(user, ancestor.path)  # type: ignore[attr-defined]
    return ancestors


def unit_subtree(*, user: Any, unit: AdminUnit, include_retired: bool = False) -> AdminUnitQuerySet:
    """The unit and everything below it that the user may see."""
    units = AdminUnit.objects.visible_to(user).subtree(unit)
    if not include_retired:
        units = units.current()
    return units


def unit_roots(*, user: Any) -> AdminUnitQuerySet:
    """The top units of the user's scope: provinces for the country, else assigned units."""
    from hoctap.accounts.scope import scope_paths

    paths = scope_paths(user)
    if paths is None:
        return AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("search_name")
    # Drop paths nested inside another assigned path.
    tops = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    return AdminUnit.objects.filter(path__in=tops).order_by("level", "search_name")


def unit_successors_now(*, unit: AdminUnit) -> list[AdminUnit]:
    """What the unit is now: itself if current, else the current units it became."""
    seen: set[int] = set()
    frontier = [unit]
    result: list[AdminUnit] = []
    while frontier:
        next_frontier: list[AdminUnit] = []
        for item in frontier:
            if item.pk in seen:
                continue
            seen.add(item.pk)
            if item.is_current:
                result.append(item)
                continue
            next_frontier.extend(
                link.successor
                for link in item.successor_links.select_related("successor").order_by(
                    "-is_primary", "successor__name"
                )
            )
        frontier = next_frontier
    return result


def unit_predecessors_on(*, unit: AdminUnit, on: datetime.date) -> list[AdminUnit]:
    """What the unit was on a date: the units in force then that became (part of) it."""
    seen: set[int] = set()
    frontier = [unit]
    result: list[AdminUnit] = []
    while frontier:
        next_frontier: list[AdminUnit] = []
        for item in frontier:
            if item.pk in seen:
                continue
            seen.add(item.pk)
            if item.valid_on(on):
                result.append(item)
                continue
            next_frontier.extend(
                link.predecessor
                for link in item.predecessor_links.select_related("predecessor").order_by(
                    "predecessor__name"
                )
            )
        frontier = next_frontier
    return result
