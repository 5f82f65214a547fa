"""A reporting period in a real browser, from opening it to the compiled province report.

The province official opens a yearly period asking both communes; the commune official finds
the report in the work list, reads the pre-filled recognised families (the dashboard's
figure), corrects another figure with a note, types the narrative, saves and submits with the
keyboard alone; the province sees it on time and the other commune not yet in, returns it
with a reason; the commune reads the reason, changes the narrative and submits again; the
province compares the two versions, types and submits its own compiled report and downloads
the .docx and .xlsx, whose recognised families are the commune's.

Selectors use ids, names and data-* attributes; the pages are in Vietnamese (the default
language), so the words a status is shown by are compared with their Vietnamese translation,
which reads the same before and after the catalogue is filled in.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from hoctap.assessments.models import Title
from hoctap.conftest import People, Tree
from hoctap.reports.models import ReportingPeriod, ReportState
from hoctap.reports.selectors import Timeliness
from hoctap.reports.tests.factories import YEAR, families, report_of
from hoctap.reports.views import TIMELINESS_WORDS
from hoctap.targets import services as target_services
from hoctap.testing.browser import PageFactory, log_in

pytestmark = pytest.mark.browser

FAMILIES = "recognised.learning_family"
CITIZENS = "registered.learning_citizen"
FAMILY_NAME = "Gia đình học tập"  # the title's name in the Vietnamese papers
NARRATIVE = {
    "results": "Xã đã tổ chức đăng ký, đánh giá và công nhận danh hiệu.",
    "difficulties": "Kinh phí còn hạn chế.",
    "proposals": "Đề nghị tỉnh hỗ trợ tập huấn.",
}
CHANGED_DIFFICULTIES = "Kinh phí còn hạn chế; thiếu cán bộ theo dõi ở các bản vùng cao."
REASON = "Phần khó khăn chưa nêu rõ nguyên nhân, đề nghị bổ sung."
CORRECTION_NOTE = "Theo sổ theo dõi của xã"
OWN_RESULTS = "Toàn tỉnh đã tổ chức đăng ký và công nhận các danh hiệu học tập."


def vietnamese(text: Any) -> str:
    """A word of the interface as the page shows it (Vietnamese, the default language)."""
    with translation.override("vi"):
        return str(text)


def figure_input(page: Page, key: str) -> Locator:
    return page.locator(f"input[name='fig-{YEAR}-{key}']")


def note_input(page: Page, key: str) -> Locator:
    return page.locator(f"input[name='note-{YEAR}-{key}']")


def section_input(page: Page, code: str) -> Locator:
    return page.locator(f"textarea[name='section-{code}']")


def title_row(page: Page, scope: str, name: str) -> Locator:
    """The row of a title in a table of totals (the rows carry the title's name only)."""
    return page.locator(f"{scope} table[data-table=titles] tbody tr").filter(
        has=page.locator(f"th:text-is('{name}')")
    )


def test_from_opening_a_period_to_the_compiled_province_report(
    live_server: Any, tree: Tree, people: People, open_page: PageFactory, tmp_path: Path
) -> None:
    # given three families of Bản Hày recognised in the year, and the national targets
    target_services.national_targets_load()
    families(tree.hamlet, recognised=3)
    base = live_server.url
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    # (1) The province official opens a yearly period of the commune form for both communes.
    province = open_page()
    log_in(province, base, people.province_official.username)
    province.click("#nav-reports")
    with province.expect_navigation():
        province.click("#period-new-link")
    province.select_option("#id_cadence", "yearly")
    province.select_option("#id_form", "commune")
    province.fill("#id_starts_on", f"{YEAR}-01-01")
    province.fill("#id_ends_on", f"{YEAR}-12-31")
    province.fill("#id_deadline", deadline.isoformat())
    for unit in (tree.commune, tree.other_commune):
        province.check(f"#units-choice input[name=units][value='{unit.pk}']")
    expect(province.locator("#tick-all-units")).to_be_checked()
    with province.expect_navigation():
        province.click("#period-open")
    expect(province).to_have_url(re.compile(r"/reports/periods/\d+/$"))
    period = ReportingPeriod.objects.get()
    assert (period.cadence, period.form, period.deadline) == ("yearly", "commune", deadline)
    assert (period.starts_on, period.ends_on) == (
        datetime.date(YEAR, 1, 1),
        datetime.date(YEAR, 12, 31),
    )
    expect(province.locator("#period-deadline")).to_have_text(deadline.strftime("%d/%m/%Y"))
    board_rows = province.locator("#board-table tbody tr[data-report]")
    expect(board_rows).to_have_count(2)
    report = report_of(period, tree.commune)
    other = report_of(period, tree.other_commune)

    # (2) The commune official reads the dashboard's recognised families, then finds the
    # report in the work list: the same figure is pre-filled.
    commune = open_page()
    log_in(commune, base, people.commune_official.username)
    commune.goto(f"{base}/dashboard/?year={YEAR}")
    dashboard_families = commune.locator(
        "#titles tr[data-title='learning_family'] [data-field=recognised]"
    )
    expect(dashboard_families).to_have_text("3")
    on_the_dashboard = dashboard_families.inner_text()
    commune.click("#nav-reports")
    item = commune.locator(f"#reports li[data-report='{report.pk}']")
    expect(item.locator("[data-state]")).to_have_attribute("data-state", ReportState.DRAFT)
    expect(item.locator("[data-state]")).to_have_text(vietnamese(ReportState.DRAFT.label))
    with commune.expect_navigation():
        item.locator("a").click()
    families_row = commune.locator(f"#figures tr[data-figure='{FAMILIES}']")
    expect(families_row.locator("td").first).to_have_text(on_the_dashboard)
    expect(figure_input(commune, FAMILIES)).to_have_value("3")

    # Corrects one figure with a note, types the narrative and saves the draft.
    figure_input(commune, CITIZENS).fill("12")
    note_input(commune, CITIZENS).fill(CORRECTION_NOTE)
    for code, text in NARRATIVE.items():
        section_input(commune, code).fill(text)
    with commune.expect_navigation():
        commune.click("#save-draft")
    expect(commune.locator(f"#figures tr[data-figure='{CITIZENS}']")).to_have_attribute(
        "data-changed", "1"
    )
    expect(figure_input(commune, CITIZENS)).to_have_value("12")
    expect(note_input(commune, CITIZENS)).to_have_value(CORRECTION_NOTE)
    expect(section_input(commune, "results")).to_have_value(NARRATIVE["results"])
    expect(commune.locator("#report-state")).to_have_attribute("data-state", ReportState.DRAFT)

    # Submits with the keyboard alone: the button takes the focus and Enter presses it.
    submit = commune.locator("#submit-report")
    submit.focus()
    expect(submit).to_be_focused()
    with commune.expect_navigation():
        commune.keyboard.press("Enter")
    state = commune.locator("#report-state")
    expect(state).to_have_attribute("data-state", ReportState.SUBMITTED)
    expect(state).to_have_text(vietnamese(ReportState.SUBMITTED.label))
    expect(commune.locator("#versions li[data-version]")).to_have_count(1)
    expect(commune.locator("#report-form")).to_have_count(0)

    # (3) The province official's board: Mường Giôn on time, Tô Hiệu not in yet, in words.
    province.reload()
    on_time, pending = (
        vietnamese(TIMELINESS_WORDS[Timeliness.ON_TIME][0]),
        vietnamese(TIMELINESS_WORDS[Timeliness.PENDING][0]),
    )
    assert on_time.strip()
    assert on_time != pending
    row = province.locator(f"#board-table tr[data-report='{report.pk}']")
    other_row = province.locator(f"#board-table tr[data-report='{other.pk}']")
    expect(row).to_have_attribute("data-timeliness", Timeliness.ON_TIME)
    expect(row.locator("[data-field=timeliness]")).to_have_text(on_time)
    expect(other_row).to_have_attribute("data-timeliness", Timeliness.PENDING)
    expect(other_row.locator("[data-field=timeliness]")).to_have_text(pending)
    expect(other_row.locator("td").nth(1)).to_have_text("—")  # never submitted
    expect(province.locator("#missing li[data-missing]")).to_have_count(1)
    expect(province.locator(f"#missing li[data-missing='{other.pk}']")).to_be_visible()
    expect(title_row(province, "#compiled", vietnamese(Title.LEARNING_FAMILY.label))).to_have_count(
        1
    )
    expect(
        title_row(province, "#compiled", vietnamese(Title.LEARNING_FAMILY.label)).locator(
            "[data-field=recognised]"
        )
    ).to_have_text("3")

    # Opens the report and returns it with a reason.
    with province.expect_navigation():
        row.locator("th a").click()
    expect(
        province.locator(f"#figures tr[data-figure='{CITIZENS}'] [data-field=value]")
    ).to_contain_text("12")
    province.fill("#id_reason", REASON)
    with province.expect_navigation():
        province.click("#return-report")
    expect(province.locator("#report-state")).to_have_attribute("data-state", ReportState.RETURNED)
    expect(province.locator("#return-form")).to_have_count(0)

    # (4) The commune official sees the reason, changes the narrative and submits again.
    commune.click("#nav-reports")
    item = commune.locator(f"#reports li[data-report='{report.pk}']")
    expect(item.locator("[data-state]")).to_have_attribute("data-state", ReportState.RETURNED)
    expect(item.locator("[data-state]")).to_have_text(vietnamese(ReportState.RETURNED.label))
    with commune.expect_navigation():
        item.locator("a").click()
    expect(commune.locator("#return-reason")).to_have_text(REASON)
    # The figures and text of the first version are still there to change.
    expect(figure_input(commune, CITIZENS)).to_have_value("12")
    expect(section_input(commune, "difficulties")).to_have_value(NARRATIVE["difficulties"])
    section_input(commune, "difficulties").fill(CHANGED_DIFFICULTIES)
    with commune.expect_navigation():
        commune.click("#submit-report")
    expect(commune.locator("#report-state")).to_have_attribute("data-state", ReportState.SUBMITTED)
    expect(commune.locator("#versions li[data-version]")).to_have_count(2)

    # (5) The province official sees two versions and compares them.
    with province.expect_navigation():
        province.click("#board-link")
    row = province.locator(f"#board-table tr[data-report='{report.pk}']")
    # Timeliness is judged by the first submission: still on time.
    expect(row.locator("[data-field=timeliness]")).to_have_text(on_time)
    versions = row.locator("td").last.locator("a")
    expect(versions).to_have_text("2")
    with province.expect_navigation():
        versions.click()
    expect(province.locator("#submission-table tbody tr[data-version]")).to_have_count(2)
    expect(province.locator("#compare-a")).to_have_value("1")
    expect(province.locator("#compare-b")).to_have_value("2")
    with province.expect_navigation():
        province.click("#compare-form button[type=submit]")
    comparison = province.locator("#comparison")
    expect(comparison).to_be_visible()
    expect(comparison.locator("#no-figure-differences")).to_be_visible()
    expect(comparison.locator("[data-section-difference]")).to_have_count(1)
    expect(comparison.locator("[data-section-difference] ins")).to_contain_text(
        "thiếu cán bộ theo dõi"
    )

    # Opens the province's own compiled report, types its narrative and submits it.
    with province.expect_navigation():
        province.click("#report-link")
    with province.expect_navigation():
        province.click("#board-link")
    with province.expect_navigation():
        province.click("#own-report")
    family_total = title_row(province, "#totals", vietnamese(Title.LEARNING_FAMILY.label))
    expect(family_total.locator("[data-field=recognised]")).to_have_text("3")
    section_input(province, "results").fill(OWN_RESULTS)
    section_input(province, "difficulties").fill("Một số xã vùng cao còn khó khăn về kinh phí.")
    section_input(province, "proposals").fill("Đề nghị Bộ hỗ trợ tài liệu hướng dẫn.")
    with province.expect_navigation():
        province.click("#submit-report")
    expect(province.locator("#report-errors")).to_have_count(0)
    expect(province.locator("#report-state")).to_have_attribute("data-state", ReportState.SUBMITTED)
    expect(province.locator("#narrative [data-section=results]")).to_contain_text(OWN_RESULTS)

    # Downloads the compiled .docx and .xlsx from the status board.
    with province.expect_navigation():
        province.click("#board-link")
    with province.expect_download() as docx_download:
        province.click("#compiled-docx")
    with province.expect_download() as xlsx_download:
        province.click("#compiled-xlsx")
    docx_file, xlsx_file = docx_download.value, xlsx_download.value
    assert docx_file.suggested_filename == f"bao-cao-tong-hop-{YEAR}-tinh-son-la.docx"
    assert xlsx_file.suggested_filename == f"bao-cao-tong-hop-{YEAR}-tinh-son-la.xlsx"
    docx_file.save_as(tmp_path / docx_file.suggested_filename)
    xlsx_file.save_as(tmp_path / xlsx_file.suggested_filename)

    document = Document(io.BytesIO((tmp_path / docx_file.suggested_filename).read_bytes()))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert OWN_RESULTS in paragraphs
    titles = next(
        [[cell.text for cell in line.cells] for line in table.rows]
        for table in document.tables
        if "Danh hiệu" in [cell.text for cell in table.rows[0].cells]
    )
    family = next(line for line in titles if line[1] == FAMILY_NAME)
    assert family[3] == "3"  # "Số được công nhận": the commune's recognised families

    workbook = load_workbook(io.BytesIO((tmp_path / xlsx_file.suggested_filename).read_bytes()))
    summary = workbook["Tổng hợp"]
    family_cells = next(line for line in summary.iter_rows() if line[0].value == FAMILY_NAME)
    assert family_cells[2].value == 3
    citizens = next(line for line in summary.iter_rows() if line[0].value == "Công dân học tập")
    assert citizens[1].value == 12  # the corrected figure, not the data's
    missing = workbook["Chưa báo cáo"]
    assert [line[1].value for line in missing.iter_rows(min_row=6)] == [tree.other_commune.name]
