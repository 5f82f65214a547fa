"""The import template and the exports, in one column layout so an export imports back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from hoctap.adminunits.models import AdminUnit
from hoctap.registry.ethnicities import ETHNICITIES
from hoctap.registry.importing import COLUMNS
from hoctap.registry.models import Person

SEX_LABELS = {"male": "Nam", "female": "Nữ"}
RELATION_LABELS = {
    "head": "Chủ hộ",
    "spouse": "Vợ/Chồng",
    "child": "Con",
    "parent": "Bố/Mẹ",
    "grandchild": "Cháu",
    "grandparent": "Ông/Bà",
    "sibling": "Anh/Chị/Em",
    "child_in_law": "Con dâu/Con rể",
    "other": "Khác",
}
TARGET_GROUP_LABELS = {
    "resident": "Cư dân",
    "worker": "Người lao động",
    "official": "Cán bộ công chức viên chức",
    "learner": "Học sinh sinh viên",
}
SKILL_LABELS = {"none": "Không", "basic": "Cơ bản", "proficient": "Thành thạo"}
HEADERS = [column.label for column in COLUMNS]
FORMULA_PREFIXES = ("=", "+", "-", "@")


def escape_formula(value: str) -> str:
    """Neutralise formula injection in text a spreadsheet might evaluate."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def person_row(person: Person) -> list[str]:
    """One person in the template's column order, as text."""
    household = person.household
    birth = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year)
    values = {
        "household_code": household.code if household else "",
        "hamlet": person.hamlet.name if person.hamlet else "",
        "full_name": person.full_name,
        "relation": RELATION_LABELS.get(person.relation, ""),
        "sex": SEX_LABELS[person.sex],
        "birth": birth,
        "ethnicity": person.ethnicity,
        "cccd": person.cccd or "",
        "phone": person.phone,
        "target_group": TARGET_GROUP_LABELS[person.target_group],
        "is_worker": "x" if person.is_worker else "",
        "digital_skill": SKILL_LABELS[person.digital_skill],
        "organisation": person.organisation.name if person.organisation else "",
        "address": household.address if household else "",
    }
    return [values[column.field] for column in COLUMNS]


def people_template(commune: AdminUnit, hamlet_names: list[str]) -> bytes:
    """A blank .xlsx with instructions and drop-down lists for hamlets, sex, ethnicity …"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách"
    sheet["A1"] = f"DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU — {commune.name.upper()}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [12, 20, 28, 16, 10, 14, 12, 16, 14, 24, 10, 12, 28, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = width
    sheet.freeze_panes = "A4"

    lists = workbook.create_sheet("Danh mục")
    columns = {
        "A": hamlet_names,
        "B": list(SEX_LABELS.values()),
        "C": ETHNICITIES,
        "D": list(RELATION_LABELS.values()),
        "E": list(TARGET_GROUP_LABELS.values()),
        "F": list(SKILL_LABELS.values()),
        "G": ["x"],
    }
    for letter, values in columns.items():
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = value
    lists.sheet_state = "hidden"
    last = 20003

    def dropdown(letter: str, target_column: str, count: int) -> None:
        rule = DataValidation(
            type="list",
            formula1=f"='Danh mục'!${letter}$1:${letter}${max(count, 1)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Chọn một giá trị trong danh sách.",
        )
        rule.add(f"{target_column}4:{target_column}{last}")
        sheet.add_data_validation(rule)

    letters = {
        column.field: sheet.cell(row=3, column=i).column_letter
        for i, column in enumerate(COLUMNS, start=1)
    }
    dropdown("A", letters["hamlet"], len(hamlet_names))
    dropdown("B", letters["sex"], 2)
    dropdown("C", letters["ethnicity"], len(ETHNICITIES))
    dropdown("D", letters["relation"], len(RELATION_LABELS))
    dropdown("E", letters["target_group"], len(TARGET_GROUP_LABELS))
    dropdown("F", letters["digital_skill"], len(SKILL_LABELS))
    dropdown("G", letters["is_worker"], 1)
    for field in ("cccd", "phone", "household_code", "birth"):
        for row in range(4, 204):
            sheet[f"{letters[field]}{row}"].number_format = "@"

    guide = workbook.create_sheet("Hướng dẫn", 0)
    lines = [
        "HƯỚNG DẪN NHẬP DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU",
        "",
        "1. Mỗi dòng là một người. Những người cùng hộ ghi cùng một Mã hộ; mỗi hộ có "
        "đúng một Chủ hộ.",
        "2. Thôn, bản, tổ dân phố: chọn trong danh sách (tên thôn của xã trong phần mềm).",
        "3. Ngày sinh: dd/mm/yyyy (ví dụ 05/09/1987); nếu chỉ biết năm sinh thì ghi năm (1987).",
        "4. Số CCCD: 12 chữ số, có thể để trống. Nếu Excel làm mất số 0 ở đầu, phần mềm "
        "tự thêm lại.",
        "5. Người lao động: ghi x nếu là người lao động. Kỹ năng số: Không, Cơ bản hoặc "
        "Thành thạo.",
        "6. Nhóm đối tượng: Cư dân, Người lao động, Cán bộ công chức viên chức, Học sinh "
        "sinh viên.",
        "7. Có thể dán danh sách cũ vào trang 'Danh sách': phần mềm nhận nhiều cách viết "
        "tiêu đề cột (Họ và tên / Họ tên …), bỏ qua dòng tiêu đề phía trên và dòng trống.",
        "8. Tải lên: phần mềm kiểm tra toàn bộ tệp, liệt kê mọi lỗi theo dòng và cột. "
        "Chỉ khi không còn lỗi mới lưu, và lưu tất cả hoặc không lưu dòng nào.",
        "",
        "Dữ liệu cá nhân (họ tên, ngày sinh, CCCD, điện thoại) được bảo vệ theo "
        "Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân 2025: "
        "chỉ thu thập thông tin cần thiết.",
    ]
    for row, line in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=line)
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 120
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_export_xlsx(people: Iterable[Person], title: str) -> bytes:
    """Export people in the template layout (xlsxwriter streams rows; memory stays flat)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    sheet.write_string(0, 0, title, bold)
    for column, label in enumerate(HEADERS):
        sheet.write_string(2, column, label, header)
    row_index = 3
    for person in people:
        for column, value in enumerate(person_row(person)):
            # write_string never turns text into a formula, so "=…" stays text.
            sheet.write_string(row_index, column, value)
        row_index += 1
    sheet.freeze_panes(3, 0)
    workbook.close()
    return buffer.getvalue()


def people_export_csv(people: Iterable[Person]) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM for Excel), formula-like text escaped."""

    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield "\ufeff" + writer.writerow(HEADERS)
    for person in people:
        yield writer.writerow([escape_formula(v) for v in person_row(person)])


def export_filename(commune: AdminUnit, extension: str) -> str:
    from hoctap.core.text import search_key

    slug = search_key(commune.name).replace(" ", "-")
    return f"danh-sach-nhan-khau-{slug}.{extension}"
