"""The import template and the exports: same column layout, so an export imports back."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.registry import excel, importing, services
from hoctap.registry.importing import COLUMNS
from hoctap.registry.models import Household, ImportJob, ImportStatus, Person
from hoctap.registry.tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory
from hoctap.registry.tests.sheets import head, people_sheet, relative

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    with translation.override("vi"):
        yield


def import_sheet(capture: Capture, actor: Any, commune: Any, data: bytes) -> ImportJob:
    """Upload, check and commit, running the tasks at once."""
    with capture(execute=True):
        job = services.import_job_create(
            actor=actor, commune=commune, filename="danh-sach.xlsx", data=data
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, (job.message, job.errors)
    with capture(execute=True):
        services.import_job_request_commit(actor=actor, job=job, accept_warnings=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    return job


def people_of(commune: Any) -> list[Person]:
    return list(
        Person.objects.filter(commune=commune)
        .select_related("household", "hamlet", "organisation")
        .order_by("household__code", "id")
    )


# The template


def test_the_template_has_instructions_a_list_sheet_and_the_template_headers(
    tree: Tree,
) -> None:
    # when
    book = openpyxl.load_workbook(
        io.BytesIO(excel.people_template(tree.commune, ["Bản Hày", "Bản Cọ"]))
    )

    # then
    assert book.sheetnames[:2] == ["Hướng dẫn", "Danh sách"]
    assert book.active is not None
    assert book.active.title == "Danh sách"
    sheet = book["Danh sách"]
    assert [cell.value for cell in sheet[3]] == [column.label for column in COLUMNS]
    assert "Chủ hộ" in str(book["Hướng dẫn"]["A3"].value)


def test_the_template_offers_drop_down_lists_for_hamlet_sex_and_ethnicity(tree: Tree) -> None:
    # given
    book = openpyxl.load_workbook(
        io.BytesIO(excel.people_template(tree.commune, ["Bản Hày", "Bản Cọ"]))
    )
    sheet = book["Danh sách"]
    letters = {
        column.field: openpyxl.utils.get_column_letter(index)
        for index, column in enumerate(COLUMNS, start=1)
    }

    # when
    lists = {
        str(rule.sqref).split(":")[0].rstrip("0123456789"): rule
        for rule in sheet.data_validations.dataValidation
    }

    # then
    for field in ("hamlet", "sex", "ethnicity", "relation", "target_group", "digital_skill"):
        assert letters[field] in lists, field
        assert lists[letters[field]].type == "list"
    choices = book["Danh mục"]

    def options(field: str) -> list[Any]:
        formula = lists[letters[field]].formula1  # ='Danh mục'!$A$1:$A$2
        cells = formula.split("!")[1].replace("$", "")
        return [row[0].value for row in choices[cells]]

    assert options("hamlet") == ["Bản Hày", "Bản Cọ"]
    assert options("sex") == ["Nam", "Nữ"]
    assert "Thái" in options("ethnicity")
    assert "Mông" in options("ethnicity")
    assert len(options("ethnicity")) == 54
    assert choices.sheet_state == "hidden"


def test_an_empty_template_filled_with_two_rows_imports_cleanly(
    tree: Tree, people: People, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: an official fills the downloaded template in Excel
    book = openpyxl.load_workbook(
        io.BytesIO(excel.people_template(tree.commune, ["Bản Hày", "Bản Cọ"]))
    )
    sheet = book["Danh sách"]
    rows: list[list[Any]] = [
        ["HAY-01", "Bản Hày", "Lường Văn Dũng", "Chủ hộ", "Nam", "12/05/1975", "Thái",
         "014075000123", "0912000111", "Người lao động", "x", "Cơ bản", None, "Bản Hày"],
        ["HAY-01", "Bản Hày", "Lò Thị Én", "Vợ", "Nữ", "1978", "Thái"],
    ]  # fmt: skip
    for row_number, values in enumerate(rows, start=4):  # right under the header
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)

    # when
    job = import_sheet(
        django_capture_on_commit_callbacks, people.commune_official, tree.commune, buffer.getvalue()
    )

    # then
    assert (job.errors, job.warnings, job.fixes) == ([], [], [])
    dung, en = people_of(tree.commune)
    assert (dung.full_name, dung.cccd, dung.is_worker, dung.target_group) == (
        "Lường Văn Dũng",
        "014075000123",
        True,
        "worker",
    )
    assert (en.full_name, en.birth_year, en.relation) == ("Lò Thị Én", 1978, "spouse")


# Round trip


def test_an_export_imported_into_an_empty_commune_gives_the_same_records(
    tree: Tree, people: People, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: commune A imported a sheet with every relation, both birth shapes and all fields
    capture = django_capture_on_commit_callbacks
    OrganisationFactory(commune=tree.commune, name="Trường Tiểu học Mường Giôn")
    source = people_sheet(
        head("HAY-01", cccd="014075000123", phone="0912000111", address="Số 5, Bản Hày",
             target_group="Người lao động", is_worker="x", digital_skill="Cơ bản"),
        relative("HAY-01", cccd="014178000456", phone="0987654321"),
        relative("HAY-01", full_name="Lò Văn Khánh", relation="Con", sex="Nam",
                 birth="03/04/2010", target_group="Học sinh sinh viên",
                 organisation="Trường Tiểu học Mường Giôn"),
        relative("HAY-01", full_name="Lò Thị Hoa", relation="Con dâu", birth="1999"),
        relative("HAY-01", full_name="Lò Văn Bình", relation="Cháu", sex="Nam", birth=2020),
        relative("HAY-01", full_name="Lường Văn Pọm", relation="Bố", sex="Nam", birth=1948,
                 digital_skill="Không"),
        relative("HAY-01", full_name="Quàng Thị Ún", relation="Bà", birth=1930),
        relative("HAY-01", full_name="Lường Văn Xôm", relation="Em", sex="Nam", birth=1980,
                 target_group="Cán bộ công chức viên chức", digital_skill="Thành thạo"),
        relative("HAY-01", full_name="Lò Văn Tủa", relation="Khác", sex="Nam", birth=1990),
        head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong", birth="1960", ethnicity="Kinh"),
    )  # fmt: skip
    import_sheet(capture, people.commune_official, tree.commune, source)
    before = people_of(tree.commune)
    assert {p.relation for p in before} == {
        "head", "spouse", "child", "child_in_law", "grandchild", "parent",
        "grandparent", "sibling", "other",
    }  # fmt: skip

    # and commune B, empty, has hamlets of the same names and the same school
    commune_b = units.commune(tree.province, "Xã Chiềng Lương", key="04000")
    hamlets_b = {
        "Bản Hày": units.hamlet(commune_b, "Bản Hày", key="04000-001"),
        "Bản Cọ": units.hamlet(commune_b, "Bản Cọ", key="04000-002"),
    }
    OrganisationFactory(commune=commune_b, name="Trường Tiểu học Mường Giôn")

    # when: A's list is exported; A's records are then deleted, because a CCCD is unique
    # across the whole system and the same people cannot be registered twice
    exported = excel.people_export_xlsx(before, "Danh sách nhân khẩu xã Mường Giôn")
    snapshot = [record(p) for p in before]
    Person.objects.filter(commune=tree.commune).delete()
    Household.objects.filter(commune=tree.commune).delete()
    job = import_sheet(capture, people.province_official, commune_b, exported)

    # then
    after = people_of(commune_b)
    assert job.fixes == []
    assert [record(p) for p in after] == snapshot
    assert {p.hamlet for p in after} == set(hamlets_b.values())
    assert {h.head.full_name for h in Household.objects.filter(commune=commune_b) if h.head} == {
        "Lường Văn Dũng",
        "Cầm Văn Phong",
    }


def record(person: Person) -> dict[str, Any]:
    """A person's fields that an export carries, with places by name."""
    household = person.household
    assert household is not None
    return {
        "household": household.code,
        "household_address": household.address,
        "household_phone": household.phone,
        "hamlet": person.hamlet.name if person.hamlet else None,
        "full_name": person.full_name,
        "relation": person.relation,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_year": person.birth_year,
        "ethnicity": person.ethnicity,
        "cccd": person.cccd,
        "phone": person.phone,
        "target_group": person.target_group,
        "is_worker": person.is_worker,
        "is_adult": person.is_adult,
        "digital_skill": person.digital_skill,
        "organisation": person.organisation.name if person.organisation else None,
        "search_name": person.search_name,
    }


# Exports


@pytest.fixture
def tricky_person(tree: Tree) -> Person:
    household = HouseholdFactory(hamlet=tree.hamlet, code="HAY-07", address="@Bản Hày")
    person: Person = PersonFactory.create(
        household=household,
        relation="head",
        full_name='=HYPERLINK("http://x.example","Bấm")',
        phone="+84912000111",
        birth_date=datetime.date(1975, 5, 12),
    )
    return person


def test_the_csv_export_escapes_cells_a_spreadsheet_would_run_as_formulas(
    tricky_person: Person,
) -> None:
    # when
    text = "".join(excel.people_export_csv([tricky_person]))

    # then
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == [column.label for column in COLUMNS]
    values = dict(zip([column.field for column in COLUMNS], row, strict=True))
    assert values["full_name"] == '\'=HYPERLINK("http://x.example","Bấm")'
    assert values["phone"] == "'+84912000111"
    assert values["address"] == "'@Bản Hày"
    assert values["household_code"] == "HAY-07"
    assert values["birth"] == "12/05/1975"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_every_formula_prefix_is_escaped(prefix: str) -> None:
    assert excel.escape_formula(f"{prefix}1+1") == f"'{prefix}1+1"
    assert excel.escape_formula(f"Lò {prefix}1") == f"Lò {prefix}1"


def test_the_xlsx_export_writes_formula_like_text_as_text_cells(tricky_person: Person) -> None:
    # when
    data = excel.people_export_xlsx([tricky_person], "Danh sách")

    # then
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Danh sách"]
    name = sheet.cell(row=4, column=[c.field for c in COLUMNS].index("full_name") + 1)
    assert name.data_type == "s"
    assert name.value == tricky_person.full_name
    assert [cell.value for cell in sheet[3]] == [column.label for column in COLUMNS]


def test_every_label_the_exports_write_is_read_back_by_the_import() -> None:
    tables = [
        (excel.SEX_LABELS, importing.SEX_VALUES),
        (excel.RELATION_LABELS, importing.RELATION_VALUES),
        (excel.TARGET_GROUP_LABELS, importing.TARGET_GROUP_VALUES),
        (excel.SKILL_LABELS, importing.DIGITAL_SKILL_VALUES),
    ]
    for labels, values in tables:
        assert {value: values.get(importing._key(label)) for value, label in labels.items()} == {
            value: value for value in labels
        }
