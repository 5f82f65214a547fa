"""The compiled report as Word and Excel, read back: the Decree 30 header, the owner's
narrative, the summed figures (equal to the sum of the communes' submitted ones), the table of
units with its totals, the units that did not report, Vietnamese numbers, one table per year
for a review, and the download names."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
from typing import Any

import pytest
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from hoctap.adminunits.models import AdminUnit
from hoctap.adminunits.tests import factories as units
from hoctap.assessments.dossier import MOTTO, MOTTO_NATION
from hoctap.conftest import People, Tree
from hoctap.registry.models import ManagingLevel
from hoctap.registry.tests.factories import OrganisationFactory
from hoctap.reports import documents, services
from hoctap.reports.compiling import Compiled, compile_period
from hoctap.reports.models import Cadence, ReportingPeriod
from hoctap.reports.tests.factories import families, on_time, report_of, submitted, yearly
from hoctap.targets import services as target_services

pytestmark = pytest.mark.django_db

YEAR = "2025"
DAY = datetime.date(2026, 1, 6)
FAMILY = "learning_family"
CITIZEN = "learning_citizen"
HOUSEHOLDS = "households_learning_family"
OWN_NARRATIVE = {
    "results": "Toàn tỉnh đã tổ chức đăng ký và công nhận các danh hiệu học tập.",
    "difficulties": "Một số xã vùng cao còn khó khăn về kinh phí.",
    "proposals": "Đề nghị Bộ hỗ trợ tài liệu hướng dẫn.",
}


@pytest.fixture(autouse=True)
def national(db: Any) -> None:
    target_services.national_targets_load()


@dataclasses.dataclass
class Case:
    period: ReportingPeriod
    compiled: Compiled
    silent: AdminUnit  # the commune that did not report


@pytest.fixture
def case(tree: Tree, people: People) -> Case:
    """Sơn La asks three communes; Mường Giôn (4 families registered, 3 recognised, 1.234
    learning citizens registered after a correction, a fund of 12.500.000 đồng) and Tô Hiệu
    (2 and 2) report; Chiềng Cơi does not. The province types its own narrative."""
    families(tree.hamlet, recognised=3, registered=1)
    families(tree.other_commune_hamlet, recognised=2)
    silent = units.commune(tree.province, "Xã Chiềng Cơi", key="03700")
    period = yearly(people, tree, units=[tree.commune, tree.other_commune, silent])
    actor = people.commune_official
    report = services.report_prepare(actor, report_of(period, tree.commune))
    services.report_save(
        actor,
        report,
        revision=report.revision,
        corrections={
            YEAR: {
                "fund": {"value": 12_500_000},
                f"registered.{CITIZEN}": {"value": 1234, "note": "Theo sổ theo dõi của xã"},
            }
        },
    )
    submitted(actor, report_of(period, tree.commune))
    submitted(people.other_commune_official, report_of(period, tree.other_commune))
    own = period.reports.get(is_compiled=True)
    services.report_save(
        people.province_official, own, revision=own.revision, narrative=OWN_NARRATIVE
    )
    return Case(period=period, compiled=compile_period(period), silent=silent)


# -- reading the files back -----------------------------------------------------------------


def _docx(compiled: Compiled) -> Any:
    return Document(io.BytesIO(documents.compiled_docx(compiled, on=DAY)))


def _paragraphs(document: Any) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _tables_with(document: Any, heading: str) -> list[list[list[str]]]:
    """The tables whose first row (or, for the annex, second cell of it) holds `heading`."""
    return [_rows(table) for table in document.tables if heading in _rows(table)[0]]


def _row(rows: list[list[str]], name: str) -> list[str]:
    return next(row for row in rows if row[1] == name)


def _number(text: str) -> int | None:
    """'1.234' -> 1234; '—' -> None."""
    return None if text == documents.MISSING else int(text.replace(".", ""))


def _sum(values: list[int | None]) -> int | None:
    """The sum of the known values; None when none is known (as `figures.summed` adds)."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _workbook(compiled: Compiled) -> Any:
    return load_workbook(io.BytesIO(documents.compiled_xlsx(compiled, on=DAY)))


def _sheet_row(sheet: Any, column: int, value: str) -> tuple[Any, ...]:
    return next(row for row in sheet.iter_rows() if row[column].value == value)


def _submitted_figures(case: Case) -> list[dict[str, int | None]]:
    return [row.figures[YEAR] for row in case.compiled.submitted]


# -- the Word file --------------------------------------------------------------------------


def test_the_word_report_has_the_decree_30_header_and_footer(case: Case) -> None:
    document = _docx(case.compiled)

    header = _rows(document.tables[0])
    assert header[0][0] == "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\n"
    assert header[0][1] == f"{MOTTO_NATION}\n{MOTTO}\n"
    assert re.fullmatch(r"Số: +/BC-UBND", header[1][0])
    assert header[1][1] == "Sơn La, ngày 06 tháng 01 năm 2026"
    text = _paragraphs(document)
    title = text.index("BÁO CÁO")
    assert text[title + 1] == "Kết quả xây dựng xã hội học tập năm 2025"
    assert (
        "Ủy ban nhân dân tỉnh Sơn La báo cáo kết quả xây dựng xã hội học tập năm 2025 như sau:"
        in text
    )
    footer = next(table for table in document.tables if "Nơi nhận:" in _rows(table)[0][0])
    recipients, signer = _rows(footer)[0]
    assert "- Bộ Giáo dục và Đào tạo (để báo cáo);" in recipients
    assert recipients.strip().endswith("- Lưu: VT.")
    assert signer.startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_the_word_report_gives_the_owners_narrative_by_section(case: Case) -> None:
    text = _paragraphs(_docx(case.compiled))

    with translation.override("vi"):
        titles = [str(section.title) for section in documents.layout_of(case.period).form.sections]
    # The optional last section was left empty: it is left out, the others are numbered.
    expected = [f"{n}. {title}" for n, title in enumerate(titles[:3], start=1)]
    positions = [text.index(line) for line in expected]
    assert positions == sorted(positions)
    for line, code in zip(expected, ("results", "difficulties", "proposals"), strict=True):
        assert text[text.index(line) + 1] == OWN_NARRATIVE[code]
    assert not any(line.startswith(f"4. {titles[3]}") for line in text)
    assert text.index("I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN") < positions[0]


def test_the_word_titles_and_indicators_are_the_sums_in_vietnamese_numbers(case: Case) -> None:
    document = _docx(case.compiled)

    [titles] = _tables_with(document, "% công nhận/đăng ký")
    assert titles[0][:4] == ["STT", "Danh hiệu", "Số đăng ký", "Số được công nhận"]
    assert _row(titles, "Gia đình học tập")[2:] == ["6", "5", "83,3%", "2"]
    # Mường Giôn's corrected 1.234 plus Tô Hiệu's 0; none recognised is 0 %.
    assert _row(titles, "Công dân học tập")[2:] == ["1.234", "0", "0%", "2"]
    # No clan registered: no percentage (not 0 %).
    assert _row(titles, "Dòng họ học tập")[2:] == ["0", "0", documents.MISSING, "2"]
    totals = case.compiled.totals[YEAR]
    for row in titles[1:]:
        key = next(t for t, name in documents.TITLE_NAMES.items() if name == row[1])
        assert _number(row[2]) == totals[f"registered.{key}"]
        assert _number(row[3]) == totals[f"recognised.{key}"]
    [indicators] = _tables_with(document, "Tử số")
    with translation.override("vi"):
        name = str(next(i.name for i in documents.INDICATORS if i.code == HOUSEHOLDS))
    assert _row(indicators, name)[2:] == ["5", "6", "83,3%", "2"]
    # A figure nobody gave is a dash, never 0.
    unknown = [row for row in indicators[1:] if row[2] == documents.MISSING]
    assert unknown, "every indicator has a numerator"
    assert all(row[4] == documents.MISSING for row in unknown)
    assert "Năm 2025: 12.500.000 đồng (1 đơn vị báo cáo)." in _paragraphs(document)


def test_the_word_annex_lists_each_reporting_commune_and_the_totals(case: Case, tree: Tree) -> None:
    document = _docx(case.compiled)

    [annex] = _tables_with(document, "Đơn vị")
    assert annex[1][2:4] == ["ĐK", "CN"]
    assert annex[0][2] == annex[0][3] == "Công dân học tập"
    family = annex[0].index("Gia đình học tập")
    body = annex[2:-1]
    assert [row[1] for row in body] == [tree.commune.name, tree.other_commune.name]
    assert _row(body, tree.commune.name)[family : family + 2] == ["4", "3"]
    assert _row(body, tree.other_commune.name)[family : family + 2] == ["2", "2"]
    total = annex[-1]
    assert total[1] == "Tổng cộng (2 đơn vị)"
    assert case.silent.name not in [row[1] for row in annex]
    # Every total is the sum of the rows above it and of the submitted figures.
    figures = _submitted_figures(case)
    for column in range(2, len(total)):
        assert _number(total[column]) == _sum([_number(row[column]) for row in body])
        state = "registered" if annex[1][column] == "ĐK" else "recognised"
        key = next(t for t, n in documents.TITLE_NAMES.items() if n == annex[0][column])
        assert _number(total[column]) == _sum([f[f"{state}.{key}"] for f in figures])
    assert _row(body, tree.commune.name)[2] == "1.234"


def test_the_word_report_names_the_units_that_did_not_report(case: Case) -> None:
    text = _paragraphs(_docx(case.compiled))

    heading = text.index("III. CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO")
    assert text[heading + 1].startswith("Có 1/3 đơn vị chưa gửi báo cáo")
    assert text[heading + 2] == "1. Xã Chiềng Cơi (chưa gửi)."


def test_the_word_report_costs_no_query_beyond_compiling(
    case: Case, django_assert_num_queries: Any
) -> None:
    period = ReportingPeriod.objects.select_related("unit").get(pk=case.period.pk)
    with django_assert_num_queries(2):
        compiled = compile_period(period)
    with django_assert_num_queries(0):
        documents.compiled_docx(compiled, on=DAY)
        documents.compiled_xlsx(compiled, on=DAY)
        documents.compiled_filename(period, "docx")


# -- the Excel file -------------------------------------------------------------------------


def test_the_workbook_has_the_three_sheets(case: Case) -> None:
    workbook = _workbook(case.compiled)

    assert workbook.sheetnames == ["Tổng hợp", "Theo đơn vị", "Chưa báo cáo"]
    assert [workbook[name].freeze_panes for name in workbook.sheetnames] == ["B6", "D7", "A6"]
    assert workbook["Tổng hợp"].column_dimensions["A"].width > 40


def test_the_summary_sheet_holds_the_sums_as_numbers(case: Case) -> None:
    sheet = _workbook(case.compiled)["Tổng hợp"]

    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    assert sheet["A2"].value == "BÁO CÁO: Kết quả xây dựng xã hội học tập năm 2025"
    assert sheet["B5"].value == "Năm 2025"
    family = _sheet_row(sheet, 0, "Gia đình học tập")
    assert [cell.value for cell in family[1:5]] == [6, 5, pytest.approx(0.833), 2]
    assert family[1].number_format == "#,##0"
    assert family[3].number_format == "0.0%"
    assert _sheet_row(sheet, 0, "Công dân học tập")[1].value == 1234
    with translation.override("vi"):
        name = str(next(i.name for i in documents.INDICATORS if i.code == HOUSEHOLDS))
    households = _sheet_row(sheet, 0, name)
    assert [cell.value for cell in households[1:5]] == [5, 6, pytest.approx(0.833), 2]
    fund = _sheet_row(sheet, 0, "Quỹ khuyến học huy động (đồng)")
    assert (fund[1].value, fund[4].value) == (12_500_000, 1)
    clans = _sheet_row(sheet, 0, "Dòng họ học tập")
    assert [cell.value for cell in clans[1:5]] == [0, 0, documents.MISSING, 2]
    with translation.override("vi"):
        name = str(next(i.name for i in documents.INDICATORS if i.code == "clans_learning_clan"))
    assert [cell.value for cell in _sheet_row(sheet, 0, name)[1:5]] == [
        documents.MISSING,
        documents.MISSING,
        documents.MISSING,
        0,
    ]


def test_the_units_sheet_has_a_row_per_respondent_and_the_totals(case: Case, tree: Tree) -> None:
    sheet = _workbook(case.compiled)["Theo đơn vị"]

    headings = [cell.value for cell in sheet[5]]
    labels = [cell.value for cell in sheet[6]]
    assert headings[:8] == [
        "STT",
        "Năm",
        "Đơn vị",
        "Mã",
        "Trạng thái",
        "Gửi lúc",
        "Đúng hạn",
        "Phiên bản",
    ]
    family = headings.index("Gia đình học tập")
    assert labels[family : family + 2] == ["Đăng ký", "Công nhận"]
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=7) if row[2].value}
    commune = rows[tree.commune.name]
    assert [cell.value for cell in commune[:5]] == [1, YEAR, tree.commune.name, "03694", "Đã gửi"]
    assert commune[5].value == timezone.localtime(on_time()).replace(tzinfo=None)
    assert commune[5].number_format == "dd/mm/yyyy hh:mm"
    assert (commune[6].value, commune[7].value) == ("Đúng hạn", 1)
    assert [commune[family].value, commune[family + 1].value] == [4, 3]
    assert commune[family].number_format == "#,##0"
    silent = rows[case.silent.name]
    assert silent[4].value == "Chưa gửi"
    assert {cell.value for cell in silent[5:]} == {documents.MISSING}
    total = rows["Tổng cộng (2 đơn vị đã gửi)"]
    # The totals row is the compiled totals, and the sum of the rows above it.
    keys = _column_keys(headings, labels)
    totals = case.compiled.totals[YEAR]
    reporting = [rows[tree.commune.name], rows[tree.other_commune.name]]
    columns = {key: column for column, key in keys.items()}
    for column, key in keys.items():
        expected = totals[key]
        assert total[column].value == (documents.MISSING if expected is None else expected), key
        # An indicator's two figures count only from the reports that gave both.
        part, _dot, code = key.partition(".")
        pair = (
            [columns[f"numerator.{code}"], columns[f"denominator.{code}"]]
            if part in ("numerator", "denominator")
            else [column]
        )
        parts = [
            row[column].value
            for row in reporting
            if all(isinstance(row[other].value, int) for other in pair)
        ]
        assert expected == (sum(parts) if parts else None), key
    assert total[columns["fund"]].value == 12_500_000


def _column_keys(headings: list[Any], labels: list[Any]) -> dict[int, str]:
    """Column index -> figure key, from the two heading rows of "Theo đơn vị"."""
    names = {name: code for code, name in documents.TITLE_NAMES.items()}
    with translation.override("vi"):
        names.update({str(i.name): i.code for i in documents.INDICATORS})
    parts = {
        "Đăng ký": "registered",
        "Công nhận": "recognised",
        "Tử số": "numerator",
        "Mẫu số": "denominator",
    }
    keys: dict[int, str] = {}
    current = ""
    for column, (heading, label) in enumerate(zip(headings, labels, strict=True)):
        if heading == "Quỹ khuyến học (đồng)":
            keys[column] = "fund"
            continue
        current = names.get(heading, current) if heading else current
        if label in parts:
            keys[column] = f"{parts[label]}.{current}"
    return keys


def test_the_missing_sheet_lists_the_units_that_did_not_report(case: Case) -> None:
    sheet = _workbook(case.compiled)["Chưa báo cáo"]

    assert [cell.value for cell in sheet[5]] == [
        "STT",
        "Đơn vị",
        "Mã",
        "Trạng thái",
        "Lý do trả lại",
    ]
    assert [cell.value for cell in sheet[6][:4]] == [1, "Xã Chiềng Cơi", "03700", "Chưa gửi"]
    assert sheet["A7"].value is None


def test_a_returned_report_counts_as_missing_with_its_reason(
    case: Case, people: People, tree: Tree
) -> None:
    report = report_of(case.period, tree.other_commune)
    services.report_return(
        people.province_official, report, revision=report.revision, reason="Thiếu số liệu quỹ"
    )
    compiled = compile_period(case.period)

    text = _paragraphs(_docx(compiled))
    heading = text.index("III. CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO")
    assert text[heading + 1].startswith("Có 2/3 đơn vị chưa gửi báo cáo")
    assert text[heading + 2 : heading + 4] == [
        "1. Phường Tô Hiệu (bị trả lại, chưa gửi lại: Thiếu số liệu quỹ).",
        "2. Xã Chiềng Cơi (chưa gửi).",
    ]
    sheet = _workbook(compiled)["Chưa báo cáo"]
    assert [cell.value for cell in _sheet_row(sheet, 1, "Phường Tô Hiệu")[1:5]] == [
        "Phường Tô Hiệu",
        "03646",
        "Bị trả lại, chưa gửi lại",
        "Thiếu số liệu quỹ",
    ]


def test_an_agency_reports_its_fund_and_no_title_figures(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=1)
    agency = OrganisationFactory.create(
        commune=tree.commune, name="Sở Giáo dục và Đào tạo", managing_level=ManagingLevel.PROVINCE
    )
    period = yearly(people, tree, units=[tree.commune], organisations=[agency])
    submitted(people.commune_official, report_of(period, tree.commune))
    report = services.report_prepare(
        people.province_official, period.reports.get(organisation=agency)
    )
    report = services.report_save(
        people.province_official,
        report,
        revision=report.revision,
        corrections={YEAR: {"fund": {"value": 3_000_000}}},
    )
    submitted(people.province_official, report)
    compiled = compile_period(period)

    [annex] = _tables_with(_docx(compiled), "Đơn vị")
    agency_row = _row(annex, "Sở Giáo dục và Đào tạo")
    assert set(agency_row[2:]) == {documents.MISSING}  # an agency counts no titles
    family = annex[0].index("Gia đình học tập")
    assert annex[-1][family : family + 2] == ["1", "1"]
    sheet = _workbook(compiled)["Theo đơn vị"]
    row = _sheet_row(sheet, 2, "Sở Giáo dục và Đào tạo")
    assert row[3].value == ""  # no unit code: an agency
    assert row[-1].value == 3_000_000
    assert _sheet_row(sheet, 2, "Tổng cộng (2 đơn vị đã gửi)")[-1].value == 3_000_000


# -- a review, year by year -----------------------------------------------------------------


def test_a_review_shows_one_table_per_year(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2, registered=1, year=2023)
    period = yearly(
        people,
        tree,
        cadence=Cadence.REVIEW_5,
        form="review",
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 15),
    )
    report = services.report_prepare(people.commune_official, report_of(period, tree.commune))
    services.report_save(
        people.commune_official,
        report,
        revision=report.revision,
        narrative={"lessons": "Phải có sự vào cuộc của cả hệ thống chính trị."},
    )
    submitted(people.commune_official, report_of(period, tree.commune))
    compiled = compile_period(period)

    document = _docx(compiled)
    text = _paragraphs(document)
    assert "Sơ kết 5 năm xây dựng xã hội học tập giai đoạn 2021–2025" in text
    years = [f"Năm {year}" for year in range(2021, 2026)]
    # Titles, indicators, and the annex: each once per year, in order.
    assert [line for line in text if line in years] == years * 3
    titles = _tables_with(document, "% công nhận/đăng ký")
    assert len(titles) == 5
    families_by_year = [_row(table, "Gia đình học tập")[2:4] for table in titles]
    assert families_by_year[2] == ["3", "2"]
    assert families_by_year[0] != ["3", "2"]
    assert len(_tables_with(document, "Tử số")) == 5
    assert len(_tables_with(document, "Đơn vị")) == 5

    sheet = _workbook(compiled)["Tổng hợp"]
    assert [sheet.cell(row=5, column=2 + 4 * n).value for n in range(5)] == years
    family = _sheet_row(sheet, 0, "Gia đình học tập")
    assert [family[1 + 4 * 2].value, family[2 + 4 * 2].value] == [3, 2]
    units_sheet = _workbook(compiled)["Theo đơn vị"]
    totals = [
        row
        for row in units_sheet.iter_rows(min_row=7)
        if row[2].value == "Tổng cộng (1 đơn vị đã gửi)"
    ]
    assert [row[1].value for row in totals] == [str(year) for year in range(2021, 2026)]


# -- file names -----------------------------------------------------------------------------


def test_the_file_names_are_ascii_slugs(case: Case, tree: Tree, people: People) -> None:
    assert documents.compiled_filename(case.period, "docx") == (
        "bao-cao-tong-hop-2025-tinh-son-la.docx"
    )
    review = yearly(
        people,
        tree,
        cadence=Cadence.REVIEW_5,
        form="review",
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    assert documents.compiled_filename(review, "xlsx") == (
        "bao-cao-tong-hop-2021-2025-tinh-son-la.xlsx"
    )
    half = yearly(people, tree, cadence=Cadence.SEMIANNUAL, ends_on=datetime.date(2025, 6, 30))
    assert documents.compiled_filename(half, "docx") == (
        "bao-cao-tong-hop-6-thang-dau-nam-2025-tinh-son-la.docx"
    )
    asked = yearly(people, tree, cadence=Cadence.AD_HOC, subject="Đánh giá “Năm học tập” 2025!")
    assert documents.compiled_filename(asked, "docx").isascii()


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (0, "0"), (7, "7"), (1234, "1.234"), (12_500_000, "12.500.000")],
)
def test_numbers_are_written_the_vietnamese_way(value: int | None, text: str) -> None:
    assert documents.number_text(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), ("72.5", "72,5%"), ("100.0", "100%"), ("0.0", "0%"), ("1234.5", "1.234,5%")],
)
def test_percentages_are_written_the_vietnamese_way(value: str | None, text: str) -> None:
    from decimal import Decimal

    assert documents.percent_text(None if value is None else Decimal(value)) == text
