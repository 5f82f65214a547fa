"""The dossier documents (report and summary table) and their scoped downloads."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from hoctap.assessments import dossier
from hoctap.assessments.models import Assessment, Score, State, Title
from hoctap.assessments.tests.factories import full_scores, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.criteria.selectors import criteria_set_shipped
from hoctap.registry.models import Relation
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

DAY = datetime.date(2026, 12, 5)
URL_NAMES = ("dossier_report", "dossier_summary", "dossier_summary_xlsx")


def _family(tree: Tree) -> Assessment:
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="HO-00042")
    PersonFactory.create(household=household, full_name="Lò Văn Ánh", relation=Relation.HEAD)
    assessment = full_scores(make_assessment(household=household, state=State.SUBMITTED), 8)
    Score.objects.filter(assessment=assessment, indicator="TC1.1").update(
        points=4, note="Cháu lớn nghỉ học giữa kỳ"
    )
    Score.objects.create(assessment=assessment, indicator="TC2.1", computed_value=50)
    return assessment


def _commune(tree: Tree) -> Assessment:
    assessment = make_assessment(
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        household=None,
        unit=tree.far_commune,
        criteria_version="tt25-2023",
    )
    return full_scores(assessment)


def _text(content: bytes) -> tuple[Any, str]:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return document, "\n".join(parts)


def _fonts(document: Any) -> set[str | None]:
    fonts = {document.styles["Normal"].font.name}
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs.extend(run for paragraph in cell.paragraphs for run in paragraph.runs)
    fonts.update(run.font.name for run in runs)
    return fonts


def test_the_report_follows_decree_30_and_shows_every_indicator(tree: Tree) -> None:
    assessment = _family(tree)
    document, text = _text(dossier.self_assessment_report_docx(assessment, on=DAY))
    assert _fonts(document) == {"Times New Roman"}
    assert document.styles["Normal"].font.size.pt == 13
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ MƯỜNG GIÔN" in text
    assert "Mường Giôn, ngày 05 tháng 12 năm 2026" in text
    assert "Số:" in text
    assert "/BC-" in text
    assert "BÁO CÁO TỰ ĐÁNH GIÁ" in text
    assert "Danh hiệu “Gia đình học tập” năm 2026" in text
    assert assessment.subject_name in text
    assert "Lò Văn Ánh" in text
    criteria_set = criteria_set_shipped("gia-dinh-hoc-tap", DAY)
    for indicator in criteria_set.indicators():
        assert indicator.text in text
    assert "4/10 điểm" in text
    assert "8/10 điểm" in text
    assert "Cháu lớn nghỉ học giữa kỳ" in text
    # the computed share and the points its band earns
    assert "50% (5 điểm)" in text
    # the engine's verdict: TC1.1 at 4 is below the minimum of 5
    assert "Kết quả: Chưa đạt." in text
    assert "Chỉ số TC1.1: 4, dưới mức tối thiểu 5." in text
    assert "Nơi nhận:" in text
    assert "CHỦ HỘ" in text
    assert "bộ minh họa" in text


def test_the_summary_table_in_word_and_excel(tree: Tree) -> None:
    assessment = _family(tree)
    document, text = _text(dossier.summary_table_docx(assessment, on=DAY))
    assert _fonts(document) == {"Times New Roman"}
    assert "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ TIÊU CHÍ, CHỈ SỐ" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Trẻ em trong độ tuổi đi học được đến trường đầy đủ" in text
    assert "Điểm tối đa" in text

    workbook = load_workbook(io.BytesIO(dossier.summary_table_xlsx(assessment, on=DAY)))
    sheet = workbook["Tổng hợp"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_index = next(i for i, row in enumerate(values) if row[0] == "STT")
    header = values[header_index]
    assert header[:4] == ["STT", "Tiêu chí", "Mã chỉ số", "Nội dung chỉ số"]
    rows = {row[2]: dict(zip(header, row, strict=True)) for row in values[header_index + 1 :]}
    first = rows["TC1.1"]
    assert first["Nội dung chỉ số"] == "Trẻ em trong độ tuổi đi học được đến trường đầy đủ"
    assert first["Kết quả tự đánh giá"] == "4/10 điểm"
    assert first["Điểm tối đa"] == "10"
    assert first["Số minh chứng"] == 0
    assert any(assessment.subject_name in str(row[0]) for row in values[:header_index])
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in str(row[0]) for row in values)
    fonts = {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert fonts == {"Times New Roman"}


def test_a_tt25_commune_dossier_shows_levels_and_met(tree: Tree) -> None:
    assessment = _commune(tree)
    _document, text = _text(dossier.self_assessment_report_docx(assessment, on=DAY))
    assert "UBND XÃ NÔNG CỐNG" in text
    assert "Nông Cống, ngày 05 tháng 12 năm 2026" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "CHỦ TỊCH" in text
    assert "Đạt" in text
    assert "Có kế hoạch xây dựng xã hội học tập hằng năm và tổ chức thực hiện kế hoạch" in text
    assert "Kết quả: Đạt Mức 2." in text

    workbook = load_workbook(io.BytesIO(dossier.summary_table_xlsx(assessment, on=DAY)))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    header = next(row for row in values if row[0] == "STT")
    assert "Yêu cầu Mức 1" in header
    assert "Yêu cầu Mức 2" in header


def test_the_date_line_pads_as_decree_30_says() -> None:
    assert dossier.day_line("Vạn Hòa", datetime.date(2022, 9, 23)) == (
        "Vạn Hòa, ngày 23 tháng 9 năm 2022"
    )
    assert dossier.day_line("Vạn Hòa", datetime.date(2023, 2, 3)) == (
        "Vạn Hòa, ngày 03 tháng 02 năm 2023"
    )


def test_an_unscored_assessment_still_makes_a_dossier(tree: Tree) -> None:
    assessment = make_assessment(household=HouseholdFactory.create(hamlet=tree.hamlet))
    _document, text = _text(dossier.self_assessment_report_docx(assessment, on=DAY))
    assert "Chưa đánh giá" in text
    assert "Kết quả: Chưa đạt." in text


# -- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, tree: Tree, name: str) -> None:
    assessment = _family(tree)
    response = client.get(reverse(f"assessments:{name}", args=[assessment.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_commune_official", 404),
        ("other_province_official", 404),
        ("citizen", 404),
        ("commune_official", 200),
        ("collector", 200),
        ("province_official", 200),
    ],
)
def test_downloads_by_scope(
    client: Client, tree: Tree, people: People, name: str, who: str, status: int
) -> None:
    assessment = _family(tree)
    client.force_login(getattr(people, who))
    response = client.get(reverse(f"assessments:{name}", args=[assessment.pk]))
    assert response.status_code == status
    events = AuditEvent.objects.filter(action="assessment.dossier_download")
    if status == 404:
        assert not events.exists()
        return
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "gia-dinh-hoc-tap-ho-00042-2026" in disposition
    assert disposition.endswith((name.endswith("xlsx") and '.xlsx"') or '.docx"')
    assert events.get().object_id == str(assessment.pk)


def test_a_missing_assessment_is_404(client: Client, people: People) -> None:
    client.force_login(people.commune_official)
    assert client.get(reverse("assessments:dossier_report", args=[999999])).status_code == 404


def test_the_assessment_page_links_to_the_three_dossier_documents(
    client: Client, tree: Tree, people: People
) -> None:
    assessment = _family(tree)
    client.force_login(people.commune_official)

    page = client.get(reverse("assessments:detail", args=[assessment.pk]))

    assert page.status_code == 200
    for name in URL_NAMES:
        assert reverse(f"assessments:{name}", args=[assessment.pk]) in page.content.decode()
