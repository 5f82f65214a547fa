"""Reading and checking people-and-households sheets: real .xlsx files, no database."""

from __future__ import annotations

import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext

from hoctap.registry import importing
from hoctap.registry.tests.sheets import (
    FIELDS,
    LABELS,
    TITLE,
    as_cells,
    context,
    head,
    parse,
    people_sheet,
    relative,
    workbook,
)


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    with translation.override("vi"):
        yield


def vi(msgid: str, **params: Any) -> str:
    """The Vietnamese text of a message; fails when the catalogue lacks it."""
    text = gettext(msgid)
    assert text != msgid, f"no Vietnamese translation for {msgid!r}"
    return text % params if params else text


def fixes_for(result: importing.ParseResult, column: str) -> list[importing.Issue]:
    return [fix for fix in result.fixes if fix.column == column]


def only_row(result: importing.ParseResult) -> importing.PersonRow:
    assert not result.errors, result.errors
    assert len(result.rows) == 1
    return result.rows[0]


# Layout: title rows, merged headers, header variants, blank rows


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_excel_numbers() -> None:
    # given: three title rows, the header on row 4, data from row 5
    data = workbook(
        [
            ["UBND XÃ MƯỜNG GIÔN"],
            [TITLE],
            ["(Kèm theo Kế hoạch số 35/KH-UBND)"],
            LABELS,
            *as_cells([head("HAY-01"), relative("HAY-01")]),
        ]
    )

    # when
    result = parse(data)

    # then
    assert result.header_row == 4
    assert [row.row for row in result.rows] == [5, 6]
    assert result.total_rows == 2
    assert result.households == 1


def test_merged_group_headers_with_sub_headers_below_are_recognised() -> None:
    # given: single headers merged over two rows, and a group title over three sub-headers
    top: list[Any] = [
        "Mã hộ", "Thôn, bản", "Họ tên", "Quan hệ", "Thông tin cá nhân", None, None, "Số CCCD"
    ]  # fmt: skip
    sub: list[Any] = [None, None, None, None, "Giới tính", "Năm sinh", "Dân tộc", None]
    people: list[list[Any]] = [
        ["HAY-01", "Bản Hày", "Lường Văn Dũng", "Chủ hộ", "Nam", "12/05/1975", "Thái", None],
        ["HAY-01", "Bản Hày", "Lò Thị Én", "Vợ", "Nữ", 1978, "Thái", None],
    ]
    data = workbook(
        [[TITLE], top, sub, *people],
        merges=["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:G2", "H2:H3"],
    )

    # when
    result = parse(data)

    # then
    assert not result.errors
    assert result.header_row == 3
    assert [(row.row, row.full_name, row.sex, row.birth_year) for row in result.rows] == [
        (4, "Lường Văn Dũng", "male", 1975),
        (5, "Lò Thị Én", "female", 1978),
    ]


def test_an_error_in_a_merged_header_column_names_the_header_as_written() -> None:
    # given: "Họ tên" is merged over two header rows and one name is missing
    top = ["Mã hộ", "Thôn", "Họ tên", "Quan hệ", "Thông tin", None, None]
    sub = [None, None, None, None, "Giới tính", "Ngày sinh", "Dân tộc"]
    rows = [["HAY-01", "Bản Hày", None, "Chủ hộ", "Nam", 1975, "Thái"]]
    data = workbook([top, sub, *rows], merges=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:G1"])

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column) for e in result.errors] == [(3, "Họ tên")]


@pytest.mark.parametrize("name_header", ["Họ và tên", "Họ tên", "HỌ VÀ TÊN", " họ  và   tên "])
def test_name_header_variants_are_mapped_to_the_name_column(name_header: str) -> None:
    # given
    headers = [name_header if label == "Họ và tên" else label for label in LABELS]
    data = people_sheet(head(full_name="Lường Văn Dũng"), headers=headers)

    # when
    row = only_row(parse(data))

    # then
    assert row.full_name == "Lường Văn Dũng"


def test_other_header_variants_from_old_commune_sheets_are_mapped() -> None:
    # given: the spellings of a 2019 commune sheet, in another order
    headers = ["STT", "Họ tên", "Giới", "Ngày tháng năm sinh", "Số căn cước công dân", "SĐT",
               "Quan hệ", "Mã số hộ", "Thôn/xóm", "Dân tộc"]  # fmt: skip
    rows = [[1, "Lường Văn Dũng", "Nam", "12/05/1975", "014075000123", "0912000111",
             "Chủ hộ", "HAY-01", "Bản Hày", "Thái"]]  # fmt: skip

    # when
    row = only_row(parse(workbook([headers, *rows])))

    # then
    assert (row.household_code, row.hamlet_key, row.cccd, row.phone, row.ethnicity) == (
        "HAY-01",
        "Bản Hày",
        "014075000123",
        "0912000111",
        "Thái",
    )


def test_blank_rows_between_blocks_and_a_repeated_header_are_skipped() -> None:
    # given: two blocks pasted one under the other, with blank rows and the header again
    data = workbook(
        [
            [TITLE],
            LABELS,
            *as_cells([head("HAY-01"), relative("HAY-01")]),
            [],
            [None, None, None],
            LABELS,
            *as_cells([head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong")]),
        ]
    )

    # when
    result = parse(data)

    # then
    assert not result.errors
    assert [(row.row, row.household_code) for row in result.rows] == [
        (3, "HAY-01"),
        (4, "HAY-01"),
        (8, "CO-01"),
    ]


# Values: dates, CCCDs, Unicode, spaces, formulas


@pytest.mark.parametrize(
    ("cell", "birth_date", "birth_year"),
    [
        pytest.param("05/09/1987", datetime.date(1987, 9, 5), 1987, id="dd/mm/yyyy text"),
        pytest.param("5.9.1987", datetime.date(1987, 9, 5), 1987, id="d.m.yyyy text"),
        pytest.param(datetime.date(1990, 1, 2), datetime.date(1990, 1, 2), 1990, id="date cell"),
        pytest.param(32874, datetime.date(1990, 1, 1), 1990, id="Excel serial number"),
        pytest.param(1985, None, 1985, id="year as a number"),
        pytest.param("1985", None, 1985, id="year as text"),
    ],
)
def test_birth_is_read_from_each_shape_real_sheets_use(
    cell: Any, birth_date: datetime.date | None, birth_year: int
) -> None:
    # given
    data = people_sheet(head(birth=cell))

    # when
    row = only_row(parse(data))

    # then
    assert (row.birth_date, row.birth_year) == (birth_date, birth_year)


def test_a_date_read_from_an_excel_serial_number_is_reported_as_a_fix() -> None:
    # given
    data = people_sheet(head(birth=32874))

    # when
    result = parse(data)

    # then
    assert [(f.row, f.column, f.value) for f in result.fixes] == [(3, "Ngày sinh", "32874")]
    assert "01/01/1990" in result.fixes[0].message


@pytest.mark.parametrize("cell", ["31/02/1990", "hôm qua", "12/1990"])
def test_an_unreadable_birth_is_an_error_naming_row_and_column(cell: str) -> None:
    # given
    data = people_sheet(head(birth=cell))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "Ngày sinh", cell)]
    assert result.rows == []


def test_a_birth_in_the_future_is_not_plausible() -> None:
    # given
    data = people_sheet(head(birth="01/01/2030"))

    # when
    result = parse(data, context(today=datetime.date(2025, 9, 1)))

    # then
    assert [(e.column, e.message) for e in result.errors] == [
        ("Ngày sinh", vi("The date of birth is not plausible."))
    ]


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(38080012345, id="number that lost its zero"),
        pytest.param("38080012345", id="text that lost its zero"),
        pytest.param("38080012345.0", id="text of a float"),
    ],
)
def test_a_cccd_that_lost_its_leading_zero_is_restored_and_the_fix_reported(cell: Any) -> None:
    # given: born 1980, male, registered in Thanh Hóa (038)
    data = people_sheet(head(birth="01/02/1980", cccd=cell, sex="Nam"))

    # when
    result = parse(data)

    # then
    assert only_row(result).cccd == "038080012345"
    assert [(f.row, f.column) for f in result.fixes] == [(3, "Số CCCD")]
    assert result.fixes[0].message == vi("leading zero restored: %(value)s", value="038080012345")


def test_a_cccd_written_with_spaces_is_compacted_and_the_fix_says_so() -> None:
    # given
    data = people_sheet(head(birth="01/02/1980", cccd="038 080 012 345"))

    # when
    result = parse(data)

    # then
    assert only_row(result).cccd == "038080012345"
    assert [(f.column, f.value) for f in result.fixes] == [("Số CCCD", "038 080 012 345")]
    assert result.fixes[0].message == vi("spaces and dots removed: %(value)s", value="038080012345")


@pytest.mark.parametrize(
    ("cccd", "reason"),
    [
        ("0380800123A5", "A CCCD has exactly 12 digits."),
        ("0380800123456", "A CCCD has exactly 12 digits."),
        ("999080012345", "The first three digits are not a province code."),
        ("038180012345", "The fourth digit does not match the sex and century of birth."),
        ("038280012345", "The fourth digit does not match the sex and century of birth."),
        ("038081012345", "Digits 5–6 do not match the year of birth."),
    ],
)
def test_an_invalid_cccd_is_an_error_with_its_reason(cccd: str, reason: str) -> None:
    # given: a man born in 1980
    data = people_sheet(head(birth=1980, sex="Nam", cccd=cccd))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (3, "Số CCCD", cccd, vi(reason))
    ]
    assert result.rows == []


def test_decomposed_unicode_is_normalised_to_nfc_and_the_fix_reported() -> None:
    # given: text pasted from a Mac or an old font converter, in NFD
    name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert name != unicodedata.normalize("NFC", name)
    data = people_sheet(
        head(
            full_name=name,
            hamlet=unicodedata.normalize("NFD", "Bản Hày"),
            ethnicity=unicodedata.normalize("NFD", "Thái"),
            address=unicodedata.normalize("NFD", "Bản Hày, xã Mường Giôn"),
            sex="Nữ",
        )
    )

    # when
    result = parse(data)

    # then
    row = only_row(result)
    assert row.full_name == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", row.full_name)
    assert row.hamlet_key == "Bản Hày"
    assert row.ethnicity == "Thái"
    assert row.address == "Bản Hày, xã Mường Giôn"
    assert [(f.column, f.value) for f in fixes_for(result, "Họ và tên")] == [
        ("Họ và tên", "Nguyễn Thị Ánh")
    ]
    assert fixes_for(result, "Họ và tên")[0].message == vi("Unicode normalised (NFC)")


def test_stray_spaces_are_collapsed_and_the_fix_reported() -> None:
    # given
    data = people_sheet(head(full_name="  Lường   Văn\u00a0Dũng ", household_code=" HAY-01 "))

    # when
    result = parse(data)

    # then
    row = only_row(result)
    assert row.full_name == "Lường Văn Dũng"
    assert row.household_code == "HAY-01"
    assert [fix.column for fix in result.fixes] == ["Họ và tên"]
    assert result.fixes[0].message == vi("extra spaces removed")


def test_an_ethnicity_spelled_another_way_is_written_as_its_official_name() -> None:
    # given
    data = people_sheet(head(ethnicity="H'Mông"))

    # when
    result = parse(data)

    # then
    assert only_row(result).ethnicity == "Mông"
    assert [(f.column, f.value, f.message) for f in result.fixes] == [
        ("Dân tộc", "H'Mông", vi("written as the official name %(name)s", name="Mông"))
    ]


def test_a_nine_digit_phone_gets_its_leading_zero_back() -> None:
    # given: Excel stored 0912000111 as a number
    data = people_sheet(head(phone=912000111))

    # when
    result = parse(data)

    # then
    assert only_row(result).phone == "0912000111"
    assert [f.column for f in result.fixes] == ["Điện thoại"]


def test_formulas_are_read_as_the_values_excel_computed() -> None:
    # given: xlsxwriter stores the formula with its cached result, as Excel does
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for column, label in enumerate(LABELS):
        sheet.write_string(0, column, label)
    values = head(code="HAY-01")
    for column, field in enumerate(FIELDS):
        if values.get(field) is not None:
            sheet.write(1, column, values[field])
    name_column = FIELDS.index("full_name")
    code_column = FIELDS.index("household_code")
    birth_column = FIELDS.index("birth")
    sheet.write_formula(1, name_column, '="Nguyễn "&"Văn A"', None, "Nguyễn Văn A")
    sheet.write_formula(1, code_column, '="HAY-"&TEXT(1,"00")', None, "HAY-01")
    sheet.write_formula(1, birth_column, "=1900+75", None, 1975)
    book.close()

    # when
    row = only_row(parse(buffer.getvalue()))

    # then
    assert (row.full_name, row.household_code, row.birth_year) == ("Nguyễn Văn A", "HAY-01", 1975)


def test_every_field_of_a_full_row_is_read() -> None:
    # given
    data = people_sheet(
        head(
            cccd="014075000123",
            phone="0912 000 111",
            target_group="Cán bộ, công chức, viên chức",
            is_worker="x",
            digital_skill="Thành thạo",
            organisation="trường tiểu học mường giôn",
            address="Bản Hày",
        )
    )

    # when
    row = only_row(parse(data, context(organisations=["Trường Tiểu học Mường Giôn"])))

    # then
    assert row == importing.PersonRow(
        row=3,
        household_code="HAY-01",
        hamlet_key="Bản Hày",
        full_name="Lường Văn Dũng",
        relation="head",
        sex="male",
        birth_date=datetime.date(1975, 5, 12),
        birth_year=1975,
        ethnicity="Thái",
        cccd="014075000123",
        phone="0912000111",
        target_group="official",
        is_worker=True,
        digital_skill="proficient",
        organisation="Trường Tiểu học Mường Giôn",
        address="Bản Hày",
    )


# Whole-file errors


def sheet_error(data: bytes) -> str:
    with pytest.raises(importing.SheetError) as raised:
        parse(data)
    return str(raised.value)


def test_a_text_file_renamed_to_xlsx_is_refused() -> None:
    # when
    message = sheet_error("Họ và tên;Giới tính\nLò Văn A;Nam\n".encode())

    # then
    assert message == vi("This is not an Excel (.xlsx) file.")


def test_a_password_protected_workbook_is_refused_with_its_own_message() -> None:
    # given: Excel encrypts a workbook into an OLE container holding an "EncryptedPackage"
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(504)
        + "EncryptionInfo".encode("utf-16-le")
        + bytes(50)
        + "EncryptedPackage".encode("utf-16-le")
        + bytes(2000)
    )

    # when
    message = sheet_error(data)

    # then
    assert message == vi(
        "The workbook is protected by a password. Remove the password and upload it again."
    )


def test_an_old_xls_file_is_refused_with_advice_to_save_as_xlsx() -> None:
    # given: an OLE container without an encrypted package
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)

    # when
    message = sheet_error(data)

    # then
    assert message == vi(
        "This is an old Excel 97-2003 (.xls) file or a password-protected workbook. "
        "Open it in Excel and save it as .xlsx, without a password."
    )


def test_a_truncated_workbook_is_reported_as_damaged() -> None:
    # given: the first kilobyte of a real workbook
    data = people_sheet(head())[:1024]
    assert data.startswith(b"PK\x03\x04")

    # when
    message = sheet_error(data)

    # then
    assert message == vi("The workbook is damaged and cannot be read.")


def test_a_zip_that_is_not_a_workbook_is_reported_as_damaged() -> None:
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    # when
    message = sheet_error(buffer.getvalue())

    # then
    assert message == vi("The workbook is damaged and cannot be read.")


def test_an_empty_file_is_refused() -> None:
    assert sheet_error(b"") == vi("The file is empty.")


def test_a_workbook_with_an_empty_sheet_is_refused() -> None:
    # when
    message = sheet_error(workbook([]))

    # then
    assert message == vi("The workbook has no data.")


def test_a_sheet_with_no_recognisable_header_is_refused() -> None:
    # given
    data = workbook([["STT", "Tên hàng", "Số lượng"], [1, "Gạo", 20], [2, "Muối", 5]])

    # when
    message = sheet_error(data)

    # then
    assert message == vi(
        "No header row was recognised. The sheet needs at least the columns "
        "“Họ và tên”, “Giới tính” and “Ngày sinh”; download the template to see them all."
    )


def test_a_sheet_missing_a_required_column_names_it() -> None:
    # given: everything but the relation to the head
    headers = [label for label in LABELS if label != "Quan hệ với chủ hộ"]
    data = workbook([headers, ["HAY-01", "Bản Hày", "Lò Văn A", "Nam", 1975]])

    # when
    message = sheet_error(data)

    # then
    assert message == vi(
        "The sheet lacks these columns: %(columns)s.", columns="Quan hệ với chủ hộ"
    )


def test_a_header_without_rows_is_refused() -> None:
    assert sheet_error(workbook([[TITLE], LABELS])) == vi(
        "The sheet has a header but no rows of data."
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    data = people_sheet(head())
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1024 * 1024)
    oversize = data + bytes(1024 * 1024)

    # when
    with pytest.raises(importing.SheetError) as raised:
        importing.open_upload(io.BytesIO(oversize))

    # then
    assert str(raised.value) == vi(
        "The file is too large (%(size)s MB); the limit is %(limit)s MB.", size="1.0", limit=1
    )


def test_the_data_sheet_is_found_behind_an_instructions_sheet() -> None:
    # given: the first sheet holds instructions, the second the list
    book = io.BytesIO()
    writer = xlsxwriter.Workbook(book, {"in_memory": True})
    writer.add_worksheet("Hướng dẫn").write_string(0, 0, "Mỗi dòng là một người.")
    data_sheet = writer.add_worksheet("Danh sách")
    for row_index, row in enumerate([LABELS, *as_cells([head()])]):
        for column, value in enumerate(row):
            if value is not None:
                data_sheet.write(row_index, column, value)
    writer.close()

    # when
    result = parse(book.getvalue())

    # then
    assert [row.full_name for row in result.rows] == ["Lường Văn Dũng"]


# Row errors and checks across rows


def test_every_bad_row_is_listed_with_row_column_as_written_and_reason() -> None:
    # given: headers as an old sheet writes them, and four bad rows among good ones
    headers = ["HỌ VÀ TÊN" if label == "Họ và tên" else label for label in LABELS]
    headers = ["GIỚI" if label == "Giới tính" else label for label in headers]
    data = people_sheet(
        head("HAY-01"),
        relative("HAY-01", full_name=""),
        relative("HAY-01", full_name="Lò Văn Bun", sex="Không rõ"),
        head("HAY-02", full_name="Lò Văn Ca", relation="Trưởng bản"),
        head("HAY-03", full_name="Lò Văn Đôi", ethnicity="Sao Hỏa"),
        headers=headers,
    )

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (4, "HỌ VÀ TÊN", "", vi("The name is missing.")),
        (5, "GIỚI", "Không rõ", vi("Sex must be Nam or Nữ.")),
        (
            6,
            "Quan hệ với chủ hộ",
            "Trưởng bản",
            vi("Unknown relation to the head; use e.g. Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu."),
        ),
        (7, "Dân tộc", "Sao Hỏa", vi("Unknown ethnic group.")),
    ]
    assert [row.row for row in result.rows] == [3]


def test_the_same_cccd_twice_in_the_file_is_an_error_on_the_second_row() -> None:
    # given
    data = people_sheet(
        head("HAY-01", cccd="014075000123"),
        head("HAY-02", full_name="Lò Văn Ca", cccd="014075000123"),
    )

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "Số CCCD", "014075000123")]
    assert result.errors[0].message == vi("The same CCCD is on row %(row)s.", row=3)


def test_a_household_with_two_heads_is_an_error_on_the_second_head() -> None:
    # given
    data = people_sheet(head("HAY-01"), head("HAY-01", full_name="Lò Văn Ca", birth=1950))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (
            4,
            "Quan hệ với chủ hộ",
            vi("Household %(code)s already has a head on row %(row)s.", code="HAY-01", row=3),
        )
    ]


def test_a_household_without_a_head_is_an_error_on_its_first_row() -> None:
    # given
    data = people_sheet(head("HAY-01"), relative("HAY-02"), relative("HAY-02", full_name="Lò A"))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (
            4,
            "Quan hệ với chủ hộ",
            "HAY-02",
            vi("Household %(code)s has no head (Chủ hộ).", code="HAY-02"),
        )
    ]


def test_members_of_one_household_in_two_hamlets_is_an_error() -> None:
    # given
    data = people_sheet(head("HAY-01"), relative("HAY-01", "Bản Cọ"))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (
            4,
            "Thôn, bản, tổ dân phố",
            vi("Members of one household must live in the same hamlet as row %(row)s.", row=3),
        )
    ]


def test_a_cccd_already_registered_is_an_error() -> None:
    # given
    data = people_sheet(head(cccd="014075000123"))

    # when
    result = parse(data, context(existing_cccds={"014075000123"}))

    # then
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Số CCCD", vi("A person with this CCCD is already registered."))
    ]


def test_a_household_code_already_in_the_commune_is_an_error() -> None:
    # given
    data = people_sheet(head("HAY-01"), relative("HAY-01"), head("HAY-02", full_name="Lò A"))

    # when
    result = parse(data, context(existing_household_codes={"HAY-01"}))

    # then
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (3, "Mã hộ", "HAY-01", vi("This household code already exists in the commune."))
    ]


def test_the_same_name_and_birth_year_in_one_household_is_only_a_warning() -> None:
    # given: the same child entered twice, once with a date and once with the year
    data = people_sheet(
        head("HAY-01"),
        relative("HAY-01", full_name="Lò Văn Khánh", relation="Con", sex="Nam", birth=2005),
        relative("HAY-01", full_name="LÒ VĂN KHÁNH", relation="Con", sex="Nam", birth="3/4/2005"),
    )

    # when
    result = parse(data)

    # then
    assert result.errors == []
    assert len(result.rows) == 3
    assert [(w.row, w.column, w.value) for w in result.warnings] == [
        (5, "Họ và tên", "LÒ VĂN KHÁNH")
    ]
    assert result.warnings[0].message == vi(
        "Same name and year of birth as row %(row)s in this household; "
        "check it is not entered twice.",
        row=4,
    )


def test_the_same_name_and_year_in_two_households_is_not_a_warning() -> None:
    # given
    data = people_sheet(head("HAY-01"), head("HAY-02"))

    # when
    result = parse(data)

    # then
    assert (result.errors, result.warnings) == ([], [])


def test_a_hamlet_of_another_commune_is_an_error() -> None:
    # given: Tổ dân phố 1 belongs to Phường Tô Hiệu, not to this commune
    data = people_sheet(head("TDP-01", "Tổ dân phố 1"))

    # when
    result = parse(data)

    # then
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (3, "Thôn, bản, tổ dân phố", "Tổ dân phố 1")
    ]
    assert result.errors[0].message == vi("No hamlet of this name in the commune.")


def test_a_hamlet_outside_the_importers_area_is_an_error() -> None:
    # given: the importer may write to Bản Hày only
    data = people_sheet(head("HAY-01"), head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong"))

    # when
    result = parse(data, context(allowed_hamlets={"Bản Hày"}))

    # then
    assert [(e.row, e.value, e.message) for e in result.errors] == [
        (4, "Bản Cọ", vi("This hamlet is outside your area."))
    ]


def test_an_unknown_organisation_is_an_error() -> None:
    # given
    data = people_sheet(head(organisation="Công ty Ma"))

    # when
    result = parse(data, context(organisations=["Trường Tiểu học Mường Giôn"]))

    # then
    assert [(e.row, e.column) for e in result.errors] == [(3, "Nơi làm việc, học tập")]


def test_one_bad_row_among_ten_thousand_is_the_only_error() -> None:
    # given
    people = [
        head(f"H{n:05d}", full_name=f"Lò Văn {n}", birth=1950 + n % 50) for n in range(10_000)
    ]
    people[7_321]["sex"] = "?"

    # when
    result = parse(people_sheet(*people))

    # then
    assert result.total_rows == 10_000
    assert [(e.row, e.column) for e in result.errors] == [(7_321 + 3, "Giới tính")]
    assert len(result.rows) == 9_999


def test_progress_is_reported_while_checking() -> None:
    # given
    people = [head(f"H{n:05d}", full_name=f"Lò Văn {n}") for n in range(2_500)]
    calls: list[tuple[int, int]] = []

    # when
    importing.parse_people_sheet(
        importing.read_rows(people_sheet(*people)),
        context(),
        progress=lambda done, total: calls.append((done, total)),
    )

    # then
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
