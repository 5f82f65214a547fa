"""Exports of the people list through the pages: the current filtered list, in the
template's layout, as .xlsx and streamed .csv, with nothing from outside the user's area."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry import excel, importing, selectors, services
from hoctap.registry.tests.records import (
    IMMEDIATE_TASKS,
    Registry,
    add_household,
    build_registry,
    database_state,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_COLUMN = excel.HEADERS.index("Họ và tên")
CODE_COLUMN = excel.HEADERS.index("Mã hộ")
ALL_OURS = {"Nguyễn Văn Án", "Lò Thị Bình", "Cầm Văn Cường"}
THEIRS = "Trần Thị Dung"


@pytest.fixture(autouse=True)
def fast_settings(settings: Any) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def registry(tree: Tree, people: People, django_capture_on_commit_callbacks: Any) -> Registry:
    return build_registry(tree, people, django_capture_on_commit_callbacks)


def xlsx_rows(response: Any) -> tuple[list[Any], list[list[str]]]:
    """(the header row, the data rows) of an exported workbook."""
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0]  # the title row
    return rows[2], [[cell or "" for cell in row] for row in rows[3:]]


def csv_rows(response: Any) -> tuple[list[str], list[list[str]]]:
    assert response.streaming  # streamed, never built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    return rows[0], rows[1:]


def export(client: Client, fmt: str, **filters: str) -> tuple[list[Any], list[list[str]]]:
    response = client.get(reverse(f"registry:people_export_{fmt}"), filters)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)


def names(rows: list[list[str]]) -> list[str]:
    return [row[NAME_COLUMN] for row in rows]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_anonymous_visitor_is_sent_to_login(client: Client, registry: Registry, fmt: str):
    response = client.get(reverse(f"registry:people_export_{fmt}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_official_of_another_commune_exports_only_their_own_people(
    client: Client, people: People, registry: Registry, fmt: str
):
    client.force_login(people.other_commune_official)
    before = database_state()
    _header, rows = export(client, fmt)
    assert names(rows) == [THEIRS]
    # Asking for our hamlet by key is not a choice of theirs: the filter is dropped, not obeyed.
    _header, rows = export(client, fmt, hamlet="03694-001")
    assert names(rows) == [THEIRS]
    # Nothing changed but the access log: each export is recorded, with who asked for it.
    after = database_state()
    exports = AuditEvent.objects.filter(
        action="registry.export", actor=people.other_commune_official
    )
    assert exports.count() == 2
    assert after.pop("audit") == before.pop("audit") + 2
    assert after == before


@pytest.mark.parametrize("who", ["commune_official", "province_official"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_is_the_current_filtered_list_in_the_template_layout(
    client: Client, tree: Tree, people: People, registry: Registry, who: str, fmt: str
):
    # given
    user = getattr(people, who)
    client.force_login(user)
    filters = {"hamlet": tree.hamlet.key, "q": "van"}
    # when
    header, rows = export(client, fmt, **filters)
    # then the header is the template's, so the file imports back
    assert list(header) == excel.HEADERS
    _index, mapping = importing.find_header([list(header)])
    assert set(mapping.values()) == {column.field for column in importing.COLUMNS}
    # and the rows are exactly the filtered list, in its order
    expected = selectors.person_list(
        user=user, filters=selectors.PersonFilter(q="van", hamlet=tree.hamlet.key)
    )
    assert names(rows) == [person.full_name for person in expected] == ["Nguyễn Văn Án"]
    row = rows[0]
    assert row[CODE_COLUMN] == "HH-001"
    assert row[excel.HEADERS.index("Số CCCD")] == "014080000001"  # text, leading zero kept
    assert row[excel.HEADERS.index("Quan hệ với chủ hộ")] == "Chủ hộ"
    assert row[excel.HEADERS.index("Người lao động")] == "x"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_unfiltered_export_holds_every_page_of_the_list(
    client: Client, tree: Tree, people: People, registry: Registry, fmt: str
):
    for number in range(14):
        add_household(
            people.admin,
            tree.other_hamlet,
            f"E-{number:02d}",
            [{"full_name": f"Quàng Văn {number} {m}", "birth_year": 1995} for m in range(4)],
        )
    client.force_login(people.commune_official)
    _header, rows = export(client, fmt)
    exported = names(rows)
    assert len(exported) == 3 + 56  # more than one page of 50
    assert set(exported) >= ALL_OURS
    assert THEIRS not in exported


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_collector_exports_only_their_hamlet(
    client: Client, people: People, registry: Registry, fmt: str
):
    client.force_login(people.collector)
    _header, rows = export(client, fmt)
    assert sorted(names(rows)) == ["Lò Thị Bình", "Nguyễn Văn Án"]


def test_export_filename_names_the_area(client: Client, tree: Tree, people: People, registry):
    client.force_login(people.commune_official)
    response = client.get(reverse("registry:people_export_csv"))
    assert response["Content-Disposition"] == (
        'attachment; filename="danh-sach-nhan-khau-xa-muong-gion.csv"'
    )
    response = client.get(reverse("registry:people_export_xlsx"), {"hamlet": tree.hamlet.key})
    assert response["Content-Disposition"] == (
        'attachment; filename="danh-sach-nhan-khau-ban-hay.xlsx"'
    )


def test_export_buttons_carry_the_filters(client: Client, tree: Tree, people: People, registry):
    client.force_login(people.commune_official)
    page = client.get(reverse("registry:people"), {"q": "binh", "worker": "no"}).content.decode()
    assert f'href="{reverse("registry:people_export_csv")}?q=binh&amp;worker=no"' in page
    _header, rows = export(client, "csv", q="binh", worker="no")
    assert names(rows) == ["Lò Thị Bình"]


def test_formula_like_text_is_neutralised(
    client: Client, tree: Tree, people: People, registry: Registry
):
    services.person_create(
        actor=people.admin,
        household=registry.household,
        commune=tree.commune,
        hamlet=tree.hamlet,
        full_name="=HYPERLINK(1)",
        sex="male",
        birth_year=2001,
        relation="child",
    )
    client.force_login(people.commune_official)
    _header, rows = export(client, "csv", q="hyperlink")
    assert names(rows) == ["'=HYPERLINK(1)"]
    response = client.get(reverse("registry:people_export_xlsx"), {"q": "hyperlink"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet.cell(row=4, column=NAME_COLUMN + 1)
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"  # stored as text, never evaluated
