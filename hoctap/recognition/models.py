"""Recognition: the decision an authority issues over proposed assessments, the certificate each
recognised subject receives, and the decisions that revoke them.

A decision is immutable once issued: nothing here has an edit path, and a correction is a new
decision (today: one that revokes certificates). Certificates carry a serial unique per issuing
authority and year, drawn from `SerialCounter` inside the issuing transaction, so there are no
gaps and no duplicates even when two officials issue at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Assessment, Title, beyond_keepers
from hoctap.core.models import TimeStampedModel
from hoctap.registry.models import ScopedQuerySet


class DecisionQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> DecisionQuerySet:
        """Decisions of an authority in the user's area, and those (often a province's) that
        recognise or revoke certificates of subjects in it."""
        own = super().visible_to(user)
        if own.query.is_empty() or user.is_superuser:
            return own  # type: ignore[return-value]
        about = Certificate.objects.visible_to(user)
        return (  # type: ignore[return-value]
            own
            | self.filter(pk__in=about.values("decision_id"))
            | self.filter(pk__in=about.filter(revoked_by__isnull=False).values("revoked_by_id"))
        ).distinct()


class CertificateQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> CertificateQuerySet:
        """Whoever sees an assessment sees its certificate: registry keepers their area's,
        organisation heads their area's organisations', a linked citizen its own."""
        visible = super().visible_to(user)
        extra = beyond_keepers(user, via="assessment__")
        if extra is not None:
            visible = visible | self.filter(extra)
        return visible  # type: ignore[return-value]


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    REVOCATION = "revocation", _("Revocation")


class Decision(TimeStampedModel):
    """A recognition (or revocation) decision in the Decree 30/2020 layout."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=DecisionKind.choices, default=DecisionKind.RECOGNITION
    )
    # The commune or province whose authority issues it; scope follows its path.
    authority = models.ForeignKey(
        AdminUnit, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    # The assessed year (the data window 1/1–31/12); the decision is usually issued the year after.
    year = models.PositiveSmallIntegerField(_("assessed year"))
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40, default="QĐ-UBND")
    issued_on = models.DateField(_("issued on"))
    # Numbers restart every calendar year of issue (Decree 30), so uniqueness is per that year.
    issued_year = models.PositiveSmallIntegerField(_("year of issue"), editable=False)
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    parent_body = models.CharField(_("body above"), max_length=255, blank=True)
    place = models.CharField(_("place"), max_length=120)
    subject_line = models.CharField(_("about"), max_length=500)
    legal_bases = models.TextField(_("legal bases"), help_text=_("One per line."))
    body = models.TextField(_("considering"), blank=True)
    signer_name = models.CharField(_("signer"), max_length=120)
    signer_position = models.CharField(_("signer's position"), max_length=120, default="CHỦ TỊCH")
    signer_authority = models.CharField(
        _("signing on behalf of"), max_length=120, default="TM. ỦY BAN NHÂN DÂN", blank=True
    )
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    reason = models.TextField(_("reason"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The scan of the printed and signed decision, uploaded once afterwards.
    signed_file = models.FileField(_("signed copy"), upload_to="decisions/%Y/", blank=True)
    signed_uploaded_at = models.DateTimeField(_("signed copy uploaded at"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "issued_year", "number", "symbol"],
                name="decision_number_unique_per_authority_year",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """“15/QĐ-UBND”, as the decision is cited."""
        return f"{self.number}/{self.symbol}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.issued_year = self.issued_on.year
        self.unit_path = self.authority.path
        super().save(*args, **kwargs)


class SerialCounter(models.Model):
    """The last certificate number an authority gave in a year; locked while numbers are drawn."""

    authority = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="serialcounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.year}: {self.last}"


class Certificate(TimeStampedModel):
    """The certificate of one recognised subject; what it shows is copied at issuance."""

    assessment = models.OneToOneField(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    authority = models.ForeignKey(
        AdminUnit, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="+"
    )
    # The subject's hamlet or commune path: scope and the public lists follow it.
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    serial_year = models.PositiveSmallIntegerField(_("serial year"))
    serial_number = models.PositiveIntegerField(_("serial number"))
    serial = models.CharField(_("serial"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("assessed year"))
    holder_name = models.CharField(_("holder"), max_length=255)
    # Hamlet, commune, province: all a certificate says of where the holder lives.
    holder_place = models.CharField(_("place"), max_length=255)
    hamlet_name = models.CharField(_("hamlet"), max_length=255, blank=True)
    level = models.CharField(_("level"), max_length=16, blank=True)
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True)
    issued_on = models.DateField(_("issued on"))
    # The Ed25519 signature over `hoctap.recognition.signing.payload_of(certificate)`.
    key_id = models.CharField(_("key"), max_length=32)
    signature = models.CharField(_("signature"), max_length=128)
    revoked_by = models.ForeignKey(
        Decision,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_certificates",
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["serial_year", "authority_id", "serial_number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "serial_year", "serial_number"],
                name="certificate_serial_unique_per_authority_year",
            )
        ]
        indexes = [models.Index(fields=["commune", "year", "title"])]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_by_id is not None


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class CertificateBatch(TimeStampedModel):
    """All certificates of a decision as one PDF to print, built in the background."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="batches"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("certificates built"), default=0)
    file = models.FileField(_("file"), upload_to="certificates/%Y/", blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")

    def __str__(self) -> str:
        return f"{self.decision} ({self.done}/{self.total})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
