"""API schemas for reporting periods, reports and plans: what a client may send (…In) and what
it gets back (…Out).

Figures travel as the reports keep them: `{year: {figure key: value}}` with years as strings
(JSON keys) and values whole numbers or null ("not known", never 0). Percentages are JSON
numbers with one decimal, or null without data. Labels follow the request's language.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy
from ninja import Field, Schema

from hoctap.reports import services
from hoctap.reports.compiling import Compiled, CompiledRow
from hoctap.reports.figures import Figures, percentages, setter_name
from hoctap.reports.models import (
    Cadence,
    PeriodStatus,
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
    can_record_progress,
    can_return_report,
)
from hoctap.reports.report_forms import FigureDef, ReportForm, Section, form_get
from hoctap.reports.selectors import Board, BoardRow, Timeliness
from hoctap.targets.schemas import UnitRefOut, unit_ref

API_PREFIX = "/api/v1"

TIMELINESS_LABELS = {
    Timeliness.ON_TIME: gettext_lazy("On time"),
    Timeliness.LATE: pgettext_lazy("report", "Late"),
    Timeliness.MISSING: gettext_lazy("Not submitted, overdue"),
    Timeliness.PENDING: gettext_lazy("Not submitted yet"),
}

# The JSON shapes of figures: {year: {key: value}} and {year: {indicator: percentage}}.
FiguresOut = dict[str, dict[str, int | None]]
PercentagesOut = dict[str, dict[str, float | None]]


def _user_of(context: Any) -> Any:
    """The caller, from the context Ninja gives resolvers (None outside a request)."""
    request = (context or {}).get("request")
    return getattr(request, "user", None)


def _name_of(user: Any) -> str:
    return str(user) if user is not None else ""


def percentages_out(figures: Figures) -> PercentagesOut:
    """The indicators' percentages of every year of the figures."""
    return {
        year: {
            code: (float(value) if value is not None else None)
            for code, value in percentages(values).items()
        }
        for year, values in figures.items()
    }


# -- report forms ---------------------------------------------------------------------------


class ReportSectionOut(Schema):
    code: str
    title: str
    help: str
    required: bool = Field(..., description="A report is not submitted with it empty.")


class ReportFigureOut(Schema):
    key: str = Field(..., description="“recognised.learning_family”, “numerator.<indicator>”, …")
    label: str
    group: str = Field(..., description="titles, indicators or fund.")
    entered: bool = Field(
        ...,
        description="Typed in by the unit (no pre-filled value); a pre-filled figure is "
        "changed only with a note.",
    )
    unit: str = Field(..., description="“đồng” for money; empty for counts.")


class ReportFormOut(Schema):
    code: str
    name: str
    for_agencies: bool = Field(..., description="Filled by departments and agencies.")
    sections: list[ReportSectionOut]
    figures: list[ReportFigureOut]


def section_out(section: Section) -> dict[str, Any]:
    return {
        "code": section.code,
        "title": str(section.title),
        "help": str(section.help),
        "required": section.required,
    }


def figure_def_out(figure: FigureDef) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": figure.label,
        "group": figure.group,
        "entered": figure.entered,
        "unit": figure.unit,
    }


def report_form_out(form: ReportForm) -> dict[str, Any]:
    return {
        "code": form.code,
        "name": str(form.name),
        "for_agencies": form.for_agencies,
        "sections": [section_out(section) for section in form.sections],
        "figures": [figure_def_out(figure) for figure in form.figures],
    }


# -- periods --------------------------------------------------------------------------------


class PeriodFilter(Schema):
    status: PeriodStatus | None = Field(None, description="open or closed.")


class PeriodIn(Schema):
    unit: str | None = Field(
        None,
        description="Key of the province that asks for the reports; null: the country "
        "(system administrators only).",
    )
    cadence: str = Field(
        ..., description="semiannual, yearly, ad_hoc, review_5 or review_10 (see Cadence)."
    )
    form: str = Field(..., description="A report form's code (see /report-forms): not agency.")
    subject: str = Field("", description="What an ad hoc report is about (required for one).")
    starts_on: datetime.date
    ends_on: datetime.date = Field(..., description="The figures are of this date's year.")
    deadline: datetime.date = Field(..., description="On or after `ends_on` (but ad hoc).")
    units: list[str] = Field(
        default_factory=list, description="Keys of the communes that must report."
    )
    organisations: list[int] = Field(
        default_factory=list, description="Ids of the agencies (organisations) that must report."
    )
    note: str = ""


class PeriodOut(Schema):
    id: int
    name: str
    unit: UnitRefOut | None = Field(..., description="The owner; null: the country.")
    cadence: str
    cadence_label: str
    form: str
    form_name: str
    subject: str
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    years: list[int] = Field(..., description="The years the figures are given for.")
    status: str = Field(..., description="open or closed.")
    status_label: str
    note: str
    opened_by: str
    created_at: datetime.datetime
    compiled_report_id: int | None = Field(
        ..., description="The owner's own report, compiled from the submitted ones."
    )
    status_url: str
    compiled_url: str

    @staticmethod
    def resolve_unit(obj: ReportingPeriod) -> dict[str, Any] | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_cadence_label(obj: ReportingPeriod) -> str:
        return str(Cadence(obj.cadence).label)

    @staticmethod
    def resolve_form_name(obj: ReportingPeriod) -> str:
        form = form_get(obj.form)
        return str(form.name) if form is not None else obj.form

    @staticmethod
    def resolve_status_label(obj: ReportingPeriod) -> str:
        return str(PeriodStatus(obj.status).label)

    @staticmethod
    def resolve_opened_by(obj: ReportingPeriod) -> str:
        return _name_of(obj.opened_by)

    @staticmethod
    def resolve_compiled_report_id(obj: ReportingPeriod) -> int | None:
        annotated = getattr(obj, "compiled_report_id", None)
        if annotated is not None:
            return int(annotated)
        return obj.reports.filter(is_compiled=True).values_list("pk", flat=True).first()

    @staticmethod
    def resolve_status_url(obj: ReportingPeriod) -> str:
        return f"{API_PREFIX}/report-periods/{obj.pk}/status"

    @staticmethod
    def resolve_compiled_url(obj: ReportingPeriod) -> str:
        return f"{API_PREFIX}/report-periods/{obj.pk}/compiled"


class AgencyOut(Schema):
    id: int
    name: str


def agency_ref(report: Report) -> dict[str, Any] | None:
    organisation = report.organisation if report.organisation_id is not None else None
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name}


class PeriodReportOut(Schema):
    """A report asked in the period, as its owner sees it in the period."""

    id: int
    name: str = Field(..., description="The unit or agency that reports.")
    unit: UnitRefOut | None
    organisation: AgencyOut | None = Field(..., description="Set when an agency reports.")
    is_compiled: bool = Field(..., description="The owner's own, compiled report.")
    state: str
    state_label: str
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_name(obj: Report) -> str:
        return obj.respondent_name

    @staticmethod
    def resolve_unit(obj: Report) -> dict[str, Any] | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_organisation(obj: Report) -> dict[str, Any] | None:
        return agency_ref(obj)

    @staticmethod
    def resolve_state_label(obj: Report) -> str:
        return str(ReportState(obj.state).label)


class PeriodDetailOut(PeriodOut):
    reports: list[PeriodReportOut] = Field(
        ..., description="Every report asked, then the owner's compiled one."
    )

    @staticmethod
    def resolve_reports(obj: ReportingPeriod) -> list[Report]:
        return list(
            obj.reports.select_related("unit", "organisation").order_by(
                "is_compiled", "unit_path", "pk"
            )
        )


# -- the status board -----------------------------------------------------------------------


class BoardRowOut(Schema):
    report_id: int
    name: str
    unit: UnitRefOut | None
    organisation: AgencyOut | None
    state: str = Field(..., description="draft, submitted or returned.")
    state_label: str
    timeliness: str = Field(
        ...,
        description="on_time or late (judged by the first submission), missing (not "
        "submitted and the deadline passed) or pending (not submitted, not yet due).",
    )
    timeliness_label: str
    first_submitted_at: datetime.datetime | None
    last_submitted_at: datetime.datetime | None
    versions: int = Field(..., description="How many versions were submitted.")
    return_reason: str


class BoardOut(Schema):
    period: PeriodOut
    today: datetime.date = Field(..., description="The day missing/pending is judged on.")
    asked: int
    submitted: int = Field(..., description="Reports in the submitted state now.")
    on_time: int
    late: int
    missing: int
    pending: int
    completeness: float | None = Field(
        ..., description="Submitted over asked, in %; null when none was asked."
    )
    timeliness_rate: float | None = Field(
        ..., description="First submitted by the deadline over asked, in %."
    )
    rows: list[BoardRowOut]


def board_row_out(row: BoardRow) -> dict[str, Any]:
    report = row.report
    return {
        "report_id": report.pk,
        "name": row.name,
        "unit": unit_ref(report.unit),
        "organisation": agency_ref(report),
        "state": report.state,
        "state_label": str(ReportState(report.state).label),
        "timeliness": row.timeliness,
        "timeliness_label": str(TIMELINESS_LABELS[row.timeliness]),
        "first_submitted_at": row.first.submitted_at if row.first is not None else None,
        "last_submitted_at": report.submitted_at,
        "versions": row.versions,
        "return_reason": report.return_reason if report.state == ReportState.RETURNED else "",
    }


def board_out(board: Board) -> dict[str, Any]:
    return {
        "period": board.period,
        "today": board.today,
        "asked": len(board.rows),
        "submitted": board.submitted,
        "on_time": board.count(Timeliness.ON_TIME),
        "late": board.count(Timeliness.LATE),
        "missing": board.count(Timeliness.MISSING),
        "pending": board.count(Timeliness.PENDING),
        "completeness": float(board.completeness) if board.completeness is not None else None,
        "timeliness_rate": (
            float(board.timeliness_rate) if board.timeliness_rate is not None else None
        ),
        "rows": [board_row_out(row) for row in board.rows],
    }


# -- the compiled report --------------------------------------------------------------------


class CompiledRowOut(Schema):
    report_id: int
    name: str
    unit: UnitRefOut | None
    organisation: AgencyOut | None
    state: str
    version: int | None = Field(..., description="The version counted; null: none counted.")
    submitted_at: datetime.datetime | None
    on_time: bool | None
    figures: FiguresOut = Field(..., description="As submitted in that version.")


class OwnReportOut(Schema):
    report_id: int
    state: str
    revision: int
    narrative: dict[str, str]


class CompiledOut(Schema):
    period: PeriodOut
    years: list[str]
    totals: FiguresOut = Field(
        ...,
        description="The sum of the latest submitted version of every report; a figure no "
        "report gave is null. A returned report counts again once resubmitted.",
    )
    given: dict[str, dict[str, int]] = Field(
        ..., description="How many reports gave each figure (a null is left out, never 0)."
    )
    percentages: PercentagesOut = Field(
        ..., description="The indicators' percentages of the totals."
    )
    submitted: list[CompiledRowOut] = Field(..., description="The reports counted.")
    missing: list[CompiledRowOut] = Field(..., description="Reports not (or no longer) counted.")
    own: OwnReportOut | None = Field(..., description="The owner's report and its narrative.")
    docx_url: str
    xlsx_url: str


def compiled_row_out(row: CompiledRow) -> dict[str, Any]:
    report = row.report
    submission = row.submission
    return {
        "report_id": report.pk,
        "name": row.name,
        "unit": unit_ref(report.unit),
        "organisation": agency_ref(report),
        "state": report.state,
        "version": submission.number if submission is not None else None,
        "submitted_at": submission.submitted_at if submission is not None else None,
        "on_time": submission.on_time if submission is not None else None,
        "figures": row.figures,
    }


def compiled_out(compiled: Compiled) -> dict[str, Any]:
    period = compiled.period
    own = compiled.own
    return {
        "period": period,
        "years": compiled.years,
        "totals": compiled.totals,
        "given": compiled.given,
        "percentages": percentages_out(compiled.totals),
        "submitted": [compiled_row_out(row) for row in compiled.submitted],
        "missing": [compiled_row_out(row) for row in compiled.missing],
        "own": (
            {
                "report_id": own.pk,
                "state": own.state,
                "revision": own.revision,
                "narrative": own.narrative,
            }
            if own is not None
            else None
        ),
        "docx_url": f"{API_PREFIX}/report-periods/{period.pk}/compiled.docx",
        "xlsx_url": f"{API_PREFIX}/report-periods/{period.pk}/compiled.xlsx",
    }


# -- reports --------------------------------------------------------------------------------


class ReportFilter(Schema):
    state: ReportState | None = Field(None, description="draft, submitted or returned.")
    period: int | None = Field(None, description="Only the reports of this period.")


class PeriodRefOut(Schema):
    id: int
    name: str
    unit: UnitRefOut | None = Field(..., description="Who asks; null: the country.")
    deadline: datetime.date
    status: str


class ReportOut(Schema):
    id: int
    period: PeriodRefOut
    name: str = Field(..., description="The unit or agency that reports.")
    unit: UnitRefOut | None
    organisation: AgencyOut | None = Field(..., description="Set when an agency reports.")
    is_compiled: bool = Field(..., description="The owner's own report, compiled.")
    state: str = Field(..., description="draft, submitted or returned.")
    state_label: str
    revision: int = Field(..., description="Send it back with every write (409 when stale).")
    submitted_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    return_reason: str
    url: str

    @staticmethod
    def resolve_period(obj: Report) -> dict[str, Any]:
        period = obj.period
        return {
            "id": period.pk,
            "name": period.name,
            "unit": unit_ref(period.unit),
            "deadline": period.deadline,
            "status": period.status,
        }

    @staticmethod
    def resolve_name(obj: Report) -> str:
        return obj.respondent_name

    @staticmethod
    def resolve_unit(obj: Report) -> dict[str, Any] | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_organisation(obj: Report) -> dict[str, Any] | None:
        return agency_ref(obj)

    @staticmethod
    def resolve_state_label(obj: Report) -> str:
        return str(ReportState(obj.state).label)

    @staticmethod
    def resolve_url(obj: Report) -> str:
        return f"{API_PREFIX}/reports/{obj.pk}"


class TargetValueOut(Schema):
    value: float = Field(..., description="The target that applies, in percent.")
    set_by: str = Field(..., description="Who set it (“national” targets name the programme).")


class CorrectionOut(Schema):
    value: int | None
    note: str = Field(..., description="Why it differs from the data (empty for typed-in ones).")


class ReportDetailOut(ReportOut):
    form: str = Field(..., description="The form it is filled on (an agency's: agency).")
    years: list[int]
    sections: list[ReportSectionOut]
    prefilled: FiguresOut = Field(
        ...,
        description="The figures taken from the dashboards (empty until the unit opens it; "
        "reading it as the unit pre-fills it).",
    )
    prefilled_at: datetime.datetime | None
    targets: dict[str, dict[str, TargetValueOut]] = Field(
        ..., description="{year: {indicator: the next target that applies}}."
    )
    corrections: dict[str, dict[str, CorrectionOut]] = Field(
        ..., description="{year: {figure key: {value, note}}}: what the unit changed, and why."
    )
    figures: FiguresOut = Field(
        ...,
        description="What a submission would send now: the pre-filled figures with the "
        "corrections; for a compiled report, the sum of the submitted reports.",
    )
    percentages: PercentagesOut
    narrative: dict[str, str] = Field(..., description="{section code: text}.")
    missing_sections: list[str] = Field(..., description="Required sections still empty.")
    submitted_by: str
    returned_by: str
    versions: int = Field(..., description="Versions submitted so far.")
    can_edit: bool = Field(..., description="The caller may change and submit it now.")
    can_return: bool = Field(..., description="The caller may send it back to the unit now.")
    submissions_url: str

    @staticmethod
    def resolve_form(obj: Report) -> str:
        return services.period_form(obj.period, obj).code

    @staticmethod
    def resolve_years(obj: Report) -> list[int]:
        return obj.period.years

    @staticmethod
    def resolve_sections(obj: Report) -> list[dict[str, Any]]:
        return [section_out(section) for section in services.period_form(obj.period, obj).sections]

    @staticmethod
    def resolve_prefilled(obj: Report) -> Figures:
        figures: Figures = (obj.prefilled or {}).get("figures", {})
        return figures

    @staticmethod
    def resolve_targets(obj: Report) -> dict[str, dict[str, dict[str, Any]]]:
        return {
            year: {
                code: {"value": float(value), "set_by": setter_name(set_by)}
                for code, (value, set_by) in targets.items()
            }
            for year, targets in (obj.prefilled or {}).get("targets", {}).items()
        }

    @staticmethod
    def resolve_figures(obj: Report) -> Figures:
        return _figures_of(obj)

    @staticmethod
    def resolve_percentages(obj: Report) -> PercentagesOut:
        return percentages_out(_figures_of(obj))

    @staticmethod
    def resolve_missing_sections(obj: Report) -> list[str]:
        return services.missing_sections(obj)

    @staticmethod
    def resolve_submitted_by(obj: Report) -> str:
        return _name_of(obj.submitted_by)

    @staticmethod
    def resolve_returned_by(obj: Report) -> str:
        return _name_of(obj.returned_by)

    @staticmethod
    def resolve_versions(obj: Report) -> int:
        return obj.submissions.count()

    @staticmethod
    def resolve_can_edit(obj: Report, context: Any) -> bool:
        return (
            obj.state != ReportState.SUBMITTED
            and obj.period.status == PeriodStatus.OPEN
            and can_edit_report(_user_of(context), obj)
        )

    @staticmethod
    def resolve_can_return(obj: Report, context: Any) -> bool:
        return obj.state == ReportState.SUBMITTED and can_return_report(_user_of(context), obj)

    @staticmethod
    def resolve_submissions_url(obj: Report) -> str:
        return f"{API_PREFIX}/reports/{obj.pk}/submissions"


def _figures_of(report: Report) -> Figures:
    """The report's figures as a submission would freeze them, worked out once per answer
    (a compiled report's sum reads every submission of the period)."""
    cached: Figures | None = getattr(report, "_api_figures", None)
    if cached is None:
        cached = services.submission_figures(report)
        report._api_figures = cached  # type: ignore[attr-defined]
    return cached


class CorrectionIn(Schema):
    value: int | str | None = Field(
        None, description="A whole number (“12.500.000” as text is read too); null: not known."
    )
    note: str = Field("", description="Why it differs from the data (required for a change).")


class ReportSaveIn(Schema):
    revision: int = Field(..., description="The `revision` the change was made on.")
    corrections: dict[str, dict[str, CorrectionIn]] | None = Field(
        None,
        description="{year: {figure key: {value, note}}}; replaces the previous corrections. "
        "A pre-filled figure changed needs a note; an entry equal to the data is dropped. "
        "Left out: the corrections are kept.",
    )
    narrative: dict[str, str] | None = Field(
        None, description="{section code: text}; the sections given replace theirs."
    )


class RevisionIn(Schema):
    revision: int


class ReportSubmitIn(Schema):
    revision: int
    confirm_unchanged: bool = Field(
        False,
        description="Submit a returned report again without changes (refused otherwise, "
        "with code `unchanged`).",
    )


class ReportReturnIn(Schema):
    revision: int
    reason: str = Field(..., description="Why it goes back to the unit (required).")


class SubmissionOut(Schema):
    number: int = Field(..., description="1, 2, …: each submission is a new version.")
    figures: FiguresOut = Field(..., description="Frozen as submitted.")
    corrections: dict[str, dict[str, CorrectionOut]]
    narrative: dict[str, str]
    percentages: PercentagesOut
    submitted_at: datetime.datetime
    submitted_by: str
    on_time: bool

    @staticmethod
    def resolve_percentages(obj: ReportSubmission) -> PercentagesOut:
        return percentages_out(obj.figures)

    @staticmethod
    def resolve_submitted_by(obj: ReportSubmission) -> str:
        return _name_of(obj.submitted_by)


# -- plans and tasks ------------------------------------------------------------------------


class PlanIn(Schema):
    unit: str | None = Field(
        ..., description="Key of the province or commune that issued it; null: national."
    )
    number: str = Field(..., description="“35/KH-UBND”; unique for the unit.")
    issued_on: datetime.date
    issuer: str = Field(..., description="“Ủy ban nhân dân tỉnh Sơn La”.")
    title: str
    first_year: int = Field(..., ge=2000, le=2100)
    last_year: int = Field(..., ge=2000, le=2100)
    summary: str = ""


class TaskIn(Schema):
    title: str
    description: str = ""
    assignee: str = Field("", description="The department or agency in charge, by name.")
    assignee_unit: str | None = Field(
        None,
        description="Key of the unit in charge (in the plan's area): its officials record "
        "the progress. One of `assignee` and `assignee_unit` is required.",
    )
    deadline: datetime.date | None = None


class TaskProgressOut(Schema):
    id: int
    recorded_at: datetime.datetime
    recorded_by: str
    progress: int
    note: str
    evidence_name: str = Field(..., description="The evidence file's name; empty: none.")
    evidence_url: str | None = Field(..., description="Where to download it; null: none.")

    @staticmethod
    def resolve_recorded_by(obj: TaskProgress) -> str:
        return _name_of(obj.recorded_by)

    @staticmethod
    def resolve_evidence_name(obj: TaskProgress) -> str:
        return obj.evidence_name if obj.evidence else ""

    @staticmethod
    def resolve_evidence_url(obj: TaskProgress) -> str | None:
        if not obj.evidence:
            return None
        return f"{API_PREFIX}/tasks/{obj.task_id}/updates/{obj.pk}/evidence"


class PlanTaskOut(Schema):
    id: int
    plan_id: int
    position: int
    title: str
    description: str
    assignee: str
    assignee_unit: UnitRefOut | None
    deadline: datetime.date | None
    status: str = Field(..., description="not_started, in_progress or done.")
    status_label: str
    progress: int = Field(..., description="In percent; 100 is done.")
    is_overdue: bool = Field(..., description="Past its deadline and not done.")
    can_record_progress: bool
    updates: list[TaskProgressOut] = Field(..., description="Newest first.")

    @staticmethod
    def resolve_assignee_unit(obj: PlanTask) -> dict[str, Any] | None:
        return unit_ref(obj.assignee_unit)

    @staticmethod
    def resolve_status_label(obj: PlanTask) -> str:
        return str(TaskStatus(obj.status).label)

    @staticmethod
    def resolve_is_overdue(obj: PlanTask) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_can_record_progress(obj: PlanTask, context: Any) -> bool:
        return can_record_progress(_user_of(context), obj)

    @staticmethod
    def resolve_updates(obj: PlanTask) -> list[TaskProgress]:
        return list(obj.updates.all())


class PlanOut(Schema):
    id: int
    unit: UnitRefOut | None = Field(..., description="The issuing unit; null: national.")
    number: str
    issued_on: datetime.date
    issuer: str
    title: str
    first_year: int
    last_year: int
    summary: str
    created_by: str
    task_count: int
    overdue_count: int = Field(..., description="Tasks past their deadline and not done.")
    can_change: bool = Field(..., description="The caller may add tasks to it.")
    url: str

    @staticmethod
    def resolve_unit(obj: Plan) -> dict[str, Any] | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_created_by(obj: Plan) -> str:
        return _name_of(obj.created_by)

    @staticmethod
    def resolve_task_count(obj: Plan) -> int:
        annotated = getattr(obj, "task_count", None)
        return int(annotated) if annotated is not None else obj.tasks.count()

    @staticmethod
    def resolve_overdue_count(obj: Plan) -> int:
        annotated = getattr(obj, "overdue_count", None)
        if annotated is not None:
            return int(annotated)
        return sum(1 for task in obj.tasks.all() if task.is_overdue())

    @staticmethod
    def resolve_can_change(obj: Plan, context: Any) -> bool:
        return can_keep_plan(_user_of(context), obj.unit)

    @staticmethod
    def resolve_url(obj: Plan) -> str:
        return f"{API_PREFIX}/plans/{obj.pk}"


class PlanDetailOut(PlanOut):
    tasks: list[PlanTaskOut] = Field(..., description="In the plan's order.")

    @staticmethod
    def resolve_tasks(obj: Plan) -> list[PlanTask]:
        return list(
            obj.tasks.select_related("plan", "plan__unit", "assignee_unit").prefetch_related(
                "updates__recorded_by"
            )
        )
