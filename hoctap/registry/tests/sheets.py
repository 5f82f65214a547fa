"""Real .xlsx files for import tests, built the way communes' own sheets look.

openpyxl writes merged cells, typed cells and number formats; xlsxwriter is used where a
formula needs a cached result (calamine reads the cached value, openpyxl never writes one)
and for large files, which it streams quickly.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
import xlsxwriter

from hoctap.registry import importing
from hoctap.registry.importing import COLUMNS

LABELS = [column.label for column in COLUMNS]
FIELDS = [column.field for column in COLUMNS]
TITLE = "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU NĂM 2025"


def member(**values: Any) -> dict[str, Any]:
    """A row of the template, by field name; fields not given stay empty."""
    unknown = set(values) - set(FIELDS)
    assert not unknown, unknown
    return values


def head(code: str = "HAY-01", hamlet: str = "Bản Hày", **values: Any) -> dict[str, Any]:
    """A head of household with the required fields filled."""
    row: dict[str, Any] = {
        "household_code": code,
        "hamlet": hamlet,
        "full_name": "Lường Văn Dũng",
        "relation": "Chủ hộ",
        "sex": "Nam",
        "birth": "12/05/1975",
        "ethnicity": "Thái",
    }
    return member(**(row | values))


def relative(code: str = "HAY-01", hamlet: str = "Bản Hày", **values: Any) -> dict[str, Any]:
    """Another member of a household, by default the head's wife."""
    row: dict[str, Any] = {
        "household_code": code,
        "hamlet": hamlet,
        "full_name": "Lò Thị Én",
        "relation": "Vợ",
        "sex": "Nữ",
        "birth": 1978,
        "ethnicity": "Thái",
    }
    return member(**(row | values))


def as_cells(people: Iterable[dict[str, Any]], fields: Sequence[str] = FIELDS) -> list[list[Any]]:
    return [[person.get(field) for field in fields] for person in people]


def workbook(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    sheet_title: str = "Danh sách",
) -> bytes:
    """An .xlsx whose first sheet holds `rows` from A1 (None leaves a cell empty)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title
    for row_index, row in enumerate(rows, start=1):
        for column_index, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_index, column=column_index, value=value)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people_sheet(
    *people: dict[str, Any],
    headers: Sequence[str] = LABELS,
    title_rows: int = 1,
) -> bytes:
    """Title rows, the header (template labels unless given), then one row per person."""
    titles: list[list[Any]] = [[TITLE]] + [[] for _ in range(title_rows - 1)]
    return workbook([*titles[:title_rows], list(headers), *as_cells(people)])


def large_people_sheet(rows: Iterable[Sequence[Any]]) -> bytes:
    """Many rows under a title and the template header, streamed by xlsxwriter."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    sheet.write_string(0, 0, TITLE)
    for column, label in enumerate(LABELS):
        sheet.write_string(1, column, label)
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row_index, column, value)
            else:
                sheet.write_number(row_index, column, value)
    book.close()
    return buffer.getvalue()


def numbered_households(count: int, *, hamlet: str = "Bản Hày") -> list[list[Any]]:
    """`count` valid rows: households of one head and two children, all distinct."""
    rows: list[dict[str, Any]] = []
    for number in range(count):
        code = f"H{number // 3:05d}"
        if number % 3 == 0:
            rows.append(head(code, hamlet, full_name=f"Lò Văn {number}", birth=1960 + number % 40))
        else:
            rows.append(
                relative(
                    code,
                    hamlet,
                    full_name=f"Lò Thị {number}",
                    relation="Con",
                    birth=f"01/01/{1990 + number % 30}",
                )
            )
    return as_cells(rows)


def context(
    *,
    hamlets: Sequence[str] = ("Bản Hày", "Bản Cọ"),
    allowed_hamlets: set[str] | None = None,
    existing_cccds: Iterable[str] = (),
    existing_household_codes: Iterable[str] = (),
    organisations: Sequence[str] = (),
    today: datetime.date = datetime.date(2025, 9, 1),
) -> importing.ParseContext:
    """A parse context for a commune with these hamlets (keyed by their names)."""
    registered_cccds = set(existing_cccds)
    registered_codes = set(existing_household_codes)
    return importing.ParseContext(
        hamlets={importing._key(name): name for name in hamlets},
        allowed_hamlets=allowed_hamlets,
        existing_cccds=lambda values: registered_cccds & set(values),
        existing_household_codes=lambda values: registered_codes & set(values),
        organisations={importing._key(name): name for name in organisations},
        today=today,
    )


def parse(
    data: bytes, parse_context: importing.ParseContext | None = None
) -> importing.ParseResult:
    """Read and check a workbook the way the import task does."""
    return importing.parse_people_sheet(importing.read_rows(data), parse_context or context())
