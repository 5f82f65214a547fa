"""The sitemap of the public portal (/sitemap.xml), for search engines.

It lists the pages a visitor can reach without signing in and that hold something: the
portal's main pages, the pages of provinces and communes with published content (theirs or
of a unit below them), every published article and learning material, and the criteria sets.
Drafts and articles scheduled for later are left out until their time comes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from hoctap.adminunits.models import PATH_STEP, AdminUnit
from hoctap.portal.models import Article, Material
from hoctap.portal.selectors import OPEN_LEVELS
from hoctap.portal.views_public import article_url, public_set_codes


class MainPagesSitemap(Sitemap):
    """The portal's home and list pages."""

    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "portal:home",
            "portal:articles",
            "portal:events",
            "portal:materials",
            "portal:figures",
            "portal:criteria",
            "portal:interest",
            "public:verify_form",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class UnitSitemap(Sitemap):
    """Provinces and communes whose page has published content."""

    changefreq = "daily"
    priority = 0.6

    def items(self) -> QuerySet[AdminUnit]:
        paths: set[str] = set()
        for model in (Article, Material):
            owners = model.objects.published().exclude(unit_path="")
            for path in owners.values_list("unit_path", flat=True).distinct():
                # The owner and every unit above it show the content.
                paths.update(path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP))
        return AdminUnit.objects.filter(path__in=sorted(paths), level__in=OPEN_LEVELS).order_by(
            "path"
        )

    def location(self, item: AdminUnit) -> str:
        return reverse("portal:unit", args=[item.key])


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def location(self, item: Article) -> str:
        return article_url(item)

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


class MaterialSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self) -> QuerySet[Material]:
        return Material.objects.published().only("pk", "updated_at").order_by("pk")

    def location(self, item: Material) -> str:
        return reverse("portal:material", args=[item.pk])

    def lastmod(self, item: Material) -> datetime.datetime:
        return item.updated_at


class CriteriaSitemap(Sitemap):
    """One page per criteria set (the shipped sets' codes)."""

    changefreq = "monthly"
    priority = 0.4

    def items(self) -> list[str]:
        return public_set_codes()

    def location(self, item: str) -> str:
        return reverse("portal:criteria_set", args=[item])


SITEMAPS: dict[str, Any] = {
    "main": MainPagesSitemap,
    "units": UnitSitemap,
    "articles": ArticleSitemap,
    "materials": MaterialSitemap,
    "criteria": CriteriaSitemap,
}
