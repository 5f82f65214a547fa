"""Applying a criteria set to a subject for a year: registration, self-assessment with
evidence, and the review workflow up the hierarchy, with a timeline nobody can rewrite."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.core.models import TimeStampedModel
from hoctap.registry.models import Clan, Household, Organisation, Person, ScopedQuerySet


def beyond_keepers(user: Any, via: str = "") -> Q | None:
    """What a user sees of assessments besides the registry keepers' scope: an organisation's
    head the organisation assessments of their area (they register and review them), and an
    account linked to a registry person that person's and their household's own. `via` is the
    lookup from another model to its assessment (e.g. "assessment__"); None when nothing."""
    from hoctap.accounts.models import Role
    from hoctap.accounts.scope import scope_paths
    from hoctap.assessments.permissions import linked_person

    condition = Q()
    head_paths = scope_paths(user, (Role.ORGANISATION_HEAD,))
    if head_paths:
        area = Q()
        for path in head_paths:
            area |= Q(**{f"{via}unit_path__startswith": path})
        condition |= area & Q(**{f"{via}organisation__isnull": False})
    person = linked_person(user)
    if person is not None:
        # Every member sees the family's candidacy; only adults act on it (permissions).
        condition |= Q(**{f"{via}person_id": person.pk})
        if person.household_id is not None:
            condition |= Q(**{f"{via}household_id": person.household_id})
    return condition or None


class AssessmentQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> AssessmentQuerySet:
        """Registry keepers see the assessments of their area, and `beyond_keepers` adds what
        organisation heads and linked citizens see."""
        visible = super().visible_to(user)
        extra = beyond_keepers(user)
        if extra is not None:
            visible = visible | self.filter(extra)
        return visible  # type: ignore[return-value]


class Title(models.TextChoices):
    """The learning titles and the criteria set each one uses by default."""

    LEARNING_CITIZEN = "learning_citizen", _("Learning citizen")
    LEARNING_FAMILY = "learning_family", _("Learning family")
    LEARNING_CLAN = "learning_clan", _("Learning clan")
    LEARNING_COMMUNITY_HAMLET = "learning_community_hamlet", _("Learning community (hamlet)")
    LEARNING_COMMUNITY_COMMUNE = "learning_community_commune", _("Learning community (commune)")
    LEARNING_UNIT_COMMUNE = "learning_unit_commune", _("Learning unit (commune-managed)")
    LEARNING_UNIT_PROVINCE = "learning_unit_province", _("Learning unit (province-managed)")


# Title -> (subject kind, criteria set code). Kinds match hoctap.criteria.engine.SUBJECT_KINDS.
TITLE_SUBJECTS: dict[str, tuple[str, str]] = {
    Title.LEARNING_CITIZEN: ("person", "cong-dan-hoc-tap"),
    Title.LEARNING_FAMILY: ("household", "gia-dinh-hoc-tap"),
    Title.LEARNING_CLAN: ("clan", "dong-ho-hoc-tap"),
    Title.LEARNING_COMMUNITY_HAMLET: ("hamlet", "cong-dong-hoc-tap-thon"),
    Title.LEARNING_COMMUNITY_COMMUNE: ("commune", "cong-dong-hoc-tap-xa"),
    Title.LEARNING_UNIT_COMMUNE: ("organisation", "don-vi-hoc-tap-xa"),
    Title.LEARNING_UNIT_PROVINCE: ("organisation", "don-vi-hoc-tap-tinh"),
}


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    APPRAISED = "appraised", _("Appraised")
    PROPOSED = "proposed", _("Proposed for recognition")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    # Set only by a recognition decision, and by a decision revoking it (hoctap.recognition).
    RECOGNISED = "recognised", _("Recognised")
    REVOKED = "revoked", _("Recognition revoked")


class Assessment(TimeStampedModel):
    """One subject's candidacy for one title in one year."""

    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # Exactly one subject is set, matching the title's subject kind.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    clan = models.ForeignKey(
        Clan,
        verbose_name=_("clan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("hamlet or commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # "<kind>:<pk>", so one registration per subject, title and year is a plain unique key.
    subject_key = models.CharField(_("subject"), max_length=40, editable=False)
    subject_name = models.CharField(_("subject name"), max_length=255, editable=False)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, db_index=True, editable=False)
    criteria_code = models.CharField(_("criteria set"), max_length=64)
    criteria_version = models.CharField(_("criteria set version"), max_length=32)
    variant = models.CharField(_("target group"), max_length=32, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REGISTERED, db_index=True
    )
    # The result is computed by the engine from the scores, never typed in.
    passed = models.BooleanField(_("passed"), null=True)
    level = models.CharField(_("level reached"), max_length=16, blank=True)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted late"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Every transition bumps it: a stale form or a second reviewer is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "subject_name", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", "subject_key"],
                name="assessment_one_per_subject_title_year",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        person__isnull=False,
                        household__isnull=True,
                        clan__isnull=True,
                        organisation__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        household__isnull=False,
                        clan__isnull=True,
                        organisation__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        household__isnull=True,
                        clan__isnull=False,
                        organisation__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        household__isnull=True,
                        clan__isnull=True,
                        organisation__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        household__isnull=True,
                        clan__isnull=True,
                        organisation__isnull=True,
                        unit__isnull=False,
                    )
                ),
                name="assessment_exactly_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["commune", "year", "title", "state"])]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.get_title_display()} {self.year}"

    @property
    def subject(self) -> Any:
        return self.person or self.household or self.clan or self.organisation or self.unit


class Score(models.Model):
    """The answer to one indicator: points, met / not met, or a computed number."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.CharField(_("indicator"), max_length=32)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    computed_value = models.DecimalField(
        _("computed value"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["assessment_id", "indicator"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="score_one_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Generated names only: the uploaded name is kept in the row, never on disk."""
    digest = instance.sha256
    return f"evidence/{instance.assessment.year}/{digest[:2]}/{digest}{instance.extension}"


class Evidence(TimeStampedModel):
    """A file proving an indicator; served only through a scoped view."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.CharField(_("indicator"), max_length=32)
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=8)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["assessment_id", "indicator", "created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sha256"], name="evidence_same_file_once_per_assessment"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Transition(models.Model):
    """One step of the timeline: who moved the assessment from which state to which, and why."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    # What changed since the previous submission, so a reviewer sees the fixes.
    changes: models.JSONField[Any, Any] = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["assessment_id", "occurred_at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_state} → {self.to_state}"


class WorkflowRule(models.Model):
    """Which role may take a workflow action for a title, nationally or in one province.

    The 2025 reform moved the recognising authorities and provinces differ, so this is data.
    """

    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    action = models.CharField(_("action"), max_length=32)
    role = models.CharField(_("role"), max_length=32)
    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        ordering = ["title", "action", "role"]
        verbose_name = _("workflow rule")
        verbose_name_plural = _("workflow rules")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "action", "role", "province"], name="workflowrule_unique"
            ),
            # NULL province (a national rule) is distinct in a plain unique index on every
            # database, so national rules get their own partial constraint.
            models.UniqueConstraint(
                fields=["title", "action", "role"],
                condition=Q(province__isnull=True),
                name="workflowrule_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.action} {self.role}"


class Deadline(models.Model):
    """The day a step is due each year for a title, nationally or in one province."""

    title = models.CharField(_("title"), max_length=40, choices=Title.choices)
    step = models.CharField(_("step"), max_length=16, choices=State.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    # Dossiers are due early the following year (e.g. TT 25: before 28/02 of year + 1).
    year_offset = models.PositiveSmallIntegerField(_("years after the assessed year"), default=0)
    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["title", "month", "day"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["title", "step", "province"], name="deadline_unique"),
            models.UniqueConstraint(
                fields=["title", "step"],
                condition=Q(province__isnull=True),
                name="deadline_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.step} {self.day:02d}/{self.month:02d}"
