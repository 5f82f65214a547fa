"""The compiled report of a period as Word (Decree 30/2020/NĐ-CP) and Excel files.

`compiled_docx(compiled)` is the owner's report to print, sign and send up: the owner's
header and the national motto, number and symbol, place and date, "BÁO CÁO" and its subject,
I. the owner's narrative by section of the form, II. the figures summed from the submitted
reports (registered vs recognised per title with "% công nhận/đăng ký", as the association's
statistical forms count; the indicators with numerator, denominator and percentage; the
learning promotion fund), III. the units that did not report, the recipients and the signer
block, and an annex in landscape with the figures of every unit that reported and the totals.
`compiled_xlsx(compiled)` holds the same figures as numbers (sheets "Tổng hợp", "Theo đơn vị",
"Chưa báo cáo") for officials who work on them in Excel.

Like the recognition decision, these are official Vietnamese papers: their fixed wording is
Vietnamese here, and the labels defined elsewhere (indicator names, the form's section titles)
are taken in Vietnamese whatever the reader's interface language. Every figure is the
`Compiled` one (the frozen submissions, summed by `compiling`): a figure nobody gave is "—",
never 0. Both files cost no query beyond `compile_period`'s (given the period with its unit
loaded), whatever the number of units.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.dossier import (
    FONT,
    MOTTO,
    MOTTO_NATION,
    TITLE_NAMES,
    _first_paragraph,
    _layout_table,
    _new_document,
    _paragraph,
    _rule,
    _run,
    _save,
    day_line,
    place_name,
)
from hoctap.core.text import search_key
from hoctap.recognition.documents import PEOPLES_COMMITTEE, date_words
from hoctap.reports.compiling import Compiled, CompiledRow
from hoctap.reports.models import Cadence, Report, ReportingPeriod, ReportState
from hoctap.reports.report_forms import ReportForm
from hoctap.reports.services import period_form
from hoctap.targets.indicators import INDICATORS, Indicator, percentage_of

# The language of the papers (see the module's docstring).
LANGUAGE = "vi"
MISSING = "—"
SUMMARY_SHEET = "Tổng hợp"
UNITS_SHEET = "Theo đơn vị"
MISSING_SHEET = "Chưa báo cáo"
STATE_WORDS: dict[str, str] = {
    ReportState.DRAFT: "Chưa gửi",
    ReportState.SUBMITTED: "Đã gửi",
    ReportState.RETURNED: "Bị trả lại, chưa gửi lại",
}
MINISTRY = "Bộ Giáo dục và Đào tạo"


# -- numbers the Vietnamese way -------------------------------------------------------------


def number_text(value: int | None) -> str:
    """'1.234' (a dot between thousands), '—' when unknown: an unknown figure is never 0."""
    if value is None:
        return MISSING
    return f"{value:,}".replace(",", ".")


def percent_text(value: Decimal | None) -> str:
    """'72,5%' or '100%' (as the dashboards write it), '—' when there is none."""
    if value is None:
        return MISSING
    if value == value.to_integral_value():
        return f"{number_text(int(value))}%"
    return f"{value:,.1f}%".translate(str.maketrans(",.", ".,"))


# -- what the papers say --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Owner:
    """Who reports: the header block, the number's symbol, the place, the signer block."""

    body_lines: tuple[str, ...]
    symbol: str
    place: str
    # The owner inside a sentence: "Ủy ban nhân dân tỉnh Sơn La".
    phrase: str
    recipients: tuple[str, ...]
    signer_lines: tuple[str, ...]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def owner_of(unit: AdminUnit | None) -> Owner:
    """The owner's people's committee (the ministry for a national period)."""
    if unit is None:
        return Owner(
            body_lines=(MINISTRY.upper(),),
            symbol="BGDĐT",
            place="Hà Nội",
            phrase=MINISTRY,
            recipients=(
                "- Thủ tướng Chính phủ (để báo cáo);",
                "- Trung ương Hội Khuyến học Việt Nam;",
                "- UBND các tỉnh, thành phố trực thuộc Trung ương;",
                "- Lưu: VT.",
            ),
            signer_lines=("BỘ TRƯỞNG",),
        )
    if unit.level == Level.PROVINCE:
        recipients: tuple[str, ...] = (
            f"- {MINISTRY} (để báo cáo);",
            "- Trung ương Hội Khuyến học Việt Nam;",
            "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
            "- Sở Giáo dục và Đào tạo;",
            "- Hội Khuyến học tỉnh;",
            "- UBND các xã, phường;",
            "- Lưu: VT.",
        )
    else:
        recipients = (
            "- UBND tỉnh (qua Sở Giáo dục và Đào tạo);",
            "- Hội Khuyến học tỉnh;",
            "- Lưu: VT.",
        )
    return Owner(
        body_lines=(PEOPLES_COMMITTEE, unit.name.upper()),
        symbol="UBND",
        place=place_name(unit),
        phrase=f"Ủy ban nhân dân {_lower_first(unit.name)}",
        recipients=recipients,
        signer_lines=(f"TM. {PEOPLES_COMMITTEE}", "CHỦ TỊCH"),
    )


def subject_line(period: ReportingPeriod) -> str:
    """'Kết quả xây dựng xã hội học tập năm 2025': what the report is about, under "BÁO CÁO"."""
    if period.subject:
        return period.subject
    start, end = period.starts_on.year, period.ends_on.year
    if period.cadence == Cadence.REVIEW_5:
        return f"Sơ kết 5 năm xây dựng xã hội học tập giai đoạn {start}–{end}"
    if period.cadence == Cadence.REVIEW_10:
        return f"Tổng kết 10 năm xây dựng xã hội học tập giai đoạn {start}–{end}"
    if period.cadence == Cadence.SEMIANNUAL:
        half = "đầu" if period.ends_on.month <= 6 else "cuối"
        return f"Kết quả xây dựng xã hội học tập 6 tháng {half} năm {end}"
    return f"Kết quả xây dựng xã hội học tập năm {end}"


@dataclasses.dataclass(frozen=True)
class TitleLine:
    """One title in one year: registered and recognised, summed over the reports."""

    title: str
    name: str
    registered: int | None
    recognised: int | None
    percentage: Decimal | None  # recognised / registered
    given: int  # reports that gave the recognised figure


@dataclasses.dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    numerator: int | None
    denominator: int | None
    percentage: Decimal | None
    given: int  # reports that gave both figures


@dataclasses.dataclass(frozen=True)
class YearSummary:
    year: str
    titles: tuple[TitleLine, ...]
    indicators: tuple[IndicatorLine, ...]
    fund: int | None
    fund_given: int


@dataclasses.dataclass(frozen=True)
class Layout:
    """What the period's form carries: its titles, indicators and whether it has the fund."""

    form: ReportForm
    titles: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    has_fund: bool


def layout_of(period: ReportingPeriod) -> Layout:
    """The titles, indicators and fund of the period's form, in the form's order."""
    form = period_form(period)
    keys = {figure.key for figure in form.figures}
    titles = tuple(
        figure.key.partition(".")[2]
        for figure in form.figures
        if figure.key.startswith("registered.")
    )
    indicators = tuple(
        indicator for indicator in INDICATORS if f"numerator.{indicator.code}" in keys
    )
    return Layout(form=form, titles=titles, indicators=indicators, has_fund="fund" in keys)


def year_summaries(compiled: Compiled, layout: Layout) -> list[YearSummary]:
    """The totals of every year of the period, title by title and indicator by indicator."""
    summaries: list[YearSummary] = []
    for year in compiled.years:
        totals = compiled.totals.get(year, {})
        given = compiled.given.get(year, {})
        percentages = compiled.percentages(year)
        titles = tuple(
            TitleLine(
                title=title,
                name=TITLE_NAMES.get(title, title),
                registered=totals.get(f"registered.{title}"),
                recognised=totals.get(f"recognised.{title}"),
                percentage=percentage_of(
                    totals.get(f"recognised.{title}"), totals.get(f"registered.{title}")
                ),
                given=given.get(f"recognised.{title}", 0),
            )
            for title in layout.titles
        )
        indicators = tuple(
            IndicatorLine(
                code=indicator.code,
                name=str(indicator.name),
                numerator=totals.get(f"numerator.{indicator.code}"),
                denominator=totals.get(f"denominator.{indicator.code}"),
                percentage=percentages.get(indicator.code),
                given=given.get(f"numerator.{indicator.code}", 0),
            )
            for indicator in layout.indicators
        )
        summaries.append(
            YearSummary(
                year=year,
                titles=titles,
                indicators=indicators,
                fund=totals.get("fund"),
                fund_given=given.get("fund", 0),
            )
        )
    return summaries


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _coverage(compiled: Compiled) -> str:
    return (
        f"Số liệu tổng hợp từ báo cáo đã gửi của {len(compiled.submitted)}/{len(compiled.rows)} "
        "đơn vị (số liệu đã chốt khi gửi); “—” là không có số liệu, không phải số 0."
    )


def _unit_code(report: Report) -> str:
    """The unit's official code; an agency has none."""
    unit = report.unit
    return unit.key if unit is not None and report.organisation_id is None else ""


def _missing_line(row: CompiledRow) -> str:
    state = STATE_WORDS.get(row.report.state, row.report.state)
    reason = row.report.return_reason.strip() if row.report.state == ReportState.RETURNED else ""
    return f"{row.name} ({_lower_first(state)}{': ' + reason if reason else ''})"


# -- Word -----------------------------------------------------------------------------------

# Landscape A4 for the annex: the table of units is 2 + 2 × titles columns wide.
ANNEX_WIDTH_CM = 25.7
TABLE_SIZE = 11
ANNEX_SIZE = 9


def _cell(cell: Any, text: str, *, bold: bool = False, center: bool = True, size: float) -> None:
    """Text in a table cell. The table style is already Times New Roman (`_new_document`), so
    unlike `dossier._run` no font is set per run: the annex has thousands of cells."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = _first_paragraph(cell)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    if bold:
        run.bold = True


def _grid(
    document: Any, widths: list[float], header: list[str], rows: list[list[str]], size: float
) -> Any:
    """A bordered table: a header row, then rows whose first two cells are STT and a name."""
    table = _sized_table(document, widths, 1 + len(rows))
    for row_index, row in enumerate(table.rows):
        values = header if row_index == 0 else rows[row_index - 1]
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, value, bold=row_index == 0, center=row_index == 0 or index != 1, size=size)
    _repeat_header(table, 1)
    return table


def _sized_table(document: Any, widths: list[float], rows: int) -> Any:
    """A bordered table with fixed column widths: on the cells for Word, on the grid for
    LibreOffice. Set before any merge, which adds up the widths of the cells it joins."""
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def _repeat_header(table: Any, count: int) -> None:
    """Print the first `count` rows again on every page the table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in table.rows[:count]:
        marker = OxmlElement("w:tblHeader")
        marker.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(marker)


def _header(document: Any, owner: Owner, on: datetime.date) -> None:
    """Issuing body | national motto; number | place and date (Decree 30, appendix I)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    left_width, right_width = 6.5, 9.5
    table = _layout_table(document, (left_width, right_width), rows=2)
    left, right = table.rows[0].cells
    first = _first_paragraph(left)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = list(owner.body_lines)
    _run(first, lines[0], bold=len(lines) == 1, size=13)
    for line in lines[1:]:
        _paragraph(left, line, bold=True, size=13, center=True)
    _rule(left, left_width, 2.0)
    motto = _first_paragraph(right)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, MOTTO_NATION, bold=True, size=13)
    _paragraph(right, MOTTO, bold=True, size=14, center=True)
    _rule(right, right_width, 5.5)
    number, day = table.rows[1].cells
    for cell, line, italic in (
        (number, f"Số:        /BC-{owner.symbol}", False),
        (day, day_line(owner.place, on), True),
    ):
        paragraph = _first_paragraph(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line, italic=italic, size=13)


def _footer(document: Any, owner: Owner) -> None:
    """'Nơi nhận' on the left, the signer block on the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _paragraph(document)
    table = _layout_table(document, (7.5, 8.5))
    recipients, signer = table.rows[0].cells
    _run(_first_paragraph(recipients), "Nơi nhận:", bold=True, italic=True, size=12)
    for line in owner.recipients:
        _paragraph(recipients, line, size=11)
    first = _first_paragraph(signer)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(first, owner.signer_lines[0], bold=True, size=14)
    for line in owner.signer_lines[1:]:
        _paragraph(signer, line, bold=True, size=14, center=True)
    _paragraph(signer, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12, center=True)
    for _ in range(3):  # room for the signature and the seal
        _paragraph(signer)


def _narrative(document: Any, compiled: Compiled, layout: Layout) -> None:
    narrative = compiled.own.narrative if compiled.own is not None else {}
    number = 0
    for section in layout.form.sections:
        lines = _lines(narrative.get(section.code, ""))
        if not lines and not section.required:
            continue
        number += 1
        _paragraph(document, f"{number}. {section.title}", bold=True, size=14)
        for line in lines or [MISSING]:
            _paragraph(document, line, size=14, justify=True, first_line=True)


def _year_caption(document: Any, summary: YearSummary, several: bool) -> None:
    if several:
        _paragraph(document, f"Năm {summary.year}", bold=True, italic=True, size=13)


def _figures(document: Any, compiled: Compiled, layout: Layout) -> list[YearSummary]:
    summaries = year_summaries(compiled, layout)
    several = len(summaries) > 1
    _paragraph(document, _coverage(compiled), size=14, justify=True, first_line=True)
    part = 0
    if layout.titles:
        part += 1
        _paragraph(document, f"{part}. Kết quả đăng ký, công nhận danh hiệu", bold=True, size=14)
        for summary in summaries:
            _year_caption(document, summary, several)
            _grid(
                document,
                [1.0, 5.8, 2.3, 2.5, 2.4, 2.0],
                [
                    "STT",
                    "Danh hiệu",
                    "Số đăng ký",
                    "Số được công nhận",
                    "% công nhận/đăng ký",
                    "Số đơn vị có số liệu",
                ],
                [
                    [
                        str(index),
                        line.name,
                        number_text(line.registered),
                        number_text(line.recognised),
                        percent_text(line.percentage),
                        number_text(line.given),
                    ]
                    for index, line in enumerate(summary.titles, start=1)
                ],
                TABLE_SIZE,
            )
    if layout.indicators:
        part += 1
        _paragraph(document, f"{part}. Kết quả thực hiện các chỉ tiêu", bold=True, size=14)
        for summary in summaries:
            _year_caption(document, summary, several)
            _grid(
                document,
                [1.0, 7.0, 2.1, 2.1, 1.8, 2.0],
                ["STT", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Số đơn vị có số liệu"],
                [
                    [
                        str(index),
                        line.name,
                        number_text(line.numerator),
                        number_text(line.denominator),
                        percent_text(line.percentage),
                        number_text(line.given),
                    ]
                    for index, line in enumerate(summary.indicators, start=1)
                ],
                TABLE_SIZE,
            )
    if layout.has_fund:
        part += 1
        _paragraph(document, f"{part}. Quỹ khuyến học huy động", bold=True, size=14)
        for summary in summaries:
            amount = (
                f"{number_text(summary.fund)} đồng ({summary.fund_given} đơn vị báo cáo)"
                if summary.fund is not None
                else f"{MISSING} (chưa đơn vị nào báo cáo)"
            )
            _paragraph(
                document, f"Năm {summary.year}: {amount}.", size=14, justify=True, first_line=True
            )
    if layout.titles:
        part += 1
        _paragraph(document, f"{part}. Số liệu của từng đơn vị", bold=True, size=14)
        _paragraph(
            document,
            "Số đăng ký và số được công nhận danh hiệu của từng đơn vị đã gửi báo cáo: "
            "Phụ lục kèm theo Báo cáo này.",
            size=14,
            justify=True,
            first_line=True,
        )
    return summaries


def _missing(document: Any, compiled: Compiled) -> None:
    missing = compiled.missing
    if not missing:
        _paragraph(
            document,
            f"Tất cả {len(compiled.rows)} đơn vị đã gửi báo cáo.",
            size=14,
            justify=True,
            first_line=True,
        )
        return
    _paragraph(
        document,
        f"Có {len(missing)}/{len(compiled.rows)} đơn vị chưa gửi báo cáo (không được tính "
        "vào số liệu tổng hợp):",
        size=14,
        justify=True,
        first_line=True,
    )
    for index, row in enumerate(missing, start=1):
        _paragraph(document, f"{index}. {_missing_line(row)}.", size=14, first_line=True)


def _unit_rows(compiled: Compiled, layout: Layout, year: str) -> Iterator[list[str]]:
    for index, row in enumerate(compiled.submitted, start=1):
        values = row.figures.get(year, {})
        cells = [str(index), row.name]
        for title in layout.titles:
            cells.append(number_text(values.get(f"registered.{title}")))
            cells.append(number_text(values.get(f"recognised.{title}")))
        yield cells


def _annex(
    document: Any,
    compiled: Compiled,
    layout: Layout,
    owner: Owner,
    on: datetime.date,
    summaries: list[YearSummary],
) -> None:
    """The figures of every unit that reported, with the totals, on landscape pages."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(2), Cm(2)
    _paragraph(document, "PHỤ LỤC", bold=True, size=14, center=True)
    _paragraph(
        document,
        "SỐ LIỆU ĐĂNG KÝ, CÔNG NHẬN DANH HIỆU CỦA TỪNG ĐƠN VỊ",
        bold=True,
        size=14,
        center=True,
    )
    _paragraph(
        document,
        f"(Kèm theo Báo cáo số       /BC-{owner.symbol} {date_words(on)} của {owner.phrase})",
        italic=True,
        size=13,
        center=True,
    )
    name_width = 4.7
    title_width = (ANNEX_WIDTH_CM - 1.0 - name_width) / (2 * len(layout.titles))
    widths = [1.0, name_width] + [title_width] * (2 * len(layout.titles))
    for summary in summaries:
        _year_caption(document, summary, len(summaries) > 1)
        rows = list(_unit_rows(compiled, layout, summary.year))
        totals = ["", f"Tổng cộng ({len(rows)} đơn vị)"]
        for line in summary.titles:
            totals += [number_text(line.registered), number_text(line.recognised)]
        table = _units_table(document, widths, layout, [*rows, totals])
        for cell in table.rows[-1].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    _paragraph(document, "ĐK: số đăng ký; CN: số được công nhận.", italic=True, size=12)


def _units_table(document: Any, widths: list[float], layout: Layout, rows: list[list[str]]) -> Any:
    """STT | Đơn vị | for each title: ĐK, CN (the title's name over both)."""
    table = _sized_table(document, widths, 2 + len(rows))
    top, second = table.rows[0].cells, table.rows[1].cells
    for index in range(2):
        merged = top[index].merge(second[index])
        _cell(merged, ("STT", "Đơn vị")[index], bold=True, size=ANNEX_SIZE)
    for position, title in enumerate(layout.titles):
        first = 2 + 2 * position
        merged = top[first].merge(top[first + 1])
        _cell(merged, TITLE_NAMES.get(title, title), bold=True, size=ANNEX_SIZE)
        _cell(second[first], "ĐK", bold=True, size=ANNEX_SIZE)
        _cell(second[first + 1], "CN", bold=True, size=ANNEX_SIZE)
    for row, values in zip(table.rows[2:], rows, strict=True):
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, value, center=index != 1, size=ANNEX_SIZE)
    _repeat_header(table, 2)
    return table


def compiled_docx(compiled: Compiled, *, on: datetime.date | None = None) -> bytes:
    """The owner's compiled report (Decree 30 layout) with the annex of units; dated `on`
    (today by default)."""
    on = on or timezone.localdate()
    period = compiled.period
    owner = owner_of(period.unit)
    subject = subject_line(period)
    with translation.override(LANGUAGE):
        layout = layout_of(period)
        document = _new_document()
        _header(document, owner, on)
        _paragraph(document)
        _paragraph(document, "BÁO CÁO", bold=True, size=14, center=True)
        _paragraph(document, subject, bold=True, size=14, center=True)
        _rule(document, 16.0, 3.0)
        _paragraph(document)
        about = f"về “{subject}”" if period.subject else _lower_first(subject)
        _paragraph(
            document,
            f"{owner.phrase} báo cáo {about} như sau:",
            size=14,
            justify=True,
            first_line=True,
        )
        _paragraph(document, "I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN", bold=True, size=14)
        _narrative(document, compiled, layout)
        _paragraph(document, "II. SỐ LIỆU TỔNG HỢP", bold=True, size=14)
        summaries = _figures(document, compiled, layout)
        _paragraph(document, "III. CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO", bold=True, size=14)
        _missing(document, compiled)
        _paragraph(
            document,
            f"Trên đây là báo cáo {about} của {owner.phrase}./.",
            size=14,
            justify=True,
            first_line=True,
        )
        _footer(document, owner)
        if layout.titles:
            _annex(document, compiled, layout, owner, on, summaries)
        return _save(document)


# -- Excel ----------------------------------------------------------------------------------


class _Formats:
    """The workbook's cell formats, Times New Roman like the Word file."""

    def __init__(self, workbook: Any) -> None:
        def add(**properties: Any) -> Any:
            return workbook.add_format({"font_name": FONT, "font_size": 12, **properties})

        cell = {"border": 1, "valign": "top"}
        self.title = add(bold=True, font_size=14)
        self.bold = add(bold=True)
        self.italic = add(italic=True)
        self.header = add(
            bold=True,
            bg_color="#DDEBF7",
            border=1,
            text_wrap=True,
            align="center",
            valign="vcenter",
        )
        self.group = add(bold=True, bg_color="#F2F2F2", border=1)
        self.text = add(text_wrap=True, **cell)
        self.count = add(num_format="#,##0", **cell)
        self.percent = add(num_format="0.0%", **cell)
        self.missing = add(align="center", **cell)
        self.moment = add(num_format="dd/mm/yyyy hh:mm", align="center", **cell)
        self.centered = add(align="center", **cell)
        self.total_text = add(bold=True, text_wrap=True, **cell)
        self.total_count = add(bold=True, num_format="#,##0", **cell)
        self.total_missing = add(bold=True, align="center", **cell)


def _write_count(sheet: Any, row: int, column: int, value: int | None, formats: _Formats) -> None:
    if value is None:
        sheet.write_string(row, column, MISSING, formats.missing)
    else:
        sheet.write_number(row, column, value, formats.count)


def _write_percent(
    sheet: Any, row: int, column: int, value: Decimal | None, formats: _Formats
) -> None:
    # A fraction with a percent format: what Excel computes with, shown as "72,5%".
    if value is None:
        sheet.write_string(row, column, MISSING, formats.missing)
    else:
        sheet.write_number(row, column, float(value) / 100, formats.percent)


def _sheet_heading(sheet: Any, owner: Owner, title: str, note: str, formats: _Formats) -> None:
    sheet.write_string(0, 0, " ".join(owner.body_lines), formats.bold)
    sheet.write_string(1, 0, title, formats.title)
    sheet.write_string(2, 0, note, formats.italic)


def _summary_sheet(
    workbook: Any,
    compiled: Compiled,
    layout: Layout,
    owner: Owner,
    subject: str,
    on: datetime.date,
    formats: _Formats,
) -> None:
    """Rows: titles, indicators, fund; a group of four columns per year."""
    sheet = workbook.add_worksheet(SUMMARY_SHEET)
    summaries = year_summaries(compiled, layout)
    _sheet_heading(
        sheet,
        owner,
        f"BÁO CÁO: {subject}",
        f"{_coverage(compiled)} Lập ngày {on:%d/%m/%Y}.",
        formats,
    )
    sheet.write_string(4, 0, "Nội dung", formats.header)
    for index, summary in enumerate(summaries):
        first = 1 + 4 * index
        sheet.merge_range(4, first, 4, first + 3, f"Năm {summary.year}", formats.header)
    row = 5

    def headings(label: str, columns: tuple[str, str, str, str]) -> None:
        nonlocal row
        sheet.write_string(row, 0, label, formats.group)
        for index in range(len(summaries)):
            for offset, text in enumerate(columns):
                sheet.write_string(row, 1 + 4 * index + offset, text, formats.header)
        row += 1

    if layout.titles:
        headings(
            "Danh hiệu",
            ("Số đăng ký", "Số được công nhận", "% công nhận/đăng ký", "Số đơn vị có số liệu"),
        )
        for position, title in enumerate(layout.titles):
            sheet.write_string(row, 0, TITLE_NAMES.get(title, title), formats.text)
            for index, summary in enumerate(summaries):
                line = summary.titles[position]
                first = 1 + 4 * index
                _write_count(sheet, row, first, line.registered, formats)
                _write_count(sheet, row, first + 1, line.recognised, formats)
                _write_percent(sheet, row, first + 2, line.percentage, formats)
                sheet.write_number(row, first + 3, line.given, formats.count)
            row += 1
        row += 1
    if layout.indicators:
        headings("Chỉ tiêu", ("Tử số", "Mẫu số", "Tỷ lệ (%)", "Số đơn vị có số liệu"))
        for position, indicator in enumerate(layout.indicators):
            sheet.write_string(row, 0, str(indicator.name), formats.text)
            for index, summary in enumerate(summaries):
                item = summary.indicators[position]
                first = 1 + 4 * index
                _write_count(sheet, row, first, item.numerator, formats)
                _write_count(sheet, row, first + 1, item.denominator, formats)
                _write_percent(sheet, row, first + 2, item.percentage, formats)
                sheet.write_number(row, first + 3, item.given, formats.count)
            row += 1
        row += 1
    if layout.has_fund:
        headings("Quỹ khuyến học", ("Số tiền (đồng)", "", "", "Số đơn vị có số liệu"))
        sheet.write_string(row, 0, "Quỹ khuyến học huy động (đồng)", formats.text)
        for index, summary in enumerate(summaries):
            first = 1 + 4 * index
            _write_count(sheet, row, first, summary.fund, formats)
            sheet.write_blank(row, first + 1, None, formats.text)
            sheet.write_blank(row, first + 2, None, formats.text)
            sheet.write_number(row, first + 3, summary.fund_given, formats.count)
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 4 * len(summaries), 14)
    sheet.set_row(4, 20)
    sheet.freeze_panes(5, 1)


def _units_sheet(
    workbook: Any,
    compiled: Compiled,
    layout: Layout,
    owner: Owner,
    subject: str,
    formats: _Formats,
) -> None:
    """One row per respondent and year with its submitted figures; a totals row per year."""
    sheet = workbook.add_worksheet(UNITS_SHEET)
    _sheet_heading(
        sheet,
        owner,
        f"Số liệu của từng đơn vị — {subject}",
        f"{_coverage(compiled)} Hạn gửi: {compiled.period.deadline:%d/%m/%Y}.",
        formats,
    )
    info = ("STT", "Năm", "Đơn vị", "Mã", "Trạng thái", "Gửi lúc", "Đúng hạn", "Phiên bản")
    for column, text in enumerate(info):
        sheet.merge_range(4, column, 5, column, text, formats.header)
    pairs: list[tuple[str, tuple[str, str], tuple[str, str]]] = [
        (
            TITLE_NAMES.get(title, title),
            (f"registered.{title}", f"recognised.{title}"),
            ("Đăng ký", "Công nhận"),
        )
        for title in layout.titles
    ]
    pairs += [
        (
            str(indicator.name),
            (f"numerator.{indicator.code}", f"denominator.{indicator.code}"),
            ("Tử số", "Mẫu số"),
        )
        for indicator in layout.indicators
    ]
    keys: list[str] = []
    column = len(info)
    for name, pair, labels in pairs:
        sheet.merge_range(4, column, 4, column + 1, name, formats.header)
        sheet.write_string(5, column, labels[0], formats.header)
        sheet.write_string(5, column + 1, labels[1], formats.header)
        keys += pair
        column += 2
    if layout.has_fund:
        sheet.merge_range(4, column, 5, column, "Quỹ khuyến học (đồng)", formats.header)
        keys.append("fund")
    first_figure = len(info)
    row = 6
    for year in compiled.years:
        for index, compiled_row in enumerate(compiled.rows, start=1):
            report, submission = compiled_row.report, compiled_row.submission
            sheet.write_number(row, 0, index, formats.centered)
            sheet.write_string(row, 1, year, formats.centered)
            sheet.write_string(row, 2, compiled_row.name, formats.text)
            sheet.write_string(row, 3, _unit_code(report), formats.centered)
            sheet.write_string(row, 4, STATE_WORDS.get(report.state, report.state), formats.text)
            if submission is not None:
                moment = timezone.localtime(submission.submitted_at).replace(tzinfo=None)
                sheet.write_datetime(row, 5, moment, formats.moment)
                on_time = "Đúng hạn" if submission.on_time else "Trễ hạn"
                sheet.write_string(row, 6, on_time, formats.centered)
                sheet.write_number(row, 7, submission.number, formats.centered)
            else:
                for column in (5, 6, 7):
                    sheet.write_string(row, column, MISSING, formats.missing)
            values = compiled_row.figures.get(year, {})
            for offset, key in enumerate(keys):
                _write_count(sheet, row, first_figure + offset, values.get(key), formats)
            row += 1
        totals = compiled.totals.get(year, {})
        sheet.write_blank(row, 0, None, formats.total_text)
        sheet.write_string(row, 1, year, formats.total_text)
        sheet.write_string(
            row, 2, f"Tổng cộng ({len(compiled.submitted)} đơn vị đã gửi)", formats.total_text
        )
        for column in range(3, first_figure):
            sheet.write_blank(row, column, None, formats.total_text)
        for offset, key in enumerate(keys):
            value = totals.get(key)
            if value is None:
                sheet.write_string(row, first_figure + offset, MISSING, formats.total_missing)
            else:
                sheet.write_number(row, first_figure + offset, value, formats.total_count)
        row += 2
    sheet.set_column(0, 1, 7)
    sheet.set_column(2, 2, 32)
    sheet.set_column(3, 3, 10)
    sheet.set_column(4, 4, 20)
    sheet.set_column(5, 5, 17)
    sheet.set_column(6, 7, 10)
    sheet.set_column(first_figure, first_figure + len(keys) - 1, 13)
    sheet.set_row(4, 75)
    sheet.freeze_panes(6, 3)


def _missing_sheet(
    workbook: Any, compiled: Compiled, owner: Owner, subject: str, formats: _Formats
) -> None:
    sheet = workbook.add_worksheet(MISSING_SHEET)
    missing = compiled.missing
    _sheet_heading(
        sheet,
        owner,
        f"Các đơn vị chưa gửi báo cáo — {subject}",
        f"{len(missing)}/{len(compiled.rows)} đơn vị; hạn gửi: "
        f"{compiled.period.deadline:%d/%m/%Y}.",
        formats,
    )
    for column, text in enumerate(("STT", "Đơn vị", "Mã", "Trạng thái", "Lý do trả lại")):
        sheet.write_string(4, column, text, formats.header)
    for row, compiled_row in enumerate(missing, start=5):
        report = compiled_row.report
        sheet.write_number(row, 0, row - 4, formats.centered)
        sheet.write_string(row, 1, compiled_row.name, formats.text)
        code = _unit_code(report)
        sheet.write_string(row, 2, code, formats.centered)
        sheet.write_string(row, 3, STATE_WORDS.get(report.state, report.state), formats.text)
        reason = report.return_reason if report.state == ReportState.RETURNED else ""
        sheet.write_string(row, 4, reason, formats.text)
    if not missing:
        sheet.write_string(5, 1, "Tất cả các đơn vị đã gửi báo cáo.", formats.italic)
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 24)
    sheet.set_column(4, 4, 50)
    sheet.freeze_panes(5, 0)


def compiled_xlsx(compiled: Compiled, *, on: datetime.date | None = None) -> bytes:
    """The compiled figures as a workbook: "Tổng hợp", "Theo đơn vị", "Chưa báo cáo"."""
    import xlsxwriter

    on = on or timezone.localdate()
    period = compiled.period
    owner = owner_of(period.unit)
    subject = subject_line(period)
    buffer = io.BytesIO()
    with translation.override(LANGUAGE):
        layout = layout_of(period)
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        formats = _Formats(workbook)
        _summary_sheet(workbook, compiled, layout, owner, subject, on, formats)
        _units_sheet(workbook, compiled, layout, owner, subject, formats)
        _missing_sheet(workbook, compiled, owner, subject, formats)
        workbook.close()
    return buffer.getvalue()


# -- downloads ------------------------------------------------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str, limit: int = 60) -> str:
    return _SLUG.sub("-", search_key(text)).strip("-")[:limit].strip("-")


def compiled_filename(period: ReportingPeriod, extension: str) -> str:
    """'bao-cao-tong-hop-2025-tinh-son-la.docx': ASCII only, safe in any download header."""
    end = period.ends_on.year
    if period.cadence in (Cadence.REVIEW_5, Cadence.REVIEW_10):
        when = f"{period.starts_on.year}-{end}"
    elif period.cadence == Cadence.SEMIANNUAL:
        when = f"6-thang-{'dau' if period.ends_on.month <= 6 else 'cuoi'}-nam-{end}"
    elif period.subject:
        when = f"{_slug(period.subject, 40)}-{end}".strip("-")
    else:
        when = str(end)
    owner = _slug(period.unit.name) if period.unit is not None else "ca-nuoc"
    suffix = _slug(extension, 8) or "bin"
    return f"bao-cao-tong-hop-{when}-{owner}.{suffix}"
