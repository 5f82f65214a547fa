"""Reads of the portal: what the public sees, and what an editor or collector works on.

Public reads show only published content whose time has come; the open figures are the
dashboards' counts and percentages (no names, no personal data), for the country, a province
or a commune — never a hamlet, where a count of a few households could point at a family.
"""

from __future__ import annotations

import datetime
import types
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.text import search_key
from hoctap.portal.models import Article, ArticleKind, Interest, InterestStatus, Material
from hoctap.portal.permissions import INTEREST_ROLES, can_edit_for, editor_units
from hoctap.targets import selectors as dashboards

# Units whose figures are public.
OPEN_LEVELS = (Level.PROVINCE, Level.COMMUNE)

# Open figures are read for the public, whose access is not scoped: a reader that may see any
# dashboard, used only for the levels above.
_PUBLIC = types.SimpleNamespace(
    is_authenticated=True, is_active=True, is_superuser=True, pk=None, username="public"
)


def public_unit_get(key: str) -> AdminUnit | None:
    """The province or commune with this key ("" for the country); DoesNotExist otherwise."""
    if not key:
        return None
    unit = AdminUnit.objects.filter(key=key, level__in=OPEN_LEVELS).first()
    if unit is None:
        raise AdminUnit.DoesNotExist(key)
    return unit


def _search(items: QuerySet[Any], query: str) -> QuerySet[Any]:
    for word in search_key(query).split():
        items = items.filter(search_text__contains=word)
    return items


def article_list(
    *,
    unit: AdminUnit | None = None,
    kind: str | None = None,
    query: str = "",
    within: bool = True,
    now: datetime.datetime | None = None,
) -> QuerySet[Article]:
    """Published articles of the unit (and the units below it when `within`), newest first."""
    articles = Article.objects.published(now).select_related("unit")
    articles = articles.within(unit) if within else articles.of_unit(unit)
    if kind:
        articles = articles.filter(kind=kind)
    return _search(articles, query)


def article_get(pk: int, *, now: datetime.datetime | None = None) -> Article:
    return Article.objects.published(now).select_related("unit").get(pk=pk)


def events_upcoming(
    *, unit: AdminUnit | None = None, today: datetime.date | None = None
) -> QuerySet[Article]:
    """Published events not yet over, soonest first."""
    today = today or timezone.localdate()
    events = article_list(unit=unit, kind=ArticleKind.EVENT)
    return events.filter(
        Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
    ).order_by("starts_on", "pk")


def material_list(
    *,
    unit: AdminUnit | None = None,
    query: str = "",
    topic: str = "",
    audience: str = "",
    format: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Material]:
    """Published materials (of the unit and below), filtered; diacritics-insensitive search."""
    materials = Material.objects.published(now).select_related("unit", "centre").within(unit)
    if topic:
        materials = materials.filter(topic=topic)
    if audience:
        materials = materials.filter(audience=audience)
    if format:
        materials = materials.filter(format=format)
    return _search(materials, query)


def material_get(pk: int, *, now: datetime.datetime | None = None) -> Material:
    return Material.objects.published(now).select_related("unit", "centre").get(pk=pk)


def open_figures(unit: AdminUnit | None, year: int) -> dashboards.Dashboard:
    """The dashboard of a province, a commune or the country (see the module's docstring)."""
    if unit is not None and unit.level not in OPEN_LEVELS:
        raise AdminUnit.DoesNotExist(unit.key)
    return dashboards.dashboard(_PUBLIC, unit, year, dashboards.HIERARCHY_CURRENT)


# -- editors and collectors ---------------------------------------------------------------------


def editor_articles(user: Any) -> QuerySet[Article]:
    """Every article (drafts, scheduled) of the units the user writes for."""
    return _editable(Article.objects.select_related("unit"), user)


def editor_materials(user: Any) -> QuerySet[Material]:
    return _editable(Material.objects.select_related("unit", "centre"), user)


def _editable(items: QuerySet[Any], user: Any) -> QuerySet[Any]:
    units = editor_units(user)
    if units == [None]:
        return items
    paths = [unit.path for unit in units if unit is not None]
    return items.filter(unit_path__in=paths) if paths else items.none()


def editor_article_get(user: Any, pk: int) -> Article:
    article = Article.objects.select_related("unit").filter(pk=pk).first()
    if article is None or not can_edit_for(user, article.unit):
        raise Article.DoesNotExist(pk)
    return article


def editor_material_get(user: Any, pk: int) -> Material:
    material = Material.objects.select_related("unit", "centre").filter(pk=pk).first()
    if material is None or not can_edit_for(user, material.unit):
        raise Material.DoesNotExist(pk)
    return material


def interest_list(user: Any, *, status: str = InterestStatus.NEW) -> QuerySet[Interest]:
    """Registrations of interest in the user's area (new ones first to handle)."""
    interests = Interest.objects.select_related("hamlet", "assessment")
    if status:
        interests = interests.filter(status=status)
    paths = scope_paths(user, INTEREST_ROLES)
    if paths is None:
        return interests
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(unit_path__startswith=path)
    return interests.filter(condition)


def interest_get(user: Any, pk: int) -> Interest:
    found = interest_list(user, status="").filter(pk=pk).first()
    if found is None:
        raise Interest.DoesNotExist(pk)
    return found
