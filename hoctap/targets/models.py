"""Targets and the figures they are measured against.

`TitleCount` is the roll-up every dashboard reads: how many assessments of a title and year
are in each state (and level reached) in a unit's area. It is kept up to date by
`hoctap.targets.rollups` in the transaction of every registration, transition, decision and
revocation, so a dashboard reads a number of rows set by the number of units it shows, never by
the number of people or assessments below them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import State, Title

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
    # Not constrained to be ≥ 0: only rows written around the services (test factories, a
    # benchmark loader) can drive it below zero, and refusing a citizen's transition because
    # a summary drifted would be worse than the drift, which `rebuild-rollups --check` reports
    # and `rebuild-rollups` repairs. A count that reaches 0 keeps its row (see rollups).
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        ordering = ["unit_path", "year", "title", "state", "level"]
        verbose_name = _("title count")
        verbose_name_plural = _("title counts")
        constraints = [
            # The conflict target of the increments. Keyed by the path rather than the unit
            # so the country row (no unit, path "") needs no second, partial index and every
            # change is one INSERT … ON CONFLICT over rows in one fixed order.
            models.UniqueConstraint(
                fields=["unit_path", "year", "title", "state", "level"],
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
        return f"{where} {self.title} {self.year} {self.state} {self.level}: {self.count}"
