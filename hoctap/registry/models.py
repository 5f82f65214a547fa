"""The registry: households, people, clans, organisations, learning centres and
declared statistics — everything that can earn a title, and the denominators."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.core.models import TimeStampedModel


class ScopedQuerySet(models.QuerySet[Any]):
    """Registry rows carry the path of their hamlet (or commune); scope is a prefix match."""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        """The one entry point for what a user may see of this model."""
        from hoctap.accounts.scope import scope_paths
        from hoctap.registry.permissions import READER_ROLES

        paths = scope_paths(user, READER_ROLES)
        if paths is None:
            return self.all()
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(unit_path__startswith=path)
        return self.filter(condition)


class ScopedModel(TimeStampedModel):
    """A registry row placed in a commune (and, when known, a hamlet)."""

    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    hamlet = models.ForeignKey(
        AdminUnit,
        verbose_name=_("hamlet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Path of the hamlet, or of the commune when there is no hamlet: kept by the services.
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    search_name = models.CharField(_("search form of the name"), max_length=255, db_index=True)
    # Optimistic locking for edit forms: a stale form is refused, not silently applied.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class TargetGroup(models.TextChoices):
    """The four target groups of the learning-citizen criteria (QĐ 324/QĐ-KHVN 2023)."""

    RESIDENT = "resident", _("Resident of the commune")
    WORKER = "worker", _("Worker")
    OFFICIAL = "official", _("Official, employee or business person")
    LEARNER = "learner", _("Pupil, student or learner")


class DigitalSkill(models.TextChoices):
    NONE = "none", _("None")
    BASIC = "basic", _("Basic")
    PROFICIENT = "proficient", _("Proficient")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER = "other", _("Other relative")


class Household(ScopedModel):
    """A household (hộ gia đình), the subject of the learning-family title."""

    code = models.CharField(_("household code"), max_length=32)
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["unit_path", "code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_per_commune")
        ]

    def __str__(self) -> str:
        return self.code


class OrganisationKind(models.TextChoices):
    STATE_AGENCY = "state_agency", _("State agency")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    COOPERATIVE = "cooperative", _("Cooperative")
    PRODUCTION = "production", _("Production facility")
    ARMED_FORCES = "armed_forces", _("Armed-forces unit")
    OTHER = "other", _("Other")


class ManagingLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")
    CENTRAL = "central", _("Central")


class Organisation(ScopedModel):
    """An agency, school, enterprise or facility: the subject of the learning-unit title."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    managing_level = models.CharField(
        _("managed at"), max_length=16, choices=ManagingLevel.choices, default=ManagingLevel.COMMUNE
    )
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Used when the members are not listed one by one.
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)

    class Meta:
        ordering = ["unit_path", "search_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Person(ScopedModel):
    """A citizen: the subject of the learning-citizen title and a member of households."""

    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    # Citizen identity number; personal data (Decree 13/2023): optional, unique when given.
    cccd = models.CharField(
        _("citizen ID (CCCD)"), max_length=12, null=True, blank=True, unique=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField(
        _("relation to the head"), max_length=16, choices=Relation.choices, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("works or studies at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    target_group = models.CharField(
        _("target group"), max_length=16, choices=TargetGroup.choices, default=TargetGroup.RESIDENT
    )
    is_worker = models.BooleanField(_("counts as a worker"), default=False)
    is_adult = models.BooleanField(_("counts as an adult"), default=True)
    digital_skill = models.CharField(
        _("digital skills"), max_length=16, choices=DigitalSkill.choices, default=DigitalSkill.NONE
    )

    class Meta:
        ordering = ["unit_path", "search_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["household", "relation"])]

    def __str__(self) -> str:
        return self.full_name


class Clan(ScopedModel):
    """A clan (dòng họ): a lineage whose member households may live in several places."""

    name = models.CharField(_("name"), max_length=150)
    representative = models.ForeignKey(
        Person,
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    households = models.ManyToManyField(
        Household, verbose_name=_("member households"), blank=True, related_name="clans"
    )
    promotion_board = models.TextField(_("learning promotion board"), blank=True)
    fund_amount = models.DecimalField(
        _("learning promotion fund (VND)"), max_digits=15, decimal_places=0, default=0
    )

    class Meta:
        ordering = ["unit_path", "search_name"]
        verbose_name = _("clan")
        verbose_name_plural = _("clans")

    def __str__(self) -> str:
        return self.name


class LearningCentre(ScopedModel):
    """A community learning centre (TTHTCĐ), one per commune."""

    name = models.CharField(_("name"), max_length=255)
    director = models.CharField(_("director"), max_length=150, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("staff"), default=0)
    association_leader_manages = models.BooleanField(
        _("association chair or vice-chair takes part in managing it"), default=False
    )
    uses_it = models.BooleanField(_("uses IT"), default=False)
    has_own_room = models.BooleanField(_("has its own room"), default=False)
    has_internet = models.BooleanField(_("has internet"), default=False)

    class Meta:
        ordering = ["unit_path"]
        verbose_name = _("community learning centre")
        verbose_name_plural = _("community learning centres")
        constraints = [
            models.UniqueConstraint(fields=["commune"], name="learningcentre_one_per_commune")
        ]

    def __str__(self) -> str:
        return self.name


class CentreActivity(models.Model):
    """What a learning centre ran in a year and how many attended."""

    centre = models.ForeignKey(
        LearningCentre,
        verbose_name=_("centre"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    activity_count = models.PositiveIntegerField(_("activities"), default=0)
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["centre_id", "-year"]
        verbose_name = _("centre activity")
        verbose_name_plural = _("centre activities")
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="centreactivity_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.year}"


class StatisticKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households")
    CLANS = "clans", _("Clans")
    HAMLETS = "hamlets", _("Hamlets")
    ORGANISATIONS = "organisations", _("Organisations under the commune")
    WORKERS = "workers", _("Workers")
    ADULTS = "adults", _("Adults")
    OFFICIALS = "officials", _("Officials and staff of learning units")
    ASSOCIATION_STAFF = "association_staff", _("Commune association staff")
    CENTRES = "centres", _("Community learning centres")
    # Numerators of the indicators no title counts (hoctap.targets.indicators). The registry
    # counts the two about centres from their flags; the others only a unit can declare.
    CENTRES_USING_IT = "centres_using_it", _("Community learning centres using IT")
    CENTRES_ASSOCIATION_MANAGED = (
        "centres_association_managed",
        _("Learning centres whose management includes the association chair or vice-chair"),
    )
    ASSOCIATION_STAFF_TRAINED_IT = (
        "association_staff_trained_it",
        _("Commune association staff active in the centre and trained in IT"),
    )
    DIGITAL_CITIZENS = "digital_citizens", _("Learning citizens with digital skills")
    DIGITAL_PROFICIENT_CITIZENS = (
        "digital_proficient_citizens",
        _("Learning citizens proficient in digital skills"),
    )


class DeclaredStatistic(TimeStampedModel):
    """A count a unit declares for a year (from its statistics), used as a denominator."""

    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("what is counted"), max_length=32, choices=StatisticKind.choices)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(_("source"), max_length=255)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "-year", "kind"]
        verbose_name = _("declared statistic")
        verbose_name_plural = _("declared statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind"], name="declaredstatistic_one_per_unit_year_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.kind}={self.value}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to commit")
    COMMITTING = "committing", _("Saving")
    DONE = "done", _("Saved")
    FAILED = "failed", _("Failed")


class ImportJob(TimeStampedModel):
    """An uploaded sheet: checked in the background, previewed, then committed all or nothing."""

    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors: models.JSONField[Any, Any] = models.JSONField(_("errors"), default=list, blank=True)
    warnings: models.JSONField[Any, Any] = models.JSONField(_("warnings"), default=list, blank=True)
    fixes: models.JSONField[Any, Any] = models.JSONField(
        _("values changed by rules"), default=list, blank=True
    )
    summary: models.JSONField[Any, Any] = models.JSONField(_("summary"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
