"""Criteria-set versions added in the database: a province's own version, or a national one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit


class VersionStatus(models.TextChoices):
    ACTIVE = "active", _("in force")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CriteriaSetVersion(models.Model):
    """A criteria set's YAML text applying in a province, or nationwide, from a date."""

    code = models.CharField(_("criteria set code"), max_length=64, db_index=True)
    version = models.CharField(_("version"), max_length=64)
    # Empty: a national version, replacing the shipped file everywhere from `valid_from`.
    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria_set_versions",
    )
    valid_from = models.DateField(_("valid from"))
    yaml_text = models.TextField(_("YAML text"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.ACTIVE
    )

    class Meta:
        ordering = ["code", "-valid_from", "-created_at"]
        verbose_name = _("criteria set version")
        verbose_name_plural = _("criteria set versions")
        indexes = [models.Index(fields=["code", "province", "valid_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version", "province"],
                condition=Q(province__isnull=False),
                name="criteriasetversion_unique_province",
            ),
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(province__isnull=True),
                name="criteriasetversion_unique_national",
            ),
        ]

    def __str__(self) -> str:
        where = str(self.province) if self.province_id else str(_("nationwide"))
        return f"{self.code} {self.version} · {where}"
