"""The administrative-unit tree: provinces, (historical) districts, communes and hamlets."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.models import TimeStampedModel

if TYPE_CHECKING:
    from hoctap.accounts.models import User

# The day the two-tier local government took effect (Resolution 202/2025/QH15).
REFORM_DATE = datetime.date(2025, 7, 1)
LAST_LEGACY_DAY = datetime.date(2025, 6, 30)

# Materialized path: each unit appends its zero-padded primary key, so
# `path LIKE '<ancestor path>%'` selects a whole subtree with one index range scan.
PATH_STEP = 10


class Level(models.IntegerChoices):
    PROVINCE = 1, _("province")
    DISTRICT = 2, _("district (before 1/7/2025)")
    COMMUNE = 3, _("commune")
    HAMLET = 4, _("hamlet")


class Kind(models.TextChoices):
    # Level 1
    PROVINCE = "tinh", _("province (tỉnh)")
    CENTRAL_CITY = "thanh_pho_trung_uong", _("centrally-run city")
    # Level 2, historical
    URBAN_DISTRICT = "quan", _("urban district (quận)")
    RURAL_DISTRICT = "huyen", _("rural district (huyện)")
    DISTRICT_TOWN = "thi_xa", _("town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho", _("provincial city")
    # Level 3
    COMMUNE = "xa", _("commune (xã)")
    WARD = "phuong", _("ward (phường)")
    SPECIAL_ZONE = "dac_khu", _("special zone (đặc khu)")
    TOWNSHIP = "thi_tran", _("township (thị trấn, before 1/7/2025)")
    # Level 4
    VILLAGE = "thon", _("village (thôn)")
    HIGHLAND_VILLAGE = "ban", _("highland village (bản)")
    SOUTHERN_HAMLET = "ap", _("hamlet (ấp)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("residential group (tổ dân phố)")


KIND_LEVEL: dict[str, int] = {
    Kind.PROVINCE: Level.PROVINCE,
    Kind.CENTRAL_CITY: Level.PROVINCE,
    Kind.URBAN_DISTRICT: Level.DISTRICT,
    Kind.RURAL_DISTRICT: Level.DISTRICT,
    Kind.DISTRICT_TOWN: Level.DISTRICT,
    Kind.PROVINCIAL_CITY: Level.DISTRICT,
    Kind.COMMUNE: Level.COMMUNE,
    Kind.WARD: Level.COMMUNE,
    Kind.SPECIAL_ZONE: Level.COMMUNE,
    Kind.TOWNSHIP: Level.COMMUNE,
    Kind.VILLAGE: Level.HAMLET,
    Kind.HIGHLAND_VILLAGE: Level.HAMLET,
    Kind.SOUTHERN_HAMLET: Level.HAMLET,
    Kind.RESIDENTIAL_GROUP: Level.HAMLET,
}
HAMLET_KINDS = [k for k, level in KIND_LEVEL.items() if level == Level.HAMLET]


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def current(self, on: datetime.date | None = None) -> AdminUnitQuerySet:
        """Units in force on `on` (today's units when not given)."""
        if on is None:
            return self.filter(valid_to__isnull=True)
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def subtree(self, unit: AdminUnit) -> AdminUnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: User | Any) -> AdminUnitQuerySet:
        """The one entry point for which units a user may see (their assignments' subtrees).

        A unit that ended in the 2025 reform is visible where one of its successors is:
        a commune official sees the old communes that became theirs.
        """
        from hoctap.accounts.scope import scope_paths

        paths = scope_paths(user)
        if paths is None:
            return self.all()
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        successor_ids = AdminUnitLineage.objects.filter(
            successor__in=AdminUnit.objects.filter(condition)
        ).values("predecessor_id")
        return self.filter(condition | Q(pk__in=successor_ids))


class AdminUnit(TimeStampedModel):
    """One unit of the tree, current or historical."""

    # Unique handle used in URLs and the API: the official code for today's units,
    # "old-<code>" for units that ended on 30/6/2025, "<commune code>-<n>" for hamlets.
    key = models.CharField(_("key"), max_length=32, unique=True)
    code = models.CharField(_("official code"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    search_name = models.CharField(_("search form of the name"), max_length=255, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=64, unique=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        indexes = [
            models.Index(fields=["parent", "level"]),
            # Subtree scans on PostgreSQL: LIKE 'prefix%' needs the pattern operator class.
            models.Index(
                fields=["path"], name="adminunit_path_like", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            # One live hamlet of a given name per commune; retired ones keep their names.
            models.UniqueConstraint(
                fields=["parent", "search_name"],
                condition=Q(level=4, valid_to__isnull=True),
                name="adminunit_unique_live_hamlet_name",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="adminunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_STEP

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit's ancestors, root first."""
        return [self.path[:end] for end in range(PATH_STEP, len(self.path), PATH_STEP)]

    def ancestors(self) -> AdminUnitQuerySet:
        return AdminUnit.objects.filter(path__in=self.ancestor_paths()).order_by("path")

    def valid_on(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )


class LineageKind(models.TextChoices):
    MERGED = "merged", _("merged into")
    SPLIT = "split", _("split, part went to")
    RENAMED = "renamed", _("renamed to")
    CONTINUED = "continued", _("continued as")


class AdminUnitLineage(models.Model):
    """A predecessor unit became (part of) a successor unit on a date."""

    predecessor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        AdminUnit,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LineageKind.choices)
    effective_date = models.DateField(_("effective date"))
    # When a commune was split, the successor that takes over its records by default.
    is_primary = models.BooleanField(_("primary successor"), default=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["effective_date", "predecessor_id"]
        verbose_name = _("unit lineage")
        verbose_name_plural = _("unit lineage")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="adminunitlineage_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="adminunitlineage_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date})"
