"""Targets and the figures they are measured against.

`Target` is a percentage an indicator should reach by 2025 or 2030, national or local.
`RegistryCount` holds what the registry counts per unit (households, clans, …): the
denominators used when a unit declared none. `TitleCount` is the roll-up every dashboard
reads: how many assessments of a title and year are in each state (and level reached, and
target group) in a unit's area. Both counts are kept up to date in the transaction of every
write that changes them (`hoctap.targets.rollups`, `hoctap.targets.registry_counts`), so a
dashboard reads a number of rows set by the number of units it shows, never by the number of
people or assessments below them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import State, Title
from hoctap.core.models import TimeStampedModel
from hoctap.registry.models import StatisticKind

# `unit_level` of the row that counts the whole country (it has no unit).
COUNTRY_LEVEL = 0


class TitleCount(models.Model):
    """Assessments of one title and year in one state and level, in a unit's area (or the
    country's); derived data, rebuilt from the assessments by `hoctap rebuild-rollups`."""

    # Null for the country row. Deleting a unit drops its counts: they can be rebuilt.
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The unit's path ("" for the country): the key the increments are applied by, since
    # every assessment carries the path of its unit and not always the unit itself.
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True)
    # The path of the unit above ("" for a province and for the country): a drill-down reads
    # the children of a unit with one equality on an index, on any database and collation.
    parent_path = models.CharField(_("parent path"), max_length=64, blank=True)
    # AdminUnit.level of the unit (1 province, 2 district before 2025, 3 commune, 4 hamlet);
    # 0 for the country. Not AdminUnit.depth, which counts path steps.
    unit_level = models.PositiveSmallIntegerField(_("unit level"))
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    # The level the assessment reached ("" when none, or before it is scored).
    level = models.CharField(_("level reached"), max_length=16, blank=True)
    # The learning citizen's target group (`Assessment.variant`; "" for the other titles), so
    # the workers and officials who are learning citizens can be counted.
    variant = models.CharField(_("target group"), max_length=32, blank=True, default="")
    # Not constrained to be ≥ 0: only rows written around the services (test factories, a
    # benchmark loader) can drive it below zero, and refusing a citizen's transition because
    # a summary drifted would be worse than the drift, which `rebuild-rollups --check` reports
    # and `rebuild-rollups` repairs. A count that reaches 0 keeps its row (see rollups).
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        ordering = ["unit_path", "year", "title", "state", "level", "variant"]
        verbose_name = _("title count")
        verbose_name_plural = _("title counts")
        constraints = [
            # The conflict target of the increments. Keyed by the path rather than the unit
            # so the country row (no unit, path "") needs no second, partial index and every
            # change is one INSERT … ON CONFLICT over rows in one fixed order.
            models.UniqueConstraint(
                fields=["unit_path", "year", "title", "state", "level", "variant"],
                name="titlecount_unique",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, unit_path="", unit_level=COUNTRY_LEVEL)
                | Q(unit__isnull=False, unit_level__gt=COUNTRY_LEVEL),
                name="titlecount_country_has_no_unit",
            ),
        ]
        indexes = [
            # The drill-down: the rows of a unit's children for one year (or every year).
            models.Index(fields=["parent_path", "year"], name="titlecount_children"),
            models.Index(fields=["unit", "year"], name="titlecount_unit_year"),
        ]

    def __str__(self) -> str:
        where = self.unit_path or "-"
        variant = f" {self.variant}" if self.variant else ""
        return f"{where} {self.title}{variant} {self.year} {self.state} {self.level}: {self.count}"


class TitleTotal(models.Model):
    """Registered and recognised assessments of one title, year and target group in a unit's
    area (the country's): `TitleCount` summed over the states and levels, the pair every
    dashboard and report quotes. Kept by `hoctap.targets.rollups` in the same statement batch
    as `TitleCount`, so a dashboard reads one row per title and target group and unit, however
    many states and levels the assessments are spread over."""

    # The unit's path ("" for the country), as in TitleCount.
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    variant = models.CharField(_("target group"), max_length=32, blank=True, default="")
    # Every assessment of the year, whatever its state.
    registered = models.IntegerField(_("registered"), default=0)
    # Those recognised (a certificate in force).
    recognised = models.IntegerField(_("recognised"), default=0)

    class Meta:
        ordering = ["unit_path", "year", "title", "variant"]
        verbose_name = _("title total")
        verbose_name_plural = _("title totals")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_path", "year", "title", "variant"], name="titletotal_unique"
            ),
        ]

    def __str__(self) -> str:
        variant = f" {self.variant}" if self.variant else ""
        return (
            f"{self.unit_path or '-'} {self.title}{variant} {self.year}:"
            f" {self.registered}/{self.recognised}"
        )


class RegistryCount(models.Model):
    """What the registry holds in a unit's area (the country's), by what is counted: the
    denominators an indicator uses when the unit declared none. Derived data kept by
    `hoctap.targets.registry_counts` at every registry write, rebuilt by `rebuild-rollups`.

    The registry has no history: these are the counts as of now, whatever the year shown.
    """

    # Null for the country row; the same shape and keys as TitleCount.
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True)
    parent_path = models.CharField(_("parent path"), max_length=64, blank=True)
    unit_level = models.PositiveSmallIntegerField(_("unit level"))
    kind = models.CharField(_("what is counted"), max_length=32, choices=StatisticKind.choices)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        ordering = ["unit_path", "kind"]
        verbose_name = _("registry count")
        verbose_name_plural = _("registry counts")
        constraints = [
            models.UniqueConstraint(fields=["unit_path", "kind"], name="registrycount_unique"),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, unit_path="", unit_level=COUNTRY_LEVEL)
                | Q(unit__isnull=False, unit_level__gt=COUNTRY_LEVEL),
                name="registrycount_country_has_no_unit",
            ),
        ]
        indexes = [models.Index(fields=["parent_path"], name="registrycount_children")]

    def __str__(self) -> str:
        return f"{self.unit_path or '-'} {self.kind}: {self.count}"


# The years the programmes set targets for (QĐ 387/QĐ-TTg, QĐ 677/QĐ-TTg, QĐ 1373/QĐ-TTg).
TARGET_YEARS = (2025, 2030)


class Target(TimeStampedModel):
    """The percentage an indicator should reach by a target year: national (no unit) from the
    Prime Minister's decisions, or set by a province or commune for its area, where it
    overrides the level above (commune → province → national)."""

    # A code of `hoctap.targets.indicators.INDICATORS`; checked by the services, not by
    # choices, so adding an indicator needs no migration.
    indicator = models.CharField(_("indicator"), max_length=64)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit's path ("" for a national target), for scoping like every placed row.
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(
        _("target year"), choices=[(year, str(year)) for year in TARGET_YEARS]
    )
    value = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    source = models.CharField(_("source"), max_length=255)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["indicator", "unit_path", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"], name="target_one_per_indicator_unit_year"
            ),
            # NULL units are distinct in a plain unique index: national targets get their own.
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(unit__isnull=True),
                name="target_one_national_per_indicator_year",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100), name="target_value_0_to_100"
            ),
            models.CheckConstraint(condition=Q(year__in=TARGET_YEARS), name="target_year_known"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_path or '-'} {self.year}: {self.value}%"
