"""Pages of reporting periods and reports: the work list, opening a period, the owner's status
board with the compiled figures and their documents, a report's page (pre-filled figures
corrected with a note, narrative, save, submit, return) and the comparison of its versions.

Every object is fetched through a selector that answers "does not exist" outside the user's
scope, so out of scope and missing both are 404; a form posted by someone who may read the
report but not change it is 404 as well. The services check again and own the writes: a
refused write shows their message and changes nothing; a stale form (`revision`) shows the
report as it now stands.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.models import Title
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.rendering import render_page
from hoctap.reports import selectors, services
from hoctap.reports.compiling import compile_period
from hoctap.reports.figures import Figures, corrected, percentages, setter_name
from hoctap.reports.forms import (
    CompareForm,
    PeriodForm,
    ReturnForm,
    current_communes,
    figure_field_name,
    note_field_name,
    posted_corrections,
    posted_narrative,
    section_field_name,
)
from hoctap.reports.models import (
    Cadence,
    PeriodStatus,
    ReminderSent,
    Report,
    ReportState,
    ReportSubmission,
)
from hoctap.reports.permissions import (
    OWNER_ROLES,
    can_edit_report,
    can_manage_period,
    can_open_period,
    can_return_report,
)
from hoctap.reports.report_forms import FIGURE_BY_KEY, FigureDef, ReportForm, Section
from hoctap.reports.selectors import Timeliness
from hoctap.targets.indicators import INDICATORS
from hoctap.targets.selectors import percent_text

T = TypeVar("T")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORK_PAGE_SIZE = 50
# A service's error code -> the field of the period form it is about.
PERIOD_ERROR_FIELDS = {
    "form": "form",
    "cadence": "cadence",
    "subject": "subject",
    "ends_on": "ends_on",
    "deadline": "deadline",
    "units": "units",
}
# Status shown by a word and a badge (never by colour alone).
TIMELINESS_WORDS = {
    Timeliness.ON_TIME: (gettext_lazy("On time"), "text-bg-success"),
    Timeliness.LATE: (pgettext_lazy("report", "Late"), "text-bg-warning"),
    Timeliness.MISSING: (gettext_lazy("Missing"), "text-bg-danger"),
    Timeliness.PENDING: (gettext_lazy("Pending"), "text-bg-secondary"),
}
STATE_BADGES = {
    ReportState.DRAFT: "text-bg-secondary",
    ReportState.SUBMITTED: "text-bg-success",
    ReportState.RETURNED: "text-bg-warning",
}
GROUP_TITLES = {
    "titles": gettext_lazy("Titles: registered and recognised"),
    "indicators": gettext_lazy("Indicators: numerators and denominators"),
    "fund": gettext_lazy("Learning promotion fund"),
}
# Forms of "open a period" already sent in this session: token -> the period they opened.
SENT_PERIOD_FORMS = "reports.period_new.sent"
SENT_PERIOD_FORMS_KEPT = 20


def _today() -> datetime.date:
    """Today in the project's time zone (one place, so tests can set the day)."""
    return timezone.localdate()


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing and out of scope both answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Scoped content: a browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=0"
    return response


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{percent_text(value)}%"


def _revision(request: HttpRequest) -> int:
    """The revision the form was built from; a missing or garbled one is stale (-1)."""
    text = request.POST.get("revision", "")
    return int(text) if text.isdigit() else -1


def _as_int(text: str) -> int | None:
    """A figure as the service reads it (“1.234” is 1234); None when it is not a number."""
    cleaned = text.replace(".", "").replace(" ", "").strip()
    return int(cleaned) if cleaned.isdigit() else None


def _may_edit(user: Any, report: Report) -> bool:
    """Whether the page offers the report's form: its editors, while it is not frozen."""
    return (
        can_edit_report(user, report)
        and report.state != ReportState.SUBMITTED
        and report.period.status == PeriodStatus.OPEN
    )


def _owner_units(user: Any) -> list[AdminUnit]:
    """Provinces the user may open periods for: their own; every province for a national
    scope (the country itself asks through the provinces)."""
    provinces = AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
    paths = scope_paths(user, OWNER_ROLES)
    if paths is not None:
        provinces = provinces.filter(path__in=paths)
    return [unit for unit in provinces.order_by("search_name", "pk") if can_open_period(user, unit)]


# -- the work list ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WorkRow:
    report: Report
    overdue: bool

    @property
    def badge(self) -> str:
        return STATE_BADGES.get(ReportState(self.report.state), "text-bg-secondary")


@require_safe
@login_required
def work_list(request: HttpRequest) -> HttpResponse:
    """The reports the user fills, and the periods they own with how many have come in."""
    today = _today()
    everything = request.GET.get("all") == "1"
    reports = selectors.report_list(user=request.user)
    periods = selectors.period_list(user=request.user)
    if not everything:
        reports = reports.filter(period__status=PeriodStatus.OPEN)
        periods = selectors.open_periods(periods)
    reports = reports.order_by("period__deadline", "period_id", "unit_path", "pk")
    page = Paginator(reports, WORK_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        WorkRow(
            report=report,
            overdue=report.state != ReportState.SUBMITTED
            and report.period.status == PeriodStatus.OPEN
            and today > report.period.deadline,
        )
        for report in page
    ]
    respondent = Q(reports__is_compiled=False)
    periods = periods.annotate(
        asked=Count("reports", filter=respondent),
        done=Count("reports", filter=respondent & Q(reports__state=ReportState.SUBMITTED)),
    )
    context = {
        "rows": rows,
        "page": page,
        "periods": list(periods),
        "may_open": bool(_owner_units(request.user)),
        "everything": everything,
    }
    return render_page(request, "reports/work_list.html", context)


# -- opening a period ---------------------------------------------------------------------------


def _period_defaults(owner: AdminUnit) -> dict[str, Any]:
    year = _today().year
    return {
        "cadence": Cadence.YEARLY,
        "form": "commune",
        "starts_on": datetime.date(year, 1, 1),
        "ends_on": datetime.date(year, 12, 31),
        "units": list(current_communes(owner).values_list("pk", flat=True)),
        "once": uuid.uuid4().hex,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def period_new(request: HttpRequest) -> HttpResponse:
    """Open a reporting period of the user's province (an administrator picks the province).

    A double click is stopped in the browser (`data-once`); the same form sent again (the
    back button, a retry after a slow answer) carries the one-time token of the first sending
    and is sent to the period it opened instead of opening another.
    """
    owners = _owner_units(request.user)
    if not owners:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    key = data.get("unit", "")
    owner = next((unit for unit in owners if unit.key == key), None)
    if key and owner is None:
        raise Http404  # a province outside the user's scope looks like a missing one
    if owner is None and len(owners) == 1:
        owner = owners[0]
    status = 200
    form: PeriodForm | None = None
    if owner is not None and request.method == "POST":
        sent: dict[str, int] = request.session.get(SENT_PERIOD_FORMS, {})
        token = request.POST.get("once", "")
        if token and token in sent:
            messages.info(request, _("This form was already sent: the period is open."))
            return redirect("reports:period", pk=sent[token])
        form = PeriodForm(request.POST, owner=owner)
        status = 422
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                period = services.period_open(
                    request.user,
                    unit=owner,
                    cadence=cleaned["cadence"],
                    form=cleaned["form"],
                    subject=cleaned["subject"],
                    starts_on=cleaned["starts_on"],
                    ends_on=cleaned["ends_on"],
                    deadline=cleaned["deadline"],
                    units=list(cleaned["units"]),
                    organisations=list(cleaned["organisations"]),
                    note=cleaned["note"],
                )
            except BusinessError as error:
                field = PERIOD_ERROR_FIELDS.get(error.code or "")
                form.add_error(field, error)
            else:
                if token:
                    kept = list(sent.items())[-(SENT_PERIOD_FORMS_KEPT - 1) :]
                    request.session[SENT_PERIOD_FORMS] = {**dict(kept), token: period.pk}
                messages.success(
                    request,
                    _("The period is open: %(period)s. The units are told.")
                    % {"period": period.name},
                )
                return redirect("reports:period", pk=period.pk)
    elif owner is not None:
        form = PeriodForm(owner=owner, initial=_period_defaults(owner))
    all_ticked = False
    if form is not None and owner is not None:
        ticked = {str(value) for value in form["units"].value() or []}
        communes = {str(pk) for pk in current_communes(owner).values_list("pk", flat=True)}
        all_ticked = bool(communes) and communes <= ticked
    context = {"owners": owners, "owner": owner, "form": form, "all_ticked": all_ticked}
    return render_page(request, "reports/period_new.html", context, status=status)


# -- the status board ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BoardLine:
    row: selectors.BoardRow

    @property
    def word(self) -> str:
        return str(TIMELINESS_WORDS[self.row.timeliness][0])

    @property
    def badge(self) -> str:
        return TIMELINESS_WORDS[self.row.timeliness][1]

    @property
    def state_badge(self) -> str:
        return STATE_BADGES.get(ReportState(self.row.report.state), "text-bg-secondary")


@dataclasses.dataclass(frozen=True)
class TitleTotal:
    name: str
    registered: int | None
    recognised: int | None


@dataclasses.dataclass(frozen=True)
class IndicatorTotal:
    name: str
    numerator: int | None
    denominator: int | None
    percentage: str


@dataclasses.dataclass(frozen=True)
class TotalsYear:
    """The figures of one year as tables: registered vs recognised per title, indicators."""

    year: str
    titles: list[TitleTotal]
    indicators: list[IndicatorTotal]
    fund: int | None
    has_fund: bool


def _totals_years(figures: Figures, years: Iterable[str], form: ReportForm) -> list[TotalsYear]:
    keys = {figure.key for figure in form.figures}
    result = []
    for year in years:
        values = figures.get(year, {})
        titles = [
            TitleTotal(
                name=str(title.label),
                registered=values.get(f"registered.{title.value}"),
                recognised=values.get(f"recognised.{title.value}"),
            )
            for title in Title
            if f"registered.{title.value}" in keys
        ]
        rates = percentages(values)
        indicators = [
            IndicatorTotal(
                name=str(indicator.name),
                numerator=values.get(f"numerator.{indicator.code}"),
                denominator=values.get(f"denominator.{indicator.code}"),
                percentage=_percent(rates.get(indicator.code)),
            )
            for indicator in INDICATORS
            if f"numerator.{indicator.code}" in keys
        ]
        result.append(
            TotalsYear(
                year=year,
                titles=titles,
                indicators=indicators,
                fund=values.get("fund"),
                has_fund="fund" in keys,
            )
        )
    return result


@require_safe
@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's status board: who submitted on time, late or not at all, and the sum."""
    period = _found(lambda: selectors.period_get(user=request.user, pk=pk))
    board = selectors.status_board(period, today=_today())
    compiled = compile_period(period)
    context = {
        "period": period,
        "board": board,
        "lines": [BoardLine(row) for row in board.rows],
        "completeness": _percent(board.completeness),
        "timeliness_rate": _percent(board.timeliness_rate),
        "reminders": ReminderSent.objects.filter(report__period=period).count(),
        "compiled": compiled,
        "totals": _totals_years(compiled.totals, compiled.years, services.period_form(period)),
        "form_name": services.period_form(period).name,
    }
    return render_page(request, "reports/period_detail.html", context)


@require_POST
@login_required
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    period = _found(lambda: selectors.period_get(user=request.user, pk=pk))
    try:
        services.period_close(request.user, period)
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The period is closed: no more reminders or submissions."))
    return redirect("reports:period", pk=period.pk)


def _compiled_document(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    # Imported here: the documents (python-docx, openpyxl) are needed by these two pages only.
    from hoctap.reports import documents

    period = _found(lambda: selectors.period_get(user=request.user, pk=pk))
    compiled = compile_period(period)
    if extension == "docx":
        content, content_type = documents.compiled_docx(compiled), DOCX
    else:
        content, content_type = documents.compiled_xlsx(compiled), XLSX
    return _attachment(content, content_type, documents.compiled_filename(period, extension))


@require_safe
@login_required
def compiled_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The compiled report in the Decree 30/2020 layout."""
    return _compiled_document(request, pk, "docx")


@require_safe
@login_required
def compiled_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The compiled statistics tables."""
    return _compiled_document(request, pk, "xlsx")


# -- a report -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FigureLine:
    """One figure of one year on the report's page."""

    figure: FigureDef
    year: str
    prefilled: int | None
    # What the input shows (or the page, read-only): the corrected or typed value.
    value: str
    # The value as a number, for showing (None: not known, or not a number).
    number: int | None
    note: str
    # Differs from the pre-filled value (a pre-filled figure only).
    changed: bool
    # Changed with no note, after a refused save.
    missing_note: bool

    @property
    def name(self) -> str:
        return figure_field_name(self.year, self.figure.key)

    @property
    def note_name(self) -> str:
        return note_field_name(self.year, self.figure.key)


@dataclasses.dataclass(frozen=True)
class FigureGroup:
    title: str
    lines: list[FigureLine]


@dataclasses.dataclass(frozen=True)
class PercentLine:
    name: str
    numerator: int | None
    denominator: int | None
    percentage: str
    target: str
    target_by: str


@dataclasses.dataclass(frozen=True)
class YearBlock:
    year: str
    groups: list[FigureGroup]
    percentages: list[PercentLine]


def _target_text(value: str) -> str:
    try:
        return _percent(Decimal(value))
    except (InvalidOperation, ValueError):
        return value


def _figure_blocks(
    report: Report,
    form: ReportForm,
    latest: ReportSubmission | None,
    posted: Mapping[str, Any] | None,
) -> list[YearBlock]:
    """The figures per year: the frozen ones of a submitted report, else the pre-filled ones
    with the corrections (or what was just posted, when a save was refused)."""
    prefilled: dict[str, dict[str, int | None]] = (report.prefilled or {}).get("figures", {})
    targets: dict[str, dict[str, list[str]]] = (report.prefilled or {}).get("targets", {})
    if report.state == ReportState.SUBMITTED and latest is not None:
        values, corrections = latest.figures, latest.corrections
    else:
        values, corrections = corrected(report.prefilled, report.corrections), report.corrections
    blocks = []
    for year in (str(year) for year in report.period.years):
        year_prefilled = prefilled.get(year, {})
        shown: dict[str, int | None] = {}
        by_group: dict[str, list[FigureLine]] = {}
        for figure in form.figures:
            if figure.key not in year_prefilled:
                continue
            before = year_prefilled[figure.key]
            value = values.get(year, {}).get(figure.key)
            text = "" if value is None else str(value)
            note = str(corrections.get(year, {}).get(figure.key, {}).get("note", ""))
            if posted is not None and figure_field_name(year, figure.key) in posted:
                text = str(posted[figure_field_name(year, figure.key)]).strip()
                note = str(posted.get(note_field_name(year, figure.key)) or "")
            number = _as_int(text) if text else None
            shown[figure.key] = number
            changed = not figure.entered and (number != before or (text != "" and number is None))
            by_group.setdefault(figure.group, []).append(
                FigureLine(
                    figure=figure,
                    year=year,
                    prefilled=before,
                    value=text,
                    number=number,
                    note=note,
                    changed=changed,
                    missing_note=posted is not None and changed and not note.strip(),
                )
            )
        rates = percentages(shown)
        year_targets = targets.get(year, {})
        percent_lines = [
            PercentLine(
                name=str(indicator.name),
                numerator=shown.get(f"numerator.{indicator.code}"),
                denominator=shown.get(f"denominator.{indicator.code}"),
                percentage=_percent(rates.get(indicator.code)),
                target=_target_text(year_targets[indicator.code][0])
                if indicator.code in year_targets
                else "",
                target_by=setter_name(year_targets[indicator.code][1])
                if indicator.code in year_targets
                else "",
            )
            for indicator in INDICATORS
            if f"numerator.{indicator.code}" in year_prefilled
        ]
        groups = [
            FigureGroup(title=str(GROUP_TITLES.get(group, group)), lines=by_group[group])
            for group in form.groups
            if group in by_group
        ]
        blocks.append(YearBlock(year=year, groups=groups, percentages=percent_lines))
    return blocks


@dataclasses.dataclass(frozen=True)
class SectionLine:
    section: Section
    text: str
    missing: bool
    # The user's own text that a stale form could not save, shown so it is not lost.
    unsaved: str

    @property
    def name(self) -> str:
        return section_field_name(self.section.code)


def _section_lines(
    form: ReportForm,
    narrative: Mapping[str, str],
    *,
    posted: Mapping[str, str] | None = None,
    missing: Iterable[str] = (),
    unsaved: Mapping[str, str] | None = None,
) -> list[SectionLine]:
    missing_titles = set(missing)
    lines = []
    for section in form.sections:
        text = narrative.get(section.code, "")
        if posted is not None and section.code in posted:
            text = posted[section.code]
        left_behind = (unsaved or {}).get(section.code, "")
        lines.append(
            SectionLine(
                section=section,
                text=text,
                missing=str(section.title) in missing_titles,
                unsaved=left_behind if left_behind.strip() != text.strip() else "",
            )
        )
    return lines


@dataclasses.dataclass
class PageState:
    """What a refused or stale write leaves for the page to show."""

    errors: list[str] = dataclasses.field(default_factory=list)
    posted: Mapping[str, Any] | None = None
    unchanged: bool = False
    missing: list[str] = dataclasses.field(default_factory=list)
    unsaved: dict[str, str] = dataclasses.field(default_factory=dict)
    conflict: bool = False
    return_form: ReturnForm | None = None
    status: int = 200


def _report_page(request: HttpRequest, report: Report, state: PageState) -> HttpResponse:
    user = request.user
    form = services.period_form(report.period, report)
    submissions = selectors.submission_list(report)
    latest = submissions[-1] if submissions else None
    editable = _may_edit(user, report)
    frozen = report.state == ReportState.SUBMITTED and latest is not None
    narrative = latest.narrative if frozen and latest is not None else report.narrative
    totals: list[TotalsYear] = []
    blocks: list[YearBlock] = []
    if report.is_compiled:
        if frozen and latest is not None:
            figures = latest.figures
        else:
            figures = compile_period(report.period).totals
        totals = _totals_years(figures, [str(year) for year in report.period.years], form)
    else:
        posted = state.posted if editable else None
        blocks = _figure_blocks(report, form, latest, posted)
    posted_text = posted_narrative(state.posted, form) if state.posted is not None else None
    may_return = can_return_report(user, report) and report.state == ReportState.SUBMITTED
    context = {
        "report": report,
        "period": report.period,
        "form": form,
        "editable": editable,
        "may_manage": can_manage_period(user, report.period),
        "state_badge": STATE_BADGES.get(ReportState(report.state), "text-bg-secondary"),
        "blocks": blocks,
        "totals": totals,
        "sections": _section_lines(
            form,
            narrative,
            posted=posted_text if editable else None,
            missing=state.missing,
            unsaved=state.unsaved,
        ),
        "submissions": submissions,
        "latest": latest,
        "state": state,
        "may_return": may_return,
        "return_form": state.return_form or (ReturnForm() if may_return else None),
        "overdue": report.state != ReportState.SUBMITTED and _today() > report.period.deadline,
    }
    return render_page(request, "reports/report_detail.html", context, status=state.status)


def _fresh(request: HttpRequest, report: Report) -> Report:
    return _found(lambda: selectors.report_get(user=request.user, pk=report.pk))


def _conflict(request: HttpRequest, report: Report, error: ConflictError) -> HttpResponse:
    """A stale form: nothing was saved; the page shows the report as it stands now, and the
    user's text so it can be copied into the fresh form."""
    fresh = _fresh(request, report)
    if fresh.state == ReportState.SUBMITTED:
        # Most often the same form sent twice: the first sending went through.
        messages.info(request, _("This report has already been submitted."))
        return redirect("reports:report", pk=fresh.pk)
    form = services.period_form(fresh.period, fresh)
    state = PageState(
        errors=list(error.messages),
        conflict=True,
        unsaved=posted_narrative(request.POST, form),
        status=409,
    )
    return _report_page(request, fresh, state)


def _save(request: HttpRequest, report: Report) -> Report:
    """Save the posted figures and narrative (raises the service's errors)."""
    form = services.period_form(report.period, report)
    corrections = None if report.is_compiled else posted_corrections(request.POST, report.prefilled)
    return services.report_save(
        request.user,
        report,
        revision=_revision(request),
        corrections=corrections,
        narrative=posted_narrative(request.POST, form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its form for who fills it, read-only for the level above. POST saves a draft."""
    report = _found(lambda: selectors.report_get(user=request.user, pk=pk))
    if request.method == "POST":
        if not can_edit_report(request.user, report):
            raise Http404
        try:
            _save(request, report)
        except ConflictError as error:
            return _conflict(request, report, error)
        except BusinessError as error:
            fresh = _fresh(request, report)
            state = PageState(errors=list(error.messages), posted=request.POST, status=422)
            return _report_page(request, fresh, state)
        messages.success(request, _("The draft is saved."))
        return redirect("reports:report", pk=report.pk)
    if _may_edit(request.user, report) and not report.prefilled and not report.is_compiled:
        services.report_prepare(request.user, report)
        report = _fresh(request, report)
    return _report_page(request, report, PageState())


@require_POST
@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what the form holds, then submit it: an incomplete report names its missing
    sections; a returned report sent back unchanged asks for a confirmation."""
    report = _found(lambda: selectors.report_get(user=request.user, pk=pk))
    if not can_edit_report(request.user, report):
        raise Http404
    try:
        saved = _save(request, report)
    except ConflictError as error:
        return _conflict(request, report, error)
    except BusinessError as error:
        state = PageState(errors=list(error.messages), posted=request.POST, status=422)
        return _report_page(request, _fresh(request, report), state)
    try:
        submission = services.report_submit(
            request.user,
            saved,
            revision=saved.revision,
            confirm_unchanged=request.POST.get("confirm_unchanged") == "1",
        )
    except ConflictError as error:
        return _conflict(request, report, error)
    except BusinessError as error:
        # The draft was saved above: nothing typed is lost.
        fresh = _fresh(request, report)
        state = PageState(
            errors=list(error.messages),
            unchanged=error.code == "unchanged",
            missing=services.missing_sections(fresh) if error.code == "incomplete" else [],
            status=422,
        )
        return _report_page(request, fresh, state)
    if submission.on_time:
        messages.success(
            request, _("The report is submitted (version %(n)s).") % {"n": submission.number}
        )
    else:
        messages.warning(
            request,
            _("The report is submitted (version %(n)s), after the deadline.")
            % {"n": submission.number},
        )
    return redirect("reports:report", pk=report.pk)


@require_POST
@login_required
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the figures from the data again; the corrections and narrative stay."""
    report = _found(lambda: selectors.report_get(user=request.user, pk=pk))
    if not can_edit_report(request.user, report):
        raise Http404
    try:
        services.report_refresh(request.user, report, revision=_revision(request))
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The figures are taken from the data again."))
    return redirect("reports:report", pk=report.pk)


@require_POST
@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner sends a submitted report back with a reason."""
    report = _found(lambda: selectors.report_get(user=request.user, pk=pk))
    if not can_return_report(request.user, report):
        raise Http404
    form = ReturnForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.report_return(
                request.user,
                report,
                revision=_revision(request),
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as error:
            form.add_error(None, error)
            status = 409
        except BusinessError as error:
            form.add_error("reason" if error.code == "reason" else None, error)
        else:
            messages.success(
                request, _("The report is returned to %(unit)s.") % {"unit": report.respondent_name}
            )
            return redirect("reports:report", pk=report.pk)
    fresh = _fresh(request, report)
    return _report_page(request, fresh, PageState(return_form=form, status=status))


# -- versions -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FigureDifference:
    year: str
    label: str
    before: int | None
    after: int | None
    note: str


@dataclasses.dataclass(frozen=True)
class Piece:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclasses.dataclass(frozen=True)
class SectionDifference:
    title: str
    before: list[Piece]
    after: list[Piece]


@dataclasses.dataclass(frozen=True)
class Comparison:
    first: ReportSubmission
    second: ReportSubmission
    figures: list[FigureDifference]
    sections: list[SectionDifference]


def _word_diff(before: str, after: str) -> tuple[list[Piece], list[Piece]]:
    """The two texts in pieces, words removed marked in the first and added in the second."""
    # Words with the spaces after them: a run of changed words is marked as one piece.
    old, new = re.findall(r"\S+\s*|\s+", before), re.findall(r"\S+\s*|\s+", after)
    left: list[Piece] = []
    right: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            text = "".join(old[i1:i2])
            left.append(Piece("same", text))
            right.append(Piece("same", text))
            continue
        if i2 > i1:
            left.append(Piece("removed", "".join(old[i1:i2])))
        if j2 > j1:
            right.append(Piece("added", "".join(new[j1:j2])))
    return left, right


def _label(key: str) -> str:
    figure = FIGURE_BY_KEY.get(key)
    return figure.label if figure is not None else key


def _compare(form: ReportForm, first: ReportSubmission, second: ReportSubmission) -> Comparison:
    order = {figure.key: index for index, figure in enumerate(FIGURE_BY_KEY.values())}
    figures = []
    for year in sorted(set(first.figures) | set(second.figures)):
        before_values = first.figures.get(year, {})
        after_values = second.figures.get(year, {})
        keys = sorted(
            set(before_values) | set(after_values), key=lambda key: order.get(key, len(order))
        )
        for key in keys:
            before, after = before_values.get(key), after_values.get(key)
            if before != after:
                note = second.corrections.get(year, {}).get(key, {}).get("note", "")
                figures.append(FigureDifference(year, _label(key), before, after, str(note)))
    sections = []
    codes = [section.code for section in form.sections]
    codes += sorted((set(first.narrative) | set(second.narrative)) - set(codes))
    for code in codes:
        before_text = first.narrative.get(code, "") or ""
        after_text = second.narrative.get(code, "") or ""
        if before_text.strip() == after_text.strip():
            continue
        section = form.section(code)
        left, right = _word_diff(before_text, after_text)
        title = str(section.title) if section is not None else code
        sections.append(SectionDifference(title=title, before=left, after=right))
    return Comparison(first=first, second=second, figures=figures, sections=sections)


@require_safe
@login_required
def report_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitted versions; `?a=1&b=2` shows what changed from one to the other."""
    report = _found(lambda: selectors.report_get(user=request.user, pk=pk))
    submissions = selectors.submission_list(report)
    by_number = {submission.number: submission for submission in submissions}
    comparison = None
    status = 200
    if "a" in request.GET or "b" in request.GET:
        compare_form = CompareForm(request.GET)
        if compare_form.is_valid():
            first = by_number.get(compare_form.cleaned_data["a"])
            second = by_number.get(compare_form.cleaned_data["b"])
            if first is None or second is None:
                compare_form.add_error(None, _("This report has no such version."))
                status = 404
            else:
                form = services.period_form(report.period, report)
                comparison = _compare(form, first, second)
        else:
            status = 422
    else:
        initial = {}
        if len(submissions) >= 2:
            initial = {"a": submissions[-2].number, "b": submissions[-1].number}
        compare_form = CompareForm(initial=initial)
    context = {
        "report": report,
        "period": report.period,
        "submissions": submissions,
        "compare_form": compare_form,
        "comparison": comparison,
    }
    return render_page(request, "reports/report_versions.html", context, status=status)
