"""The open figures: the dashboard's public indicators for the country, a province or a commune,
as a page (with charts, no JS), as .csv and .xlsx, for anyone without signing in.

Every figure comes from `selectors.open_figures`, the officials' dashboard read for the
public, so the public and the officials never see different numbers. Counts and percentages
only, never a name; the units below are shown for the country (provinces) and a province
(communes), never the hamlets of a commune: a count of a few households could point at a
family. A hamlet, a district or an unknown key answers 404.

The charts are the dashboard's inline SVG (`hoctap.targets.views._bar_chart` and
`_trend_chart`, imported although private so both pages draw the same charts).

The .csv is UTF-8 with a byte-order mark (so Excel reads the diacritics), separated by commas
(RFC 4180, what csv tools read by default) with plain numbers (no thousands separator, a dot
before the decimals): for Excel with Vietnamese settings, the .xlsx holds the same table with
real numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.portal import selectors
from hoctap.portal.caching import public_page
from hoctap.portal.schemas import LICENCE, LICENCE_URL, open_children
from hoctap.portal.selectors import OPEN_LEVELS
from hoctap.targets.forms import year_choices
from hoctap.targets.indicators import INDICATORS, Indicator
from hoctap.targets.selectors import (
    FIRST_YEAR,
    LAST_YEAR,
    Dashboard,
    IndicatorRow,
    TargetInfo,
    UnitRow,
)
from hoctap.targets.views import (
    BarChart,
    ChildLine,
    TrendChart,
    _bar_chart,
    _trend_chart,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheet names (Excel allows 31 characters; plain letters, as the dashboard's export).
FIGURES_SHEET = "So lieu"
ABOUT_SHEET = "Thong tin"
# A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# -- what is asked ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Choice:
    """The unit (None: the country) and year asked for; `error` when the year was refused."""

    unit: AdminUnit | None
    year: int
    error: str = ""

    @property
    def query(self) -> str:
        """?unit=&year= as the page's links carry them."""
        values: dict[str, Any] = {"unit": self.unit.key} if self.unit is not None else {}
        values["year"] = self.year
        return urlencode(values)


def _choice(request: HttpRequest) -> Choice:
    """The unit (404 unless the country, a province or a commune) and the year (this year
    when none or a refused one is given, with the reason)."""
    key = request.GET.get("unit", "").strip()
    try:
        unit = selectors.public_unit_get(key)
    except AdminUnit.DoesNotExist as error:
        raise Http404 from error
    this_year = timezone.localdate().year
    text = request.GET.get("year", "").strip()
    if not text:
        return Choice(unit, this_year)
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return Choice(unit, int(text))
    refused = _("Choose a year from %(first)s to %(last)s.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }
    return Choice(unit, this_year, refused)


def _url(name: str, choice: Choice) -> str:
    return f"{reverse(name)}?{choice.query}"


# -- the page -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Crumb:
    name: str
    url: str | None


def _breadcrumb(unit: AdminUnit | None, year: int) -> list[Crumb]:
    """Country → province (→ commune): the open units above this one, each a link."""
    if unit is None:
        return []
    crumbs = [Crumb(_("Whole country"), _url("portal:figures", Choice(None, year)))]
    above = AdminUnit.objects.filter(path__in=unit.ancestor_paths(), level__in=OPEN_LEVELS)
    for item in above.order_by("level", "path"):
        crumbs.append(Crumb(item.name, _url("portal:figures", Choice(item, year))))
    return crumbs


@dataclasses.dataclass
class IndicatorSection:
    """One indicator on the page: the unit's figure, its trend, and the units below."""

    indicator: Indicator
    row: IndicatorRow
    trend_chart: TrendChart
    lines: list[ChildLine]
    bar_chart: BarChart | None

    @property
    def trend_has_data(self) -> bool:
        """Some year since 2021 has a percentage (else a sentence says so, not an empty chart)."""
        return any(bar.has_data for bar in self.trend_chart.bars)

    @property
    def lines_have_data(self) -> bool:
        return any(line.row.percentage is not None for line in self.lines)


def _sections(board: Dashboard, children: list[UnitRow], year: int) -> list[IndicatorSection]:
    sections = []
    for indicator in INDICATORS:
        lines = [
            ChildLine(
                unit_row=child,
                row=child.row(indicator.code),
                url=_url("portal:figures", Choice(child.unit, year))
                if child.unit is not None and child.unit.level in OPEN_LEVELS
                else None,
            )
            for child in children
        ]
        sections.append(
            IndicatorSection(
                indicator=indicator,
                row=board.summary.row(indicator.code),
                trend_chart=_trend_chart(board, indicator),
                lines=lines,
                bar_chart=_bar_chart(lines),
            )
        )
    return sections


def _years(chosen: int) -> list[int]:
    """The year picker: the programmes' years to next year, and the chosen one if outside."""
    years = [year for year, _label in year_choices()]
    return sorted({*years, chosen})


def _children_level(unit: AdminUnit | None) -> str:
    return _("Provinces") if unit is None else _("Communes")


@require_safe
@public_page
def figures(request: HttpRequest) -> HttpResponse:
    """The open figures of a unit (?unit=, empty: the country) in a year (?year=)."""
    choice = _choice(request)
    board = selectors.open_figures(choice.unit, choice.year)
    children = open_children(board)
    name = board.summary.name
    has_data = board.summary.has_data or any(child.has_data for child in children)
    canonical = request.build_absolute_uri(_url("portal:figures", choice))
    context = {
        "board": board,
        "unit": choice.unit,
        "choice": choice,
        "error": choice.error,
        "years": _years(choice.year),
        "breadcrumb": _breadcrumb(choice.unit, choice.year),
        "children": children,
        "children_level": _children_level(choice.unit),
        "hamlets_hidden": choice.unit is not None and choice.unit.level == Level.COMMUNE,
        "sections": _sections(board, children, choice.year),
        "has_data": has_data,
        "csv_url": _url("portal:figures_csv", choice),
        "xlsx_url": _url("portal:figures_xlsx", choice),
        "json_url": f"{reverse('api:open_figures')}?{choice.query}",
        "indicators_url": reverse("api:open_indicators"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "canonical_url": canonical,
        "page_title": _("Open figures: %(unit)s, %(year)s") % {"unit": name, "year": board.year},
        "page_description": _(
            "The lifelong-learning indicators of %(unit)s in %(year)s against the 2025 and 2030 "
            "targets: counts and percentages, charts, and the data as .csv, .xlsx and JSON."
        )
        % {"unit": name, "year": board.year},
    }
    return render(request, "portal/figures.html", context)


# -- the downloads ------------------------------------------------------------------------------


def table_headings() -> list[str]:
    """The columns of the .csv and .xlsx, in the order of `table_rows`."""
    return [
        _("Unit key"),
        _("Unit"),
        _("Year"),
        _("Indicator code"),
        _("Indicator"),
        _("Numerator"),
        _("Denominator"),
        _("Percentage"),
        _("Target 2025"),
        _("Target 2030"),
        _("Status"),
        _("Numerator from"),
        _("Denominator from"),
        _("Target 2025 set by"),
        _("Target 2030 set by"),
        _("Status code"),
    ]


def _target_value(target: TargetInfo | None) -> Decimal | None:
    return target.value.normalize() if target is not None else None


def _set_by(target: TargetInfo | None) -> str:
    return target.set_by_name if target is not None else ""


def table_rows(board: Dashboard) -> list[list[Any]]:
    """One row per unit shown (the unit, then the open units below) and indicator: numbers as
    int or Decimal, None where there is none (never 0 for "no data")."""
    rows = []
    for unit_row in [board.summary, *open_children(board)]:
        key = unit_row.unit.key if unit_row.unit is not None else ""
        for row in unit_row.indicators:
            figure = row.figure
            rows.append(
                [
                    key,
                    unit_row.name,
                    board.year,
                    row.indicator.code,
                    str(row.indicator.name),
                    figure.numerator,
                    figure.denominator,
                    figure.percentage,
                    _target_value(row.target_2025),
                    _target_value(row.target_2030),
                    row.status_label,
                    str(figure.numerator_origin),
                    str(figure.denominator_origin),
                    _set_by(row.target_2025),
                    _set_by(row.target_2030),
                    row.status,
                ]
            )
    return rows


def _file_name(choice: Choice, extension: str) -> str:
    where = choice.unit.key if choice.unit is not None else "ca-nuoc"
    return f"so-lieu-mo-{where}-{choice.year}.{extension}"


def _download(
    request: HttpRequest, extension: str, content_type: str, write: Callable[[Dashboard], bytes]
) -> HttpResponse:
    choice = _choice(request)
    if choice.error:
        # A download link is made by the page with a valid year: this one was typed by hand.
        return HttpResponseBadRequest(choice.error, content_type="text/plain; charset=utf-8")
    board = selectors.open_figures(choice.unit, choice.year)
    response = HttpResponse(write(board), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, _file_name(choice, extension)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def figures_csv_bytes(board: Dashboard) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark, commas, plain numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table_headings())
    for row in table_rows(board):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def figures_xlsx_bytes(board: Dashboard) -> bytes:
    """The table as .xlsx, real numbers, on the first sheet (the heading on row 1, so it reads
    as a table); the unit, year, time and licence on the second."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    tenths = workbook.add_format({"num_format": "0.0"})
    sheet = workbook.add_worksheet(FIGURES_SHEET)
    for column, label in enumerate(table_headings()):
        sheet.write_string(0, column, label, header)
    for row_index, cells in enumerate(table_rows(board), start=1):
        for column, value in enumerate(cells):
            if value is None:
                sheet.write_blank(row_index, column, None)
            elif isinstance(value, Decimal):
                sheet.write_number(row_index, column, float(value), tenths)
            elif isinstance(value, int):
                sheet.write_number(row_index, column, value)
            else:
                sheet.write_string(row_index, column, value)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 7)
    sheet.set_column(3, 3, 24)
    sheet.set_column(4, 4, 48)
    sheet.set_column(5, 10, 13)
    sheet.set_column(11, 14, 28)
    sheet.freeze_panes(1, 2)
    about = workbook.add_worksheet(ABOUT_SHEET)
    as_of = formats.date_format(timezone.localtime(board.as_of), "d/m/Y H:i")
    facts = [
        (_("Unit"), board.summary.name),
        (_("Year"), str(board.year)),
        (_("Figures as of"), as_of),
        (_("Licence"), f"{LICENCE} ({LICENCE_URL})"),
        *((_("Note"), note) for note in board.notes),
    ]
    for row_index, (label, value) in enumerate(facts):
        about.write_string(row_index, 0, label, header)
        about.write_string(row_index, 1, value)
    about.set_column(0, 0, 18)
    about.set_column(1, 1, 80)
    workbook.close()
    return buffer.getvalue()


@require_safe
@public_page
def figures_csv(request: HttpRequest) -> HttpResponse:
    """The open figures' table as .csv (see the module's docstring for the format)."""
    return _download(request, "csv", "text/csv; charset=utf-8", figures_csv_bytes)


@require_safe
@public_page
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    """The open figures' table as .xlsx."""
    return _download(request, "xlsx", XLSX, figures_xlsx_bytes)
