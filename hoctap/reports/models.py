"""Reporting periods, the reports units send up, their frozen submissions, and plans with tasks.

A province (or a commune, or the country) opens a `ReportingPeriod`: a form (`report_forms`),
the units and agencies that must report, a deadline. Each of those gets a `Report`, a draft
whose figures are pre-filled from the dashboards (`hoctap.reports.figures`) and whose narrative
the unit types in. Submitting freezes the report into a `ReportSubmission` (version 1, 2, …):
later changes of the data never alter a submission; a returned report is submitted again as a
new version. The period's owner sees who submitted (`selectors.status_board`) and compiles its
own report from the latest submissions (`compiling`).

`Plan` and `PlanTask` hold the plans the reports are about ("Kế hoạch số 35/KH-UBND"): tasks
assigned to departments or units with deadlines, and their progress (`TaskProgress`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.core.models import TimeStampedModel
from hoctap.registry.models import Organisation


class Cadence(models.TextChoices):
    SEMIANNUAL = "semiannual", _("6-monthly")
    YEARLY = "yearly", _("Yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")
    REVIEW_5 = "review_5", _("Five-year review (2021–2025)")
    REVIEW_10 = "review_10", _("Ten-year review (2021–2030)")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportingPeriod(TimeStampedModel):
    """A round of reports the owner unit asks of units below it (and of agencies)."""

    # The unit that asks and compiles (a province, a commune; None: the country).
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True, db_index=True)
    cadence = models.CharField(_("kind of report"), max_length=16, choices=Cadence.choices)
    # The code of a form of `hoctap.reports.report_forms`.
    form = models.CharField(_("report form"), max_length=32)
    # Required for an ad hoc report: what it is about.
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("ends_on")) | Q(cadence="ad_hoc"),
                name="period_deadline_after_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.subject:
            return self.subject
        label = Cadence(self.cadence).label
        if self.cadence in (Cadence.REVIEW_5, Cadence.REVIEW_10):
            return str(label)
        if self.cadence == Cadence.SEMIANNUAL:
            half = 1 if self.ends_on.month <= 6 else 2
            return str(_("%(kind)s report, half %(half)s of %(year)s")) % {
                "kind": label,
                "half": half,
                "year": self.ends_on.year,
            }
        return str(_("%(kind)s report %(year)s")) % {"kind": label, "year": self.ends_on.year}

    @property
    def years(self) -> list[int]:
        """The years the figures are shown for: every year of a review, else the last one."""
        if self.cadence in (Cadence.REVIEW_5, Cadence.REVIEW_10):
            return list(range(self.starts_on.year, self.ends_on.year + 1))
        return [self.ends_on.year]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")


class ReportQuerySet(models.QuerySet["Report"]):
    def respondents(self) -> ReportQuerySet:
        """The reports units send up (not the owner's compiled one)."""
        return self.filter(is_compiled=False)


class Report(TimeStampedModel):
    """What one unit (or agency) reports in a period; the owner's own is `is_compiled`."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    # The reporting unit: a commune; for an agency, the unit it belongs to.
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True, db_index=True)
    # Set when a department or agency reports rather than a unit.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The owner's report, compiled from the submitted ones.
    is_compiled = models.BooleanField(_("compiled report"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # {year: {figure key: value}} as pre-filled from the data when the draft was prepared.
    prefilled = models.JSONField(_("pre-filled figures"), default=dict)
    prefilled_at = models.DateTimeField(_("figures taken at"), null=True, blank=True)
    # {year: {figure key: {"value": int | None, "note": str}}}: what the unit changed, and why.
    corrections = models.JSONField(_("corrections"), default=dict)
    # {section code: text}.
    narrative = models.JSONField(_("narrative"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # Bumped by every write: a form carries it, a stale one is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["period", "is_compiled", "unit_path", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                condition=Q(organisation__isnull=True, is_compiled=False),
                name="report_one_per_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "organisation"],
                condition=Q(organisation__isnull=False),
                name="report_one_per_agency",
            ),
            models.UniqueConstraint(
                fields=["period"], condition=Q(is_compiled=True), name="report_one_compiled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} — {self.respondent_name}"

    @property
    def respondent_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.unit is not None:
            return self.unit.name
        return str(_("Whole country"))

    @property
    def is_frozen(self) -> bool:
        return self.state == ReportState.SUBMITTED


class ReportSubmission(models.Model):
    """One submitted version of a report, frozen: later data changes never alter it."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    # {year: {figure key: value}}: the figures as submitted (corrections applied).
    figures = models.JSONField(_("figures"), default=dict)
    # The corrections with their notes, as submitted.
    corrections = models.JSONField(_("corrections"), default=dict)
    narrative = models.JSONField(_("narrative"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_time = models.BooleanField(_("on time"), default=True)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="submission_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReminderKind(models.TextChoices):
    BEFORE_7 = "before_7", _("7 days before the deadline")
    BEFORE_1 = "before_1", _("1 day before the deadline")
    AFTER_1 = "after_1", _("1 day after the deadline")
    AFTER_7 = "after_7", _("7 days after the deadline")


class ReminderSent(models.Model):
    """A reminder sent for a report, so none goes out twice."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("reminder"), max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["report", "sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="reminder_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.kind}"


# -- plans and tasks ----------------------------------------------------------------------------


class Plan(TimeStampedModel):
    """A plan a unit issued ("Kế hoạch số 35/KH-UBND"), or the national programme."""

    # The issuing unit (None: national).
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_path = models.CharField(_("unit path"), max_length=64, blank=True, db_index=True)
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issued by"), max_length=255)
    title = models.CharField(_("title"), max_length=500)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="plan_years_in_order"
            ),
            models.UniqueConstraint(fields=["unit_path", "number"], name="plan_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class PlanTask(TimeStampedModel):
    """A task of a plan assigned to a department or a unit, with a deadline."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("task"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    # The department or agency in charge, by name ("Sở Giáo dục và Đào tạo").
    assignee = models.CharField(_("in charge"), max_length=255, blank=True)
    # The unit in charge, when a unit is: its officials record the progress.
    assignee_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its deadline and not done."""
        today = today or timezone.localdate()
        return (
            self.deadline is not None and self.deadline < today and self.status != TaskStatus.DONE
        )


class TaskProgress(models.Model):
    """A progress note on a task, with its evidence."""

    task = models.ForeignKey(
        PlanTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"))
    evidence = models.FileField(_("evidence"), upload_to="plans/evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        ordering = ["task", "-recorded_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.task}: {self.progress}%"
