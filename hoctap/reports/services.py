"""Writes of reporting periods, reports, submissions and plans.

Every write checks who acts (`permissions`), runs in one transaction with the report's row
locked, and carries the `revision` the user's form was built from: a stale form (another tab,
a colleague, a double click) is refused with `ConflictError` and nothing changes.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.evidence import evidence_prepare
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record, notify
from hoctap.registry.models import Organisation
from hoctap.reports import figures as report_figures
from hoctap.reports.models import (
    Cadence,
    Plan,
    PlanTask,
    Report,
    ReportingPeriod,
    ReportState,
    ReportSubmission,
    TaskProgress,
    TaskStatus,
)
from hoctap.reports.permissions import (
    can_edit_report,
    can_keep_plan,
    can_open_period,
    can_record_progress,
    can_return_report,
)
from hoctap.reports.report_forms import FIGURE_BY_KEY, ReportForm, form_for_organisations, form_get

# The largest value a figure may take (a count of people, or đồng of a fund).
MAX_FIGURE = 10**15
MAX_NARRATIVE = 20_000


# -- who is told ------------------------------------------------------------------------------


def officials_of(unit: AdminUnit | None, roles: Iterable[str]) -> list[User]:
    """Active users holding one of the roles at the unit itself."""
    if unit is None:
        return list(User.objects.filter(is_active=True, is_superuser=True))
    ids = (
        RoleAssignment.objects.active()
        .filter(unit=unit, role__in=list(roles))
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def respondents_of(report: Report) -> list[User]:
    """Who fills the report: the commune's officials, or the agency unit's organisation heads."""
    if report.organisation_id is not None:
        return officials_of(report.unit, (Role.ORGANISATION_HEAD,))
    return officials_of(report.unit, (Role.COMMUNE_OFFICIAL,))


def owners_of(period: ReportingPeriod) -> list[User]:
    return officials_of(period.unit, (Role.PROVINCE_OFFICIAL,))


def report_url(report: Report) -> str:
    return reverse("reports:report", args=[report.pk])


# -- periods ----------------------------------------------------------------------------------


@transaction.atomic
def period_open(
    actor: Any,
    *,
    unit: AdminUnit | None,
    cadence: str,
    form: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    deadline: datetime.date,
    units: Iterable[AdminUnit] = (),
    organisations: Iterable[Organisation] = (),
    subject: str = "",
    note: str = "",
) -> ReportingPeriod:
    """Open a reporting period of the owner `unit`: a draft report for each unit and agency
    that must report, and the owner's compiled one; the respondents are notified."""
    if not can_open_period(actor, unit):
        raise BusinessError(
            _("Only the officials of a province open reporting periods for it."), code="scope"
        )
    report_form = form_get(form)
    if report_form is None or report_form.for_agencies:
        raise BusinessError(_("Choose a report form."), code="form")
    if cadence not in Cadence.values:
        raise BusinessError(_("Choose the kind of report."), code="cadence")
    subject = subject.strip()
    if cadence == Cadence.AD_HOC and not subject:
        raise BusinessError(_("An ad hoc report needs a subject."), code="subject")
    if ends_on < starts_on:
        raise BusinessError(_("The period ends before it starts."), code="ends_on")
    if deadline < ends_on and cadence != Cadence.AD_HOC:
        raise BusinessError(
            _("The deadline (%(deadline)s) is before the end of the period (%(end)s).")
            % {"deadline": deadline.strftime("%d/%m/%Y"), "end": ends_on.strftime("%d/%m/%Y")},
            code="deadline",
        )
    units = list(dict.fromkeys(units))
    organisations = list(dict.fromkeys(organisations))
    if not units and not organisations:
        raise BusinessError(_("Choose the units or agencies that must report."), code="units")
    prefix = unit.path if unit is not None else ""
    outside = [
        item.name
        for item in units
        if not item.path.startswith(prefix) or item.path == prefix or not item.is_current
    ] + [item.name for item in organisations if not item.unit_path.startswith(prefix)]
    if outside:
        raise BusinessError(
            _("Outside your area: %(names)s.") % {"names": ", ".join(sorted(outside))},
            code="units",
        )
    period = ReportingPeriod.objects.create(
        unit=unit,
        unit_path=prefix,
        cadence=cadence,
        form=report_form.code,
        subject=subject,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=deadline,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note.strip(),
    )
    reports = [Report(period=period, unit=item, unit_path=item.path) for item in units]
    reports += [
        Report(period=period, unit=item.commune, unit_path=item.unit_path, organisation=item)
        for item in organisations
    ]
    reports.append(Report(period=period, unit=unit, unit_path=prefix, is_compiled=True))
    Report.objects.bulk_create(reports)
    audit_event_record(
        actor=actor,
        action="reports.period_open",
        obj=period,
        unit_path=prefix,
        data={
            "form": form,
            "cadence": cadence,
            "units": len(units),
            "agencies": len(organisations),
        },
    )
    message = _("%(owner)s asks for a report: %(period)s, due %(deadline)s.") % {
        "owner": unit.name if unit is not None else _("The ministry"),
        "period": period.name,
        "deadline": deadline.strftime("%d/%m/%Y"),
    }
    for report in period.reports.respondents().select_related("unit", "organisation"):
        notify(respondents_of(report), message, url=report_url(report))
    return period


def period_form(period: ReportingPeriod, report: Report | None = None) -> ReportForm:
    """The form a report of the period is filled on (an agency's is the agency form)."""
    form = form_get(period.form)
    assert form is not None, period.form
    if report is not None and report.organisation_id is not None:
        return form_for_organisations(form)
    return form


@transaction.atomic
def period_close(actor: Any, period: ReportingPeriod) -> ReportingPeriod:
    """Stop reminders and further submissions of a period (the owner's officials)."""
    from hoctap.reports.permissions import can_manage_period

    locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not can_manage_period(actor, locked):
        raise BusinessError(_("You cannot close this reporting period."), code="scope")
    locked.status = "closed"
    locked.save(update_fields=["status", "updated_at"])
    audit_event_record(
        actor=actor, action="reports.period_close", obj=locked, unit_path=locked.unit_path
    )
    return locked


# -- reports ----------------------------------------------------------------------------------


def _locked(report: Report, revision: int | None) -> Report:
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("period", "unit", "organisation")
        .get(pk=report.pk)
    )
    if revision is not None and locked.revision != revision:
        raise ConflictError(
            _("This report was changed by someone else meanwhile. Reload it and try again."),
            code="stale",
        )
    return locked


def _editable(actor: Any, report: Report) -> None:
    if not can_edit_report(actor, report):
        raise BusinessError(_("You cannot change this report."), code="scope")
    if report.state == ReportState.SUBMITTED:
        when = timezone.localtime(report.submitted_at) if report.submitted_at else None
        raise BusinessError(
            _(
                "This report was submitted on %(when)s and can no longer be changed; "
                "the level above can return it to you."
            )
            % {"when": when.strftime("%d/%m/%Y %H:%M") if when else "?"},
            code="submitted",
        )
    if report.period.status != "open":
        raise BusinessError(_("This reporting period is closed."), code="closed")


def _prefill(report: Report) -> None:
    form = period_form(report.period, report)
    unit = report.unit if report.organisation_id is None else None
    if report.organisation_id is not None:
        # An agency reports only what it types in: no unit's figures are its own.
        empty = {figure.key: None for figure in form.figures}
        taken: dict[str, Any] = {
            "figures": {str(year): dict(empty) for year in report.period.years},
            "targets": {},
        }
    else:
        taken = report_figures.prefill(unit, report.period.years, form)
    report.prefilled = taken
    report.prefilled_at = timezone.now()


@transaction.atomic
def report_prepare(actor: Any, report: Report) -> Report:
    """Pre-fill a draft's figures the first time it is opened (no-op afterwards)."""
    locked = _locked(report, None)
    if locked.prefilled or locked.state == ReportState.SUBMITTED:
        return locked
    if not can_edit_report(actor, locked):
        return locked
    if locked.is_compiled:
        return locked  # compiled from the submissions, not pre-filled
    _prefill(locked)
    locked.revision += 1
    locked.save(update_fields=["prefilled", "prefilled_at", "revision", "updated_at"])
    return locked


@transaction.atomic
def report_refresh(actor: Any, report: Report, *, revision: int) -> Report:
    """Take the figures from the data again (the corrections and narrative are kept)."""
    locked = _locked(report, revision)
    _editable(actor, locked)
    if locked.is_compiled:
        raise BusinessError(_("A compiled report takes its figures from the submitted reports."))
    _prefill(locked)
    locked.revision += 1
    locked.save(update_fields=["prefilled", "prefilled_at", "revision", "updated_at"])
    audit_event_record(
        actor=actor, action="reports.refresh", obj=locked, unit_path=locked.unit_path
    )
    return locked


def _clean_corrections(
    report: Report, corrections: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Validate {year: {key: {"value", "note"}}}: known keys and years, whole numbers from 0,
    a note for every change of a pre-filled figure; an entry equal to the pre-filled value is
    dropped. All problems are reported together."""
    prefilled = (report.prefilled or {}).get("figures", {})
    errors: list[str] = []
    cleaned: dict[str, dict[str, dict[str, Any]]] = {}
    for year, entries in corrections.items():
        if str(year) not in prefilled:
            errors.append(_("%(year)s is not a year of this report.") % {"year": year})
            continue
        for key, entry in entries.items():
            figure = FIGURE_BY_KEY.get(key)
            if figure is None or key not in prefilled[str(year)]:
                errors.append(_("Unknown figure: %(key)s.") % {"key": key})
                continue
            raw = entry.get("value")
            note = str(entry.get("note") or "").strip()
            value: int | None
            if raw is None or raw == "":
                value = None
            else:
                try:
                    value = int(str(raw).replace(".", "").replace(" ", ""))
                except ValueError:
                    errors.append(
                        _("%(figure)s (%(year)s): “%(value)s” is not a whole number.")
                        % {"figure": figure.label, "year": year, "value": raw}
                    )
                    continue
                if not 0 <= value <= MAX_FIGURE:
                    errors.append(
                        _("%(figure)s (%(year)s): a figure cannot be negative or that large.")
                        % {"figure": figure.label, "year": year}
                    )
                    continue
            if value == prefilled[str(year)][key] and not figure.entered:
                continue  # unchanged
            if figure.entered:
                if value is not None:
                    cleaned.setdefault(str(year), {})[key] = {"value": value, "note": note}
                continue
            if not note:
                errors.append(
                    _("%(figure)s (%(year)s): say why the figure differs from the data.")
                    % {"figure": figure.label, "year": year}
                )
                continue
            cleaned.setdefault(str(year), {})[key] = {"value": value, "note": note[:1000]}
    if errors:
        raise BusinessError(errors, code="corrections")
    return cleaned


def _clean_narrative(form: ReportForm, narrative: Mapping[str, str]) -> dict[str, str]:
    unknown = [code for code in narrative if form.section(code) is None]
    if unknown:
        raise BusinessError(
            _("Unknown sections: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="narrative",
        )
    too_long = [
        str(form.section(code).title)  # type: ignore[union-attr]
        for code, text in narrative.items()
        if len(text or "") > MAX_NARRATIVE
    ]
    if too_long:
        raise BusinessError(
            _("Too long (at most %(n)s characters): %(sections)s.")
            % {"n": f"{MAX_NARRATIVE:,}".replace(",", "."), "sections": ", ".join(too_long)},
            code="narrative",
        )
    return {code: (text or "").strip() for code, text in narrative.items()}


@transaction.atomic
def report_save(
    actor: Any,
    report: Report,
    *,
    revision: int,
    corrections: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    narrative: Mapping[str, str] | None = None,
) -> Report:
    """Save a draft (or a returned report): corrections replace the previous ones when given,
    narrative sections given replace theirs."""
    locked = _locked(report, revision)
    _editable(actor, locked)
    if not locked.prefilled and not locked.is_compiled:
        _prefill(locked)
    form = period_form(locked.period, locked)
    if corrections is not None and not locked.is_compiled:
        locked.corrections = _clean_corrections(locked, corrections)
    if narrative is not None:
        locked.narrative = {**locked.narrative, **_clean_narrative(form, narrative)}
    locked.revision += 1
    locked.save()
    audit_event_record(actor=actor, action="reports.save", obj=locked, unit_path=locked.unit_path)
    return locked


def missing_sections(report: Report) -> list[str]:
    """Titles of the required sections left empty."""
    form = period_form(report.period, report)
    return [
        str(section.title)
        for section in form.sections
        if section.required and not (report.narrative.get(section.code) or "").strip()
    ]


def submission_figures(report: Report) -> dict[str, dict[str, int | None]]:
    """The figures a submission of the report freezes: the pre-filled ones corrected, or for
    the compiled report the sum of the latest submissions below."""
    if report.is_compiled:
        from hoctap.reports.compiling import compile_period

        return compile_period(report.period).totals
    return report_figures.corrected(report.prefilled, report.corrections)


@transaction.atomic
def report_submit(
    actor: Any,
    report: Report,
    *,
    revision: int,
    confirm_unchanged: bool = False,
    now: datetime.datetime | None = None,
) -> ReportSubmission:
    """Freeze the report as a new version and send it up."""
    locked = _locked(report, revision)
    if locked.state == ReportState.SUBMITTED:
        raise BusinessError(_("This report has already been submitted."), code="submitted")
    _editable(actor, locked)
    if not locked.prefilled and not locked.is_compiled:
        _prefill(locked)
    missing = missing_sections(locked)
    if missing:
        raise BusinessError(
            _("Fill in before submitting: %(sections)s.") % {"sections": ", ".join(missing)},
            code="incomplete",
        )
    now = now or timezone.now()
    values = submission_figures(locked)
    last = locked.submissions.order_by("-number").first()
    if (
        locked.state == ReportState.RETURNED
        and last is not None
        and not confirm_unchanged
        and last.figures == values
        and last.narrative == locked.narrative
    ):
        raise BusinessError(
            _(
                "Nothing changed since the report was returned (%(reason)s). Change it, or "
                "confirm that you submit it unchanged."
            )
            % {"reason": locked.return_reason},
            code="unchanged",
        )
    number = (locked.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    submission = ReportSubmission.objects.create(
        report=locked,
        number=number,
        figures=values,
        corrections=locked.corrections,
        narrative=locked.narrative,
        submitted_at=now,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        on_time=timezone.localtime(now).date() <= locked.period.deadline,
    )
    locked.state = ReportState.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = submission.submitted_by
    locked.revision += 1
    locked.save()
    audit_event_record(
        actor=actor,
        action="reports.submit",
        obj=locked,
        unit_path=locked.unit_path,
        data={"version": number, "on_time": submission.on_time},
    )
    if not locked.is_compiled:
        notify(
            owners_of(locked.period),
            _("%(unit)s submitted its report: %(period)s (version %(n)s).")
            % {"unit": locked.respondent_name, "period": locked.period.name, "n": number},
            url=report_url(locked),
        )
    return submission


@transaction.atomic
def report_return(actor: Any, report: Report, *, revision: int, reason: str) -> Report:
    """Send a submitted report back to its unit with a reason; it becomes editable again."""
    locked = _locked(report, revision)
    if not can_return_report(actor, locked):
        raise BusinessError(_("You cannot return this report."), code="scope")
    if locked.state != ReportState.SUBMITTED:
        raise BusinessError(_("Only a submitted report can be returned."), code="state")
    reason = reason.strip()
    if not reason:
        raise BusinessError(_("Say why the report is returned."), code="reason")
    locked.state = ReportState.RETURNED
    locked.returned_at = timezone.now()
    locked.returned_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.return_reason = reason[:2000]
    locked.revision += 1
    locked.save()
    audit_event_record(
        actor=actor,
        action="reports.return",
        obj=locked,
        unit_path=locked.unit_path,
        data={"reason": locked.return_reason},
    )
    notify(
        respondents_of(locked),
        _("Your report was returned: %(period)s. Reason: %(reason)s")
        % {"period": locked.period.name, "reason": locked.return_reason},
        url=report_url(locked),
    )
    return locked


# -- plans and tasks --------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    actor: Any,
    *,
    unit: AdminUnit | None,
    number: str,
    issued_on: datetime.date,
    issuer: str,
    title: str,
    first_year: int,
    last_year: int,
    summary: str = "",
) -> Plan:
    if not can_keep_plan(actor, unit):
        raise BusinessError(_("You cannot keep plans of this unit."), code="scope")
    if unit is not None and unit.level not in (Level.PROVINCE, Level.COMMUNE):
        raise BusinessError(_("Plans belong to a province or a commune."), code="unit")
    number, title, issuer = number.strip(), title.strip(), issuer.strip()
    if not number or not title or not issuer:
        raise BusinessError(_("A plan needs its number, title and issuer."), code="required")
    if last_year < first_year:
        raise BusinessError(_("The plan ends before it starts."), code="years")
    path = unit.path if unit is not None else ""
    if Plan.objects.filter(unit_path=path, number=number).exists():
        raise BusinessError(
            _("This unit already has a plan numbered %(number)s.") % {"number": number},
            code="duplicate",
        )
    plan = Plan.objects.create(
        unit=unit,
        unit_path=path,
        number=number,
        issued_on=issued_on,
        issuer=issuer,
        title=title,
        first_year=first_year,
        last_year=last_year,
        summary=summary.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_event_record(actor=actor, action="reports.plan_create", obj=plan, unit_path=path)
    return plan


@transaction.atomic
def task_add(
    actor: Any,
    plan: Plan,
    *,
    title: str,
    description: str = "",
    assignee: str = "",
    assignee_unit: AdminUnit | None = None,
    deadline: datetime.date | None = None,
) -> PlanTask:
    if not can_keep_plan(actor, plan.unit):
        raise BusinessError(_("You cannot change this plan."), code="scope")
    title = title.strip()
    if not title:
        raise BusinessError(_("A task needs a title."), code="title")
    if not assignee.strip() and assignee_unit is None:
        raise BusinessError(_("Say who is in charge of the task."), code="assignee")
    if assignee_unit is not None and not assignee_unit.path.startswith(plan.unit_path):
        raise BusinessError(
            _("%(unit)s is outside the plan's area.") % {"unit": assignee_unit.name},
            code="assignee_unit",
        )
    position = (plan.tasks.aggregate(n=Max("position"))["n"] or 0) + 1
    task = PlanTask.objects.create(
        plan=plan,
        position=position,
        title=title,
        description=description.strip(),
        assignee=assignee.strip(),
        assignee_unit=assignee_unit,
        deadline=deadline,
    )
    audit_event_record(actor=actor, action="reports.task_add", obj=task, unit_path=plan.unit_path)
    if assignee_unit is not None:
        notify(
            officials_of(assignee_unit, (Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL)),
            _("A task of %(plan)s is assigned to your unit: %(task)s.")
            % {"plan": plan.number, "task": title},
            url=reverse("reports:plan", args=[plan.pk]),
        )
    return task


@transaction.atomic
def task_progress_record(
    actor: Any,
    task: PlanTask,
    *,
    progress: int,
    note: str,
    evidence: Any = None,
    now: datetime.datetime | None = None,
) -> TaskProgress:
    """Record progress (0–100 %) with a note and optional evidence; 100 % marks it done."""
    locked = PlanTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if not can_record_progress(actor, locked):
        raise BusinessError(_("You cannot record progress on this task."), code="scope")
    if not 0 <= progress <= 100:
        raise BusinessError(_("Progress is a percentage from 0 to 100."), code="progress")
    note = note.strip()
    if not note:
        raise BusinessError(_("Say what was done."), code="note")
    update = TaskProgress(
        task=locked,
        recorded_at=now or timezone.now(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        progress=progress,
        note=note[:5000],
    )
    if evidence is not None:
        # The evidence rules of the assessments: size, sniffed type, photos re-encoded.
        prepared = evidence_prepare(upload=evidence)
        update.evidence_name = prepared.original_name[:255]
        update.evidence.save(
            f"{uuid.uuid4().hex}{prepared.kind.extension}",
            ContentFile(prepared.data),
            save=False,
        )
    update.save()
    locked.progress = progress
    locked.status = (
        TaskStatus.DONE
        if progress == 100
        else (TaskStatus.IN_PROGRESS if progress > 0 else TaskStatus.NOT_STARTED)
    )
    locked.save(update_fields=["progress", "status", "updated_at"])
    audit_event_record(
        actor=actor,
        action="reports.task_progress",
        obj=locked,
        unit_path=locked.plan.unit_path,
        data={"progress": progress},
    )
    return update
