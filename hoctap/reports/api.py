"""Reporting periods, reports and plans in the JSON API.

Reads go through `hoctap.reports.selectors`, so a period, report, plan or task outside the
caller's scope answers 404 exactly like a missing one; writes go through
`hoctap.reports.services`, which check again. Status codes, as in the rest of the API:

- 404: the object (or a unit or agency named in the body) is missing or outside the scope;
- 403: the caller sees it but may not do this (a province reads a commune's report but does
  not type it; a commune does not return its own report);
- 409: a stale `revision` (code `stale`), or a step the report's state does not allow: it was
  already submitted (`submitted`), it is not submitted (`state`), the period is closed
  (`closed`);
- 422: refused input, with the service's message(s) (`detail`, and each one in `messages`).

Every refusal is an application/problem+json document with a `code` naming the rule, so a
client can tell "confirm that you submit it unchanged" (`unchanged`) from "fill in the
sections" (`incomplete`). Nothing is saved when any of these is answered.
"""

# No `from __future__ import annotations` here: Ninja's @paginate wrapper resolves the
# view's string annotations in ninja.pagination's namespace, where `Query[...]` is unknown,
# so a paginated view with a Query schema would fail (500, and no OpenAPI schema).

import os
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from hoctap.adminunits import selectors as unit_selectors
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.evidence import ALLOWED_KINDS
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.registry.models import Organisation
from hoctap.reports import schemas, selectors, services
from hoctap.reports.compiling import compile_period
from hoctap.reports.models import (
    Plan,
    PlanTask,
    Report,
    ReportingPeriod,
    ReportSubmission,
    TaskProgress,
    TaskStatus,
)
from hoctap.reports.permissions import (
    can_edit_report,
    can_keep_plan,
    can_record_progress,
    can_return_report,
)
from hoctap.reports.report_forms import FORMS
from hoctap.reports.schemas import (
    BoardOut,
    CompiledOut,
    PeriodDetailOut,
    PeriodFilter,
    PeriodIn,
    PeriodOut,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanTaskOut,
    ReportDetailOut,
    ReportFilter,
    ReportFormOut,
    ReportOut,
    ReportReturnIn,
    ReportSaveIn,
    ReportSubmitIn,
    RevisionIn,
    SubmissionOut,
    TaskIn,
)

router = Router(tags=["reports"])

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Refusals of the services that are about the object's state, not the input: 409.
STATE_CODES = frozenset({"submitted", "state", "closed"})
STORED_TYPES = {kind.extension: kind.content_type for kind in ALLOWED_KINDS}


# -- answers --------------------------------------------------------------------------------


def _problem(request: HttpRequest, status: int, title: str, **extra: Any) -> HttpResponse:
    # Imported here: hoctap.api.api imports this module while it registers the routers.
    from hoctap.api.api import problem

    return problem(request, status, title, **extra)


def _refused(request: HttpRequest, error: BusinessError) -> HttpResponse:
    """A service's refusal as a problem document with its code (see the module's docstring)."""
    messages = [str(message) for message in error.messages]
    detail = " ".join(messages)
    # A BusinessError built from a list of messages keeps no code of its own.
    code = getattr(error, "code", None) or "invalid"
    if isinstance(error, ConflictError) or code in STATE_CODES:
        return _problem(request, 409, _("Conflict."), detail=detail, code=code, messages=messages)
    if code == "scope":
        return _forbidden(request, detail)
    return _problem(
        request,
        422,
        _("The request was refused."),
        detail=detail,
        code=code,
        messages=messages,
    )


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """403: the caller sees the object but may not do this."""
    return _problem(request, 403, message, detail=message, code="scope", messages=[message])


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


def _file_response(description: str, content_type: str) -> dict[str, Any]:
    return {"responses": {200: {"description": description, "content": {content_type: {}}}}}


# -- lookups --------------------------------------------------------------------------------


def _units(request: HttpRequest, keys: list[str]) -> list[AdminUnit]:
    """The units named in a request body, in order; one outside the caller's area is 404."""
    wanted = list(dict.fromkeys(keys))
    found = {
        unit.key: unit for unit in AdminUnit.objects.visible_to(request.user).filter(key__in=wanted)
    }
    if len(found) != len(wanted):
        raise Http404
    return [found[key] for key in wanted]


def _organisations(request: HttpRequest, ids: list[int]) -> list[Organisation]:
    """The agencies named in a request body, in order; one outside the caller's area is 404."""
    wanted = list(dict.fromkeys(ids))
    found = {
        organisation.pk: organisation
        for organisation in Organisation.objects.visible_to(request.user).filter(pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise Http404
    return [found[pk] for pk in wanted]


def _period(request: HttpRequest, period_id: int) -> ReportingPeriod:
    return selectors.period_get(user=request.user, pk=period_id)


def _report(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_get(user=request.user, pk=report_id)


def _report_detail(request: HttpRequest, report_id: int) -> Report:
    """The report as its detail shows it. The first time the unit that fills it reads it, the
    figures are taken from the dashboards (as the page does), so the `revision` it gets back
    is the one its next write must carry."""
    report = _report(request, report_id)
    if not report.prefilled and not report.is_compiled and can_edit_report(request.user, report):
        services.report_prepare(request.user, report)
        report = _report(request, report_id)
    return report


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return selectors.plan_get(user=request.user, pk=plan_id)


def _task(request: HttpRequest, task_id: int) -> PlanTask:
    return selectors.task_get(user=request.user, pk=task_id)


# -- report forms ---------------------------------------------------------------------------


@router.get("/report-forms", response=list[ReportFormOut])
def list_report_forms(request: HttpRequest) -> list[dict[str, Any]]:
    """The report forms: the narrative sections each asks for and the figures it carries
    (keys and labels in the request's language). `agency` is the form departments fill in a
    period of another form."""
    return [schemas.report_form_out(form) for form in FORMS]


# -- periods --------------------------------------------------------------------------------


@router.get("/report-periods", response=list[PeriodOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_periods(request: HttpRequest, filters: Query[PeriodFilter]) -> QuerySet[ReportingPeriod]:
    """The reporting periods the caller owns (their province's; all for a national scope),
    latest deadline first. A commune's officials own none: their reports are at /reports."""
    compiled = Report.objects.filter(period=OuterRef("pk"), is_compiled=True).values("pk")[:1]
    periods = selectors.period_list(user=request.user).annotate(
        compiled_report_id=Subquery(compiled)
    )
    if filters.status:
        periods = periods.filter(status=filters.status)
    return periods


@router.post("/report-periods", response={201: PeriodDetailOut})
def open_period(request: HttpRequest, payload: PeriodIn) -> Any:
    """Open a reporting period: a draft report for each commune and agency named, and the
    owner's own (compiled) report; their officials are notified.

    The owner, a unit or an agency outside the caller's area is 404; a national period or a
    unit the caller sees but does not own (a commune's official) is 403. A bad form or kind,
    dates out of order, no respondent, a unit outside the owner's province or an ad hoc
    report without subject is 422 and nothing is opened.
    """
    unit = unit_selectors.unit_get(user=request.user, key=payload.unit) if payload.unit else None
    units = _units(request, payload.units)
    organisations = _organisations(request, payload.organisations)
    try:
        period = services.period_open(
            request.user,
            unit=unit,
            cadence=payload.cadence,
            form=payload.form,
            subject=payload.subject,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            deadline=payload.deadline,
            units=units,
            organisations=organisations,
            note=payload.note,
        )
    except BusinessError as error:
        return _refused(request, error)
    return Status(201, _period(request, period.pk))


@router.get("/report-periods/{period_id}", response=PeriodDetailOut)
def get_period(request: HttpRequest, period_id: int) -> ReportingPeriod:
    """One period the caller owns, with every report asked in it."""
    return _period(request, period_id)


@router.post("/report-periods/{period_id}/close", response=PeriodDetailOut)
def close_period(request: HttpRequest, period_id: int) -> Any:
    """Close the period: no more reminders, no more changes or submissions of its reports."""
    period = _period(request, period_id)
    try:
        services.period_close(request.user, period)
    except BusinessError as error:
        return _refused(request, error)
    return _period(request, period_id)


@router.get("/report-periods/{period_id}/status", response=BoardOut)
def get_status_board(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Who submitted on time, late or not at all, with the completeness and timeliness rates.
    Timeliness is judged by the first submission: a report returned and submitted again was
    on time if it first came on time."""
    return schemas.board_out(selectors.status_board(_period(request, period_id)))


@router.get("/report-periods/{period_id}/compiled", response=CompiledOut)
def get_compiled(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """The period's compiled figures: the sum of the latest submitted version of every report
    (never the live data), each report counted, and those missing (not counted as 0)."""
    return schemas.compiled_out(compile_period(_period(request, period_id)))


@router.get(
    "/report-periods/{period_id}/compiled.docx",
    openapi_extra=_file_response("The compiled report as .docx (Decree 30/2020 layout).", DOCX),
)
def compiled_docx(request: HttpRequest, period_id: int) -> HttpResponse:
    """The compiled report as a Word document to print and sign."""
    # Imported on use: building documents loads layout libraries no other call needs.
    from hoctap.reports import documents

    period = _period(request, period_id)
    return _download(
        documents.compiled_docx(compile_period(period)),
        DOCX,
        documents.compiled_filename(period, "docx"),
    )


@router.get(
    "/report-periods/{period_id}/compiled.xlsx",
    openapi_extra=_file_response("The compiled figures, one row per report, as .xlsx.", XLSX),
)
def compiled_xlsx(request: HttpRequest, period_id: int) -> HttpResponse:
    """The compiled figures as a spreadsheet: every report's submitted figures and the sum."""
    from hoctap.reports import documents

    period = _period(request, period_id)
    return _download(
        documents.compiled_xlsx(compile_period(period)),
        XLSX,
        documents.compiled_filename(period, "xlsx"),
    )


# -- reports --------------------------------------------------------------------------------


@router.get("/reports", response=list[ReportOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> QuerySet[Report]:
    """The caller's work list: the reports they fill (their commune's, their agencies'),
    latest deadline first. The owner's compiled report is reached from its period."""
    reports = selectors.report_list(user=request.user).select_related("period__unit")
    if filters.state:
        reports = reports.filter(state=filters.state)
    if filters.period is not None:
        reports = reports.filter(period_id=filters.period)
    return reports.order_by("-period__deadline", "-period_id", "unit_path", "pk")


@router.get("/reports/{report_id}", response=ReportDetailOut)
def get_report(request: HttpRequest, report_id: int) -> Report:
    """One report: its pre-filled figures and targets, the corrections with their notes, the
    figures a submission would send and their percentages, the narrative, the state and the
    `revision` to send back. Read by the unit that fills it and by the period's owner."""
    return _report_detail(request, report_id)


@router.patch("/reports/{report_id}", response=ReportDetailOut)
def save_report(request: HttpRequest, report_id: int, payload: ReportSaveIn) -> Any:
    """Save a draft or returned report: corrections (each changed pre-filled figure with a
    note) and narrative sections. Send the `revision` you read: a stale one is 409. Every
    bad figure is listed (422); a submitted report is 409 until the owner returns it."""
    report = _report(request, report_id)
    if not can_edit_report(request.user, report):
        return _forbidden(request, _("You cannot change this report."))
    corrections = (
        {
            year: {key: entry.dict() for key, entry in entries.items()}
            for year, entries in payload.corrections.items()
        }
        if payload.corrections is not None
        else None
    )
    try:
        services.report_save(
            request.user,
            report,
            revision=payload.revision,
            corrections=corrections,
            narrative=payload.narrative,
        )
    except BusinessError as error:
        return _refused(request, error)
    return _report_detail(request, report_id)


@router.post("/reports/{report_id}/refresh", response=ReportDetailOut)
def refresh_report(request: HttpRequest, report_id: int, payload: RevisionIn) -> Any:
    """Take the figures from the dashboards again; the corrections and narrative are kept."""
    report = _report(request, report_id)
    if not can_edit_report(request.user, report):
        return _forbidden(request, _("You cannot change this report."))
    try:
        services.report_refresh(request.user, report, revision=payload.revision)
    except BusinessError as error:
        return _refused(request, error)
    return _report_detail(request, report_id)


@router.post("/reports/{report_id}/submit", response=ReportDetailOut)
def submit_report(request: HttpRequest, report_id: int, payload: ReportSubmitIn) -> Any:
    """Submit the report: its figures and narrative are frozen as a new version and the
    owner's officials are told. Required sections left empty are 422 (`incomplete`); a
    returned report submitted without a change needs `confirm_unchanged` (422, `unchanged`);
    a report already submitted is 409 (`submitted`)."""
    report = _report(request, report_id)
    if not can_edit_report(request.user, report):
        return _forbidden(request, _("You cannot change this report."))
    try:
        services.report_submit(
            request.user,
            report,
            revision=payload.revision,
            confirm_unchanged=payload.confirm_unchanged,
        )
    except BusinessError as error:
        return _refused(request, error)
    return _report_detail(request, report_id)


@router.post("/reports/{report_id}/return", response=ReportDetailOut)
def return_report(request: HttpRequest, report_id: int, payload: ReportReturnIn) -> Any:
    """Send a submitted report back to its unit with the reason (the period's owner only);
    it becomes editable again and its officials are told. It counts in the compiled report
    again once submitted again."""
    report = _report(request, report_id)
    if not can_return_report(request.user, report):
        return _forbidden(request, _("You cannot return this report."))
    try:
        services.report_return(
            request.user, report, revision=payload.revision, reason=payload.reason
        )
    except BusinessError as error:
        return _refused(request, error)
    return _report_detail(request, report_id)


@router.get("/reports/{report_id}/submissions", response=list[SubmissionOut])
def list_submissions(request: HttpRequest, report_id: int) -> list[ReportSubmission]:
    """Every submitted version of the report, first to last, frozen as it was sent."""
    return selectors.submission_list(_report(request, report_id))


# -- plans and tasks ------------------------------------------------------------------------


@router.get("/plans", response=list[PlanOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_plans(request: HttpRequest) -> QuerySet[Plan]:
    """Plans of the caller's units, of the units above them, and national ones; newest first."""
    overdue = Q(tasks__deadline__lt=timezone.localdate()) & ~Q(tasks__status=TaskStatus.DONE)
    plans = selectors.plan_list(user=request.user).select_related("created_by")
    return plans.annotate(
        task_count=Count("tasks", distinct=True),
        overdue_count=Count("tasks", filter=overdue, distinct=True),
    )


@router.post("/plans", response={201: PlanDetailOut})
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    """Record a plan of a province or commune (national ones: system administrators). A unit
    outside the caller's area is 404; one they see but do not keep plans of is 403; a
    missing number, title or issuer, years out of order or a number the unit already used
    is 422."""
    unit = unit_selectors.unit_get(user=request.user, key=payload.unit) if payload.unit else None
    if not can_keep_plan(request.user, unit):
        return _forbidden(request, _("You cannot keep plans of this unit."))
    try:
        plan = services.plan_create(
            request.user,
            unit=unit,
            number=payload.number,
            issued_on=payload.issued_on,
            issuer=payload.issuer,
            title=payload.title,
            first_year=payload.first_year,
            last_year=payload.last_year,
            summary=payload.summary,
        )
    except BusinessError as error:
        return _refused(request, error)
    return Status(201, _plan(request, plan.pk))


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def get_plan(request: HttpRequest, plan_id: int) -> Plan:
    """One plan with its tasks, their progress notes and which are overdue."""
    return _plan(request, plan_id)


@router.post("/plans/{plan_id}/tasks", response={201: PlanTaskOut})
def add_task(request: HttpRequest, plan_id: int, payload: TaskIn) -> Any:
    """Add a task to a plan, in charge of a department (by name) or a unit of the plan's area
    (its officials are told and record the progress)."""
    plan = _plan(request, plan_id)
    if not can_keep_plan(request.user, plan.unit):
        return _forbidden(request, _("You cannot change this plan."))
    assignee_unit = (
        unit_selectors.unit_get(user=request.user, key=payload.assignee_unit)
        if payload.assignee_unit
        else None
    )
    try:
        task = services.task_add(
            request.user,
            plan,
            title=payload.title,
            description=payload.description,
            assignee=payload.assignee,
            assignee_unit=assignee_unit,
            deadline=payload.deadline,
        )
    except BusinessError as error:
        return _refused(request, error)
    return Status(201, _task(request, task.pk))


@router.post("/tasks/{task_id}/progress", response={201: PlanTaskOut})
def record_progress(
    request: HttpRequest,
    task_id: int,
    progress: Form[int],
    note: Form[str],
    evidence: File[UploadedFile | None] = None,
) -> Any:
    """Record progress on a task (0–100 %; 100 marks it done) with what was done, as a form
    (multipart/form-data to attach `evidence`: a photo, PDF, .docx or .xlsx, its type read
    from its bytes). The answer is the task as it now stands."""
    task = _task(request, task_id)
    if not can_record_progress(request.user, task):
        return _forbidden(request, _("You cannot record progress on this task."))
    try:
        services.task_progress_record(
            request.user, task, progress=progress, note=note, evidence=evidence
        )
    except BusinessError as error:
        return _refused(request, error)
    return Status(201, _task(request, task_id))


@router.get(
    "/tasks/{task_id}/updates/{update_id}/evidence",
    openapi_extra=_file_response(
        "The evidence of a progress note, as an attachment.", "application/octet-stream"
    ),
)
def download_task_evidence(request: HttpRequest, task_id: int, update_id: int) -> FileResponse:
    """The evidence file of one progress note of a task the caller may read."""
    task = _task(request, task_id)
    update = TaskProgress.objects.filter(task=task, pk=update_id).exclude(evidence="").first()
    if update is None:
        raise Http404
    try:
        stored = update.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = os.path.splitext(update.evidence.name or "")[1].lower()
    stem = os.path.splitext(update.evidence_name)[0] or "evidence"
    response = FileResponse(
        stored,
        content_type=STORED_TYPES.get(extension, "application/octet-stream"),
        as_attachment=True,
        filename=f"{stem}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=0"
    return response
