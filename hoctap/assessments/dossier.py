"""The dossier of an assessment (TT 24/2023 and TT 25/2023): the self-assessment report and the
summary table of criteria and indicators, as Word and Excel files.

The documents are official Vietnamese papers, so their text is Vietnamese here rather than
translated, and the report follows Decree 30/2020/NĐ-CP: issuing body top left, the national
motto top right, number and symbol, the place and date line, Times New Roman 13 pt, the
recipients ("Nơi nhận") and the signer block. Every figure comes from the stored scores and the
criteria set the assessment was registered under; the result is worked out by the engine.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.models import Assessment, Evidence, Score, State, Title
from hoctap.core.services import audit_event_record
from hoctap.core.text import search_key
from hoctap.criteria import engine
from hoctap.criteria.selectors import criteria_set_for

FONT = "Times New Roman"
MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

TITLE_NAMES: dict[str, str] = {
    Title.LEARNING_CITIZEN: "Công dân học tập",
    Title.LEARNING_FAMILY: "Gia đình học tập",
    Title.LEARNING_CLAN: "Dòng họ học tập",
    Title.LEARNING_COMMUNITY_HAMLET: "Cộng đồng học tập cấp thôn",
    Title.LEARNING_COMMUNITY_COMMUNE: "Cộng đồng học tập cấp xã",
    Title.LEARNING_UNIT_COMMUNE: "Đơn vị học tập cấp xã",
    Title.LEARNING_UNIT_PROVINCE: "Đơn vị học tập cấp tỉnh",
}
STATE_NAMES: dict[str, str] = {
    State.REGISTERED: "Đã đăng ký",
    State.SUBMITTED: "Đã nộp",
    State.REVIEWED: "Đã xét",
    State.APPRAISED: "Đã thẩm định",
    State.PROPOSED: "Đã đề nghị công nhận",
    State.RETURNED: "Trả lại để bổ sung",
    State.REJECTED: "Không công nhận",
    State.RECOGNISED: "Đã công nhận",
    State.REVOKED: "Đã thu hồi công nhận",
}
DOCUMENTS = ("report.docx", "summary.docx", "summary.xlsx")
_UNIT_PREFIXES = re.compile(r"^(xã|phường|thị trấn|đặc khu|thị xã|thành phố|tỉnh)\s+", re.I)


# -- what the documents say -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class IndicatorRow:
    criterion: engine.Criterion
    indicator: engine.Indicator
    text: str
    requirements: tuple[str, ...]  # one per requirement column
    answer: str
    evidence_count: int
    note: str


@dataclasses.dataclass(frozen=True)
class Dossier:
    assessment: Assessment
    criteria_set: engine.CriteriaSet
    rows: tuple[IndicatorRow, ...]
    requirement_headers: tuple[str, ...]
    result: engine.Result | None
    issuer_parent: str
    issuer: str
    symbol: str
    place: str
    date: datetime.date


def _number(value: float | Any) -> str:
    """A number the Vietnamese way: 7,5 and 100 (no trailing zeros)."""
    return f"{float(value):g}".replace(".", ",")


def day_line(place: str, day: datetime.date) -> str:
    """'Nông Cống, ngày 05 tháng 12 năm 2026': Decree 30 pads days below 10 and months below 3."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(unit: AdminUnit) -> str:
    """The unit's name without its kind: 'Xã Nông Cống' -> 'Nông Cống'."""
    return _UNIT_PREFIXES.sub("", unit.short_name or unit.name).strip() or unit.name


def _upper_unit(unit: AdminUnit) -> str:
    return unit.name.upper()


def _issuer(assessment: Assessment) -> tuple[str, str, str]:
    """(parent body, issuing body, symbol) for the top-left block and the number line."""
    commune = assessment.commune
    people_committee = f"UBND {_upper_unit(commune)}"
    if assessment.unit is not None and assessment.unit.level == Level.COMMUNE:
        return "", people_committee, "UBND"
    if assessment.organisation is not None:
        name = assessment.organisation.name.upper()
        initials = "".join(word[0] for word in search_key(name).split() if word).upper()
        return people_committee, name, initials[:8] or "DV"
    if assessment.unit is not None:  # a hamlet
        return people_committee, _upper_unit(assessment.unit), "BCĐ"
    hamlet = getattr(assessment.subject, "hamlet", None)
    if hamlet is not None:
        return people_committee, f"CHI HỘI KHUYẾN HỌC {_upper_unit(hamlet)}", "CHKH"
    return "", people_committee, "UBND"


def _requirement_columns(criteria_set: engine.CriteriaSet) -> tuple[str, ...]:
    if criteria_set.levels and criteria_set.mode == "checklist":
        return tuple(f"Yêu cầu {level.name}" for level in criteria_set.levels)
    return ("Điểm tối đa",)


def _requirements(criteria_set: engine.CriteriaSet, indicator: engine.Indicator) -> tuple[str, ...]:
    if criteria_set.levels and criteria_set.mode == "checklist":
        cells = []
        for level in criteria_set.levels:
            if level.code not in indicator.levels:
                cells.append("")
            elif level.code in indicator.thresholds:
                cells.append(f"≥ {_number(indicator.thresholds[level.code])}")
            else:
                cells.append("Bắt buộc")
        return tuple(cells)
    return (_number(indicator.max_points) if indicator.max_points is not None else "",)


def _answer(
    criteria_set: engine.CriteriaSet,
    indicator: engine.Indicator,
    score: Score | None,
    result: engine.Result | None,
) -> str:
    if score is None:
        return "Chưa đánh giá"
    if indicator.computed is not None or indicator.thresholds:
        value = score.computed_value if score.computed_value is not None else score.points
        if value is None:
            return "Chưa tính"
        unit = "%" if indicator.computed is None or indicator.computed.unit == "percent" else ""
        shown = f"{_number(value)}{unit}"
        if criteria_set.mode == "points" and result is not None and indicator.code in result.points:
            shown += f" ({_number(result.points[indicator.code])} điểm)"
        return shown
    if criteria_set.mode == "points":
        if score.points is None:
            return "Chưa đánh giá"
        maximum = f"/{_number(indicator.max_points)}" if indicator.max_points is not None else ""
        return f"{_number(score.points)}{maximum} điểm"
    if score.met is None:
        return "Chưa đánh giá"
    return "Đạt" if score.met else "Không đạt"


def _answers(scores: Iterable[Score]) -> dict[str, engine.Answer]:
    answers: dict[str, engine.Answer] = {}
    for score in scores:
        if score.computed_value is not None:
            answers[score.indicator] = float(score.computed_value)
        elif score.points is not None:
            answers[score.indicator] = float(score.points)
        else:
            answers[score.indicator] = score.met
    return answers


def dossier_data(assessment: Assessment, *, on: datetime.date | None = None) -> Dossier:
    """Everything the documents show, read in a handful of queries."""
    criteria_set = criteria_set_for(
        assessment.criteria_code, assessment.commune, datetime.date(assessment.year, 1, 1)
    )
    scores = {score.indicator: score for score in Score.objects.filter(assessment=assessment)}
    evidence = dict(
        Evidence.objects.filter(assessment=assessment)
        .values("indicator")
        .annotate(count=Count("id"))
        .values_list("indicator", "count")
    )
    result: engine.Result | None
    try:
        result = engine.score(criteria_set, _answers(scores.values()))
    except engine.AnswerError:
        # Scores stored under an older version of the set: the table still shows them.
        result = None
    rows = []
    for criterion in criteria_set.criteria:
        for indicator in criterion.indicators:
            score = scores.get(indicator.code)
            text = indicator.text_for(assessment.variant)
            if indicator.not_public:
                text += " [lời văn chưa công bố công khai]"
            rows.append(
                IndicatorRow(
                    criterion=criterion,
                    indicator=indicator,
                    text=text,
                    requirements=_requirements(criteria_set, indicator),
                    answer=_answer(criteria_set, indicator, score, result),
                    evidence_count=evidence.get(indicator.code, 0),
                    note=score.note if score is not None else "",
                )
            )
    parent, issuer, symbol = _issuer(assessment)
    return Dossier(
        assessment=assessment,
        criteria_set=criteria_set,
        rows=tuple(rows),
        requirement_headers=_requirement_columns(criteria_set),
        result=result,
        issuer_parent=parent,
        issuer=issuer,
        symbol=symbol,
        place=place_name(assessment.commune),
        date=on or timezone.localdate(),
    )


def title_line(assessment: Assessment) -> str:
    name = TITLE_NAMES.get(assessment.title, assessment.get_title_display())
    return f"Danh hiệu “{name}” năm {assessment.year}"


def result_lines(dossier: Dossier) -> list[str]:
    """The computed result in words: passed or not, the level, the total, and why not."""
    result, criteria_set = dossier.result, dossier.criteria_set
    if result is None:
        return ["Chưa xác định được kết quả: điểm đã lưu không khớp bộ tiêu chí hiện hành."]
    lines = []
    if result.total is not None:
        maximum = (
            f"/{_number(criteria_set.total_points)}"
            if criteria_set.total_points is not None
            else ""
        )
        lines.append(f"Tổng điểm: {_number(round(result.total, 2))}{maximum} điểm.")
    if result.missing:
        lines.append(
            f"Còn {len(result.missing)} chỉ số chưa đánh giá: {', '.join(result.missing)}."
        )
    if result.passed:
        level = next((lv.name for lv in criteria_set.levels if lv.code == result.level), "")
        lines.append(f"Kết quả: Đạt{f' {level}' if level else ''}.")
    else:
        lines.append("Kết quả: Chưa đạt.")
    for failure in result.failures:
        lines.append(f"- {_failure_text(failure)}")
    return lines


def _failure_text(failure: engine.Failure) -> str:
    level = f" (mức {failure.level})" if failure.level else ""
    if failure.kind == "not_met":
        return f"Chỉ số {failure.indicator} không đạt{level}."
    if failure.kind == "below_min_total":
        return f"Tổng điểm {_number(failure.value)} dưới mức tối thiểu {_number(failure.required)}."
    return (
        f"Chỉ số {failure.indicator}: {_number(failure.value)}, dưới mức tối thiểu "
        f"{_number(failure.required)}{level}."
    )


def _signer(assessment: Assessment) -> tuple[str, str, str]:
    """(on behalf of, position, name) for the signer block."""
    if assessment.unit is not None and assessment.unit.level == Level.COMMUNE:
        return "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", ""
    if assessment.organisation is not None:
        head = assessment.organisation.head
        return "", "THỦ TRƯỞNG ĐƠN VỊ", head.full_name if head is not None else ""
    if assessment.unit is not None:
        return "TM. BAN CHỈ ĐẠO", "TRƯỞNG THÔN", ""
    if assessment.household is not None:
        head = assessment.household.head
        return "", "CHỦ HỘ", head.full_name if head is not None else ""
    if assessment.clan is not None:
        representative = assessment.clan.representative
        return "", "TRƯỞNG DÒNG HỌ", representative.full_name if representative else ""
    if assessment.person is not None:
        return "", "NGƯỜI TỰ ĐÁNH GIÁ", assessment.person.full_name
    return "", "NGƯỜI LẬP BÁO CÁO", ""


def _recipients(assessment: Assessment) -> list[str]:
    commune = assessment.commune.name
    if assessment.unit is not None and assessment.unit.level == Level.COMMUNE:
        return ["- UBND tỉnh (Sở Giáo dục và Đào tạo);", "- Hội Khuyến học tỉnh;", "- Lưu: VT."]
    return [f"- UBND {commune};", f"- Hội Khuyến học {commune};", "- Lưu: VT."]


def _place_of(assessment: Assessment) -> str:
    units: list[str] = []
    hamlet = assessment.unit if assessment.unit is not None else None
    if hamlet is None:
        hamlet = getattr(assessment.subject, "hamlet", None)
    if hamlet is not None and hamlet.level == Level.HAMLET:
        units.append(hamlet.name)
    units.append(assessment.commune.name)
    province = assessment.commune.parent
    if province is not None:
        units.append(province.name)
    return ", ".join(units)


# -- Word -----------------------------------------------------------------------------------


def _new_document() -> Any:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # Decree 30, appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    for style_name in ("Normal", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = FONT
        if style_name == "Normal":
            style.font.size = Pt(13)
            style.paragraph_format.space_after = Pt(3)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
    return document


def _run(
    paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float = 0
) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 0,
    center: bool = False,
    justify: bool = False,
    first_line: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if first_line:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(3)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _rule(cell: Any, cell_width_cm: float, rule_width_cm: float) -> None:
    """A short centred line under a heading (a paragraph bottom border, as Word draws it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    paragraph = cell.add_paragraph()
    indent = Cm(max(cell_width_cm - rule_width_cm, 0) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _first_paragraph(cell: Any) -> Any:
    # A new cell holds one empty paragraph; use it so the block starts on the first line.
    return cell.paragraphs[0]


def _layout_table(document: Any, widths: tuple[float, ...], rows: int = 1) -> Any:
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def _set_cell(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    size: float = 0,
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = _first_paragraph(cell)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, bold=bold, italic=italic, size=size)


def _header(document: Any, dossier: Dossier, kind: str) -> None:
    """The Decree 30 header: issuing body | national motto; number | place and date."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    left_width, right_width = 6.5, 9.5
    table = _layout_table(document, (left_width, right_width), rows=2)
    left, right = table.rows[0].cells
    first = _first_paragraph(left)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if dossier.issuer_parent:
        _run(first, dossier.issuer_parent, size=12)
        _paragraph(left, dossier.issuer, bold=True, size=12, center=True)
    else:
        _run(first, dossier.issuer, bold=True, size=12)
    _rule(left, left_width, 2.0)
    motto = _first_paragraph(right)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, MOTTO_NATION, bold=True, size=12)
    _paragraph(right, MOTTO, bold=True, size=13, center=True)
    _rule(right, right_width, 5.5)
    number, day = table.rows[1].cells
    _set_cell(number, f"Số:        /{kind}-{dossier.symbol}", center=True)
    _set_cell(day, day_line(dossier.place, dossier.date), italic=True, center=True)


def _footer(document: Any, dossier: Dossier) -> None:
    """'Nơi nhận' on the left, the signer block on the right."""
    _paragraph(document)
    table = _layout_table(document, (7.5, 8.5))
    recipients, signer = table.rows[0].cells
    _set_cell(recipients, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in _recipients(dossier.assessment):
        _paragraph(recipients, line, size=11)
    behalf, position, name = _signer(dossier.assessment)
    first = _first_paragraph(signer)
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if behalf:
        _run(first, behalf, bold=True)
        _paragraph(signer, position, bold=True, center=True)
    else:
        _run(first, position, bold=True)
    _paragraph(signer, "(Ký, ghi rõ họ tên, đóng dấu nếu có)", italic=True, size=12, center=True)
    for _ in range(3):
        _paragraph(signer)
    if name:
        _paragraph(signer, name, bold=True, center=True)


def _table(document: Any, headers: list[str], rows: list[list[str]], widths: list[float]) -> Any:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Cm(width)
        _set_cell(cell, header, bold=True, center=True, size=12)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = Cm(widths[index])
            _set_cell(cell, value, size=12, center=index != 1 and len(value) < 24)
    return table


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def self_assessment_report_docx(
    assessment: Assessment, *, on: datetime.date | None = None
) -> bytes:
    """The self-assessment report (báo cáo tự đánh giá) in the Decree 30/2020 layout."""
    dossier = dossier_data(assessment, on=on)
    criteria_set = dossier.criteria_set
    document = _new_document()
    _header(document, dossier, "BC")
    _paragraph(document)
    _paragraph(document, "BÁO CÁO TỰ ĐÁNH GIÁ", bold=True, size=14, center=True)
    _paragraph(document, title_line(assessment), bold=True, center=True)
    _paragraph(document, assessment.subject_name, bold=True, center=True)

    _paragraph(document, "I. THÔNG TIN CHUNG", bold=True)
    source = criteria_set.source
    facts = [
        f"1. Tên: {assessment.subject_name}.",
        f"2. Địa bàn: {_place_of(assessment)}.",
        f"3. Danh hiệu đăng ký: {TITLE_NAMES.get(assessment.title, assessment.title)}; "
        f"năm đánh giá: {assessment.year}.",
        f"4. Bộ tiêu chí áp dụng: {criteria_set.title} (phiên bản {criteria_set.version}), "
        f"theo {source.number} của {source.issuer}.",
        f"5. Tình trạng hồ sơ: {STATE_NAMES.get(assessment.state, assessment.state)}.",
    ]
    if criteria_set.is_illustrative:
        facts.append(
            "Lưu ý: bộ tiêu chí này là bộ minh họa, chưa phải văn bản chính thức; "
            "tỉnh thay bằng văn bản chính thức khi có."
        )
    for fact in facts:
        _paragraph(document, fact, justify=True, first_line=True)

    _paragraph(document, "II. KẾT QUẢ TỰ ĐÁNH GIÁ THEO TIÊU CHÍ", bold=True)
    by_criterion: dict[str, list[IndicatorRow]] = {}
    for row in dossier.rows:
        by_criterion.setdefault(row.criterion.code, []).append(row)
    for number, criterion in enumerate(criteria_set.criteria, start=1):
        maximum = f" (tối đa {_number(criterion.max_points)} điểm)" if criterion.max_points else ""
        _paragraph(
            document, f"Tiêu chí {number} ({criterion.code}): {criterion.name}{maximum}", bold=True
        )
        _table(
            document,
            ["Mã", "Nội dung chỉ số", "Kết quả tự đánh giá", "Số minh chứng", "Ghi chú"],
            [
                [
                    row.indicator.code,
                    row.text,
                    row.answer,
                    str(row.evidence_count),
                    row.note,
                ]
                for row in by_criterion.get(criterion.code, [])
            ],
            [1.6, 6.8, 3.2, 1.8, 2.6],
        )

    _paragraph(document, "III. KẾT QUẢ CHUNG", bold=True)
    for line in result_lines(dossier):
        _paragraph(document, line, justify=True, first_line=True)
    _paragraph(document, "IV. ĐỀ NGHỊ", bold=True)
    _paragraph(
        document,
        f"Kính đề nghị cấp có thẩm quyền xem xét, công nhận {title_line(assessment).lower()} "
        f"cho {assessment.subject_name}.",
        justify=True,
        first_line=True,
    )
    _footer(document, dossier)
    return _save(document)


SUMMARY_TITLE = "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ TIÊU CHÍ, CHỈ SỐ"


def _summary_headers(dossier: Dossier) -> list[str]:
    return [
        "STT",
        "Tiêu chí",
        "Mã chỉ số",
        "Nội dung chỉ số",
        *dossier.requirement_headers,
        "Kết quả tự đánh giá",
        "Số minh chứng",
    ]


def _summary_rows(dossier: Dossier) -> list[list[str]]:
    return [
        [
            str(number),
            f"{row.criterion.code}. {row.criterion.name}",
            row.indicator.code,
            row.text,
            *row.requirements,
            row.answer,
            str(row.evidence_count),
        ]
        for number, row in enumerate(dossier.rows, start=1)
    ]


def summary_table_docx(assessment: Assessment, *, on: datetime.date | None = None) -> bytes:
    """The summary table of criteria and indicators (bảng tổng hợp tiêu chí, chỉ số), in Word."""
    dossier = dossier_data(assessment, on=on)
    document = _new_document()
    _header(document, dossier, "BTH")
    _paragraph(document)
    _paragraph(document, SUMMARY_TITLE, bold=True, size=14, center=True)
    _paragraph(document, title_line(assessment), bold=True, center=True)
    _paragraph(document, assessment.subject_name, bold=True, center=True)
    _paragraph(document, f"({_place_of(assessment)})", italic=True, center=True)
    headers = _summary_headers(dossier)
    extra = len(dossier.requirement_headers)
    requirement_width = 1.6 if extra > 1 else 1.5
    widths = [0.9, 2.6, 1.4, 16.0 - 0.9 - 2.6 - 1.4 - 2.4 - 1.4 - requirement_width * extra]
    widths += [requirement_width] * extra + [2.4, 1.4]
    _table(document, headers, _summary_rows(dossier), widths)
    _paragraph(document)
    for line in result_lines(dossier):
        _paragraph(document, line, justify=True)
    _footer(document, dossier)
    return _save(document)


# -- Excel ----------------------------------------------------------------------------------


def summary_table_xlsx(assessment: Assessment, *, on: datetime.date | None = None) -> bytes:
    """The summary table as a spreadsheet, one row per indicator, in Times New Roman."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from hoctap.registry.excel import escape_formula

    dossier = dossier_data(assessment, on=on)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    headers = _summary_headers(dossier)
    plain, bold = Font(name=FONT, size=12), Font(name=FONT, size=12, bold=True)
    lines = [
        (f"{dossier.issuer_parent} — {dossier.issuer}".strip(" —"), bold),
        (f"{MOTTO_NATION} — {MOTTO}", bold),
        (SUMMARY_TITLE, Font(name=FONT, size=14, bold=True)),
        (f"{title_line(assessment)} — {assessment.subject_name}", bold),
        (
            f"{_place_of(assessment)}. {day_line(dossier.place, dossier.date)}",
            Font(name=FONT, size=12, italic=True),
        ),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=escape_formula(text))
        cell.font = font
    header_row = len(lines) + 2
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    numeric_columns = {1, len(headers)}
    for offset, values in enumerate(_summary_rows(dossier), start=1):
        for column, value in enumerate(values, start=1):
            stored: str | int = int(value) if column in numeric_columns else escape_formula(value)
            cell = sheet.cell(row=header_row + offset, column=column, value=stored)
            cell.font = plain
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    last = header_row + len(dossier.rows) + 2
    for index, line in enumerate(result_lines(dossier)):
        sheet.cell(row=last + index, column=1, value=escape_formula(line)).font = (
            bold if index == 0 else plain
        )
    widths = [6, 28, 10, 60, *[14] * len(dossier.requirement_headers), 22, 12]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[
            sheet.cell(row=header_row, column=column).column_letter
        ].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- downloads ------------------------------------------------------------------------------


def dossier_filename(assessment: Assessment, document: str) -> str:
    """A Vietnamese-slug name: 'bao-cao-tu-danh-gia-gia-dinh-hoc-tap-ho-00001-2026.docx'."""
    stem = "bao-cao-tu-danh-gia" if document == "report.docx" else "bang-tong-hop-tieu-chi"
    title = TITLE_NAMES.get(assessment.title, assessment.title)
    words = search_key(f"{title} {assessment.subject_name}")
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:80].strip("-")
    extension = document.rsplit(".", 1)[1]
    return f"{stem}-{slug}-{assessment.year}.{extension}"


def dossier_download_record(*, actor: Any, assessment: Assessment, document: str) -> None:
    """Log who took which dossier document of which assessment (personal data leaves here)."""
    audit_event_record(
        actor=actor,
        action="assessment.dossier_download",
        obj=assessment,
        unit_path=assessment.unit_path,
        data={"document": document},
    )
