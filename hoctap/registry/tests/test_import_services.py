"""Imports through the services, with the tasks run at once: upload, check, commit, read back.

pytest-django wraps each test in a transaction, so `transaction.on_commit` hooks (which
enqueue the check and the save) only run inside `django_capture_on_commit_callbacks`; the
immediate task backend then runs them on the spot.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
import xlsxwriter
from django.utils import timezone, translation
from django.utils.translation import gettext

from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import AuditEvent
from hoctap.registry import importing, services
from hoctap.registry.models import Household, ImportJob, ImportStatus, Person
from hoctap.registry.tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory
from hoctap.registry.tests.sheets import (
    LABELS,
    head,
    large_people_sheet,
    numbered_households,
    people_sheet,
    relative,
)

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


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Capture) -> Capture:
    return django_capture_on_commit_callbacks


def upload(capture: Capture, actor: Any, commune: Any, data: bytes) -> ImportJob:
    """Upload a sheet and let its check run, as the page and the API do."""
    with capture(execute=True):
        job = services.import_job_create(
            actor=actor, commune=commune, filename="danh-sach.xlsx", data=data
        )
    job.refresh_from_db()
    return job


def commit(capture: Capture, actor: Any, job: ImportJob, *, accept_warnings: bool = False) -> Any:
    with capture(execute=True):
        services.import_job_request_commit(actor=actor, job=job, accept_warnings=accept_warnings)
    job.refresh_from_db()
    return job


def registry_counts() -> tuple[int, int]:
    return Household.objects.count(), Person.objects.count()


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = registry_counts()
    yield
    assert registry_counts() == before


def messages(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(issue["row"], issue["column"], issue["message"]) for issue in job.errors]


# The whole flow


def test_an_official_uploads_checks_and_commits_a_sheet(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given
    this_year = timezone.localdate().year
    data = people_sheet(
        head("HAY-01", cccd="014075000123", phone="0912000111", address="Bản Hày, Mường Giôn"),
        relative("HAY-01"),
        relative(
            "HAY-01", full_name="Lò Văn Khánh", relation="Con", sex="Nam", birth=this_year - 8
        ),
        head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong", birth="1960", ethnicity=""),
    )

    # when: the upload is checked
    job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.READY
    assert (job.total_rows, job.processed_rows, job.progress_percent) == (4, 4, 100)
    assert job.summary == {"people": 4, "households": 2, "header_row": 2}
    assert (job.errors, job.warnings) == ([], [])
    assert registry_counts() == (0, 0)

    # when: the official commits
    with capture(execute=True):
        requested = services.import_job_request_commit(
            actor=people.commune_official, job=job, accept_warnings=False
        )
        assert requested.status == ImportStatus.COMMITTING
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.COMMITTING
    job.refresh_from_db()

    # then
    assert job.status == ImportStatus.DONE
    assert job.committed_at is not None
    assert job.processed_rows == 4
    assert job.summary["saved_households"] == 2
    assert job.summary["saved_people"] == 4
    hay = Household.objects.get(commune=tree.commune, code="HAY-01")
    assert (hay.hamlet, hay.unit_path, hay.search_name) == (tree.hamlet, tree.hamlet.path, "hay-01")
    assert (hay.address, hay.phone) == ("Bản Hày, Mường Giôn", "0912000111")
    assert hay.head is not None
    assert hay.head.full_name == "Lường Văn Dũng"
    members = {p.full_name: p for p in hay.members.all()}
    assert set(members) == {"Lường Văn Dũng", "Lò Thị Én", "Lò Văn Khánh"}
    assert all(p.hamlet == tree.hamlet for p in members.values())
    assert all(p.unit_path == tree.hamlet.path for p in members.values())
    assert all(p.commune == tree.commune for p in members.values())
    assert members["Lường Văn Dũng"].cccd == "014075000123"
    assert members["Lường Văn Dũng"].search_name == "luong van dung"
    assert members["Lò Thị Én"].relation == "spouse"
    assert (members["Lò Văn Khánh"].is_adult, members["Lò Thị Én"].is_adult) == (False, True)
    co = Household.objects.get(code="CO-01")
    assert (co.hamlet, co.unit_path) == (tree.other_hamlet, tree.other_hamlet.path)
    assert co.head is not None
    assert co.head.birth_year == 1960
    actions = list(
        AuditEvent.objects.filter(object_type="registry.importjob", object_id=str(job.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("import.upload", people.commune_official.pk),
        ("import.commit", people.commune_official.pk),
    ]


def messy_workbook() -> bytes:
    """Everything real commune sheets do, in one file (xlsxwriter, for the formula cache)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("DS 2025")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "UBND XÃ MƯỜNG GIÔN")
    sheet.write_string(1, 0, "DANH SÁCH NHÂN KHẨU")
    # Rows 4-5: a two-row header with merged cells and old spellings.
    for column, title in enumerate(["STT", "Mã số hộ", "Thôn", "HỌ VÀ TÊN", "Quan hệ"]):
        sheet.merge_range(3, column, 4, column, title)
    sheet.merge_range(3, 5, 3, 7, "Thông tin cá nhân")
    for column, title in enumerate(["Giới", "Ngày sinh", "Dân tộc"], start=5):
        sheet.write_string(4, column, title)
    sheet.merge_range(3, 8, 4, 8, "Số CCCD")
    sheet.merge_range(3, 9, 4, 9, "SĐT")
    nfd = unicodedata.normalize("NFD", "Lường Văn Dũng")
    rows: list[list[Any]] = [
        [
            1,
            "HAY-01",
            "Bản Hày",
            nfd,
            "Chủ hộ",
            "Nam",
            "12/05/1975",
            "Thái",
            14075000123,
            912000111,
        ],
        [2, "HAY-01", " bản  hày ", "  Lò   Thị Én ", "Vợ", "nữ", 28528, "thai", None, None],
        [3, "HAY-01", "Bản Hày", None, "Con", "Nam", datetime.date(2010, 3, 4), "Thái", None, None],
    ]
    excel_row = 5
    for row in rows:
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(excel_row, column, value, date_format)
            elif value is not None:
                sheet.write(excel_row, column, value)
        excel_row += 1
    sheet.write_formula(7, 3, '="Lò Văn "&"Khánh"', None, "Lò Văn Khánh")
    # Two blank rows, then a second block: a household of Bản Cọ with the birth year alone.
    sheet.write_row(10, 0, [4, "CO-01", "Bản Cọ", "Cầm Văn Phong", "chủ hộ", "NAM", 1960, "Thái"])
    book.close()
    return buffer.getvalue()


def test_a_messy_sheet_is_read_back_after_commit_with_every_value_cleaned(
    tree: Tree, people: People, capture: Capture
) -> None:
    # when
    job = upload(capture, people.commune_official, tree.commune, messy_workbook())
    assert job.status == ImportStatus.READY, job.errors
    job = commit(capture, people.commune_official, job)

    # then
    assert job.status == ImportStatus.DONE
    saved = {
        p.full_name: p
        for p in Person.objects.filter(commune=tree.commune).select_related("household")
    }
    assert set(saved) == {"Lường Văn Dũng", "Lò Thị Én", "Lò Văn Khánh", "Cầm Văn Phong"}
    dung, en, khanh, phong = (
        saved[name] for name in ("Lường Văn Dũng", "Lò Thị Én", "Lò Văn Khánh", "Cầm Văn Phong")
    )
    assert unicodedata.is_normalized("NFC", dung.full_name)
    assert (dung.cccd, dung.phone, dung.birth_date) == (
        "014075000123",
        "0912000111",
        datetime.date(1975, 5, 12),
    )
    assert (en.sex, en.birth_date, en.ethnicity, en.hamlet) == (
        "female",
        datetime.date(1978, 2, 7),
        "Thái",
        tree.hamlet,
    )
    assert (khanh.birth_date, khanh.relation) == (datetime.date(2010, 3, 4), "child")
    assert (phong.birth_date, phong.birth_year, phong.hamlet) == (None, 1960, tree.other_hamlet)
    assert dung.household is not None
    assert dung.household.head == dung
    fixes = {(fix["row"], fix["column"]) for fix in job.fixes}
    assert fixes == {
        (6, "HỌ VÀ TÊN"),  # NFC
        (6, "Số CCCD"),  # leading zero
        (6, "SĐT"),  # leading zero
        (7, "HỌ VÀ TÊN"),  # spaces
        (7, "Ngày sinh"),  # Excel serial number
        (7, "Dân tộc"),  # official name
    }


def test_a_progress_figure_is_kept_while_a_large_sheet_is_checked(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given
    data = large_people_sheet(numbered_households(2_400))
    seen: list[tuple[int, int]] = []
    original = importing.parse_people_sheet

    def spy(*args: Any, **kwargs: Any) -> importing.ParseResult:
        progress = kwargs["progress"]

        def recording(done: int, total: int) -> None:
            progress(done, total)
            job = ImportJob.objects.get()
            seen.append((job.processed_rows, job.total_rows))

        return original(*args, **{**kwargs, "progress": recording})

    # when
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importing, "parse_people_sheet", spy)
        job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert seen == [(1000, 2400), (2000, 2400), (2400, 2400)]
    assert job.status == ImportStatus.READY


# All or nothing


def test_one_bad_row_among_ten_thousand_saves_nothing_and_names_that_row(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: row 6,002 of the sheet (data starts on row 3) has an unknown sex
    rows = numbered_households(10_000)
    rows[5_999][LABELS.index("Giới tính")] = "không rõ"

    # when
    with nothing_saved():
        job = upload(capture, people.commune_official, tree.commune, large_people_sheet(rows))
        with pytest.raises(ConflictError):
            services.import_job_request_commit(
                actor=people.commune_official, job=job, accept_warnings=True
            )

    # then
    assert job.status == ImportStatus.INVALID
    assert job.total_rows == 10_000
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (6_002, "Giới tính", "không rõ")
    ]
    assert job.summary["people"] == 9_999


def test_a_valid_large_sheet_saves_every_row(tree: Tree, people: People, capture: Capture) -> None:
    # given
    data = large_people_sheet(numbered_households(3_000))

    # when
    job = commit(
        capture,
        people.commune_official,
        upload(capture, people.commune_official, tree.commune, data),
    )

    # then
    assert job.status == ImportStatus.DONE
    assert registry_counts() == (1_000, 3_000)
    assert not Household.objects.filter(head__isnull=True).exists()


# Whole-file errors through the service


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ho va ten,Gioi tinh\n", "This is not an Excel (.xlsx) file."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(600)
            + "EncryptedPackage".encode("utf-16-le")
            + bytes(600),
            "The workbook is protected by a password. Remove the password and upload it again.",
        ),
        (b"", "The file is empty."),
    ],
    ids=["text renamed .xlsx", "password-protected", "empty file"],
)
def test_a_file_that_is_not_a_workbook_is_refused_at_upload(
    tree: Tree, people: People, capture: Capture, data: bytes, message: str
) -> None:
    # when
    with nothing_saved(), pytest.raises(BusinessError) as raised:
        upload(capture, people.commune_official, tree.commune, data)

    # then
    assert raised.value.messages == [gettext(message)]
    assert raised.value.code == "file"
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused_at_upload(
    tree: Tree, people: People, capture: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a workbook padded past a limit of 1 MB
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1024 * 1024)
    data = people_sheet(head()) + bytes(1024 * 1024)

    # when
    with nothing_saved(), pytest.raises(BusinessError) as raised:
        upload(capture, people.commune_official, tree.commune, data)

    # then
    assert raised.value.code == "file"
    assert raised.value.messages == [
        gettext("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
        % {"size": f"{len(data) / 1024 / 1024:.1f}", "limit": 1}
    ]
    assert not ImportJob.objects.exists()


def empty_sheet() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Sheet1")
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (people_sheet(head())[:2000], "The workbook is damaged and cannot be read."),
        (empty_sheet(), "The workbook has no data."),
        (
            people_sheet(head(), headers=["A", "B", "C", "D", "E", "F", "G"]),
            "No header row was recognised. The sheet needs at least the columns "
            "“Họ và tên”, “Giới tính” and “Ngày sinh”; download the template to see them all.",
        ),
    ],
    ids=["truncated workbook", "empty sheet", "no header"],
)
def test_an_unreadable_workbook_fails_its_check_with_a_message_and_saves_nothing(
    tree: Tree, people: People, capture: Capture, data: bytes, message: str
) -> None:
    # when
    with nothing_saved():
        job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.FAILED
    assert job.message == gettext(message)
    assert job.message != message  # shown in Vietnamese
    with pytest.raises(ConflictError):
        services.import_job_request_commit(
            actor=people.commune_official, job=job, accept_warnings=True
        )


# Duplicates against the database


def test_a_cccd_registered_in_any_commune_is_an_error(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: the same CCCD already belongs to someone in another province
    PersonFactory(hamlet=tree.far_hamlet, cccd="014075000123", birth_year=1975)
    data = people_sheet(head("HAY-01", cccd="014075000123"))

    # when
    with nothing_saved():
        job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.INVALID
    assert messages(job) == [
        (3, "Số CCCD", gettext("A person with this CCCD is already registered."))
    ]


def test_a_household_code_taken_in_this_commune_is_an_error_but_not_one_of_another(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given
    HouseholdFactory(hamlet=tree.other_hamlet, code="HAY-01")
    HouseholdFactory(hamlet=tree.other_commune_hamlet, code="HAY-02")
    data = people_sheet(head("HAY-01"), head("HAY-02", full_name="Lò Văn Ca"))

    # when
    with nothing_saved():
        job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.INVALID
    assert messages(job) == [
        (3, "Mã hộ", gettext("This household code already exists in the commune."))
    ]


def test_a_cccd_registered_between_check_and_commit_stops_the_commit(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: a checked sheet, then someone registers the same CCCD
    data = people_sheet(head("HAY-01", cccd="014075000123"), relative("HAY-01"))
    job = upload(capture, people.commune_official, tree.commune, data)
    assert job.status == ImportStatus.READY
    PersonFactory(hamlet=tree.other_hamlet, cccd="014075000123", birth_year=1975)

    # when
    with nothing_saved():
        job = commit(capture, people.commune_official, job)

    # then
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "Số CCCD")]


def test_duplicates_inside_the_file_are_errors_and_nothing_is_saved(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: a CCCD twice, a household with two heads, and one with none
    data = people_sheet(
        head("HAY-01", cccd="014075000123"),
        head("HAY-02", full_name="Lò Văn Ca", cccd="014075000123"),
        head("HAY-02", full_name="Lò Văn Đôi"),
        relative("HAY-03"),
    )

    # when
    with nothing_saved():
        job = upload(capture, people.commune_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (4, "Số CCCD"),
        (5, "Quan hệ với chủ hộ"),
        (6, "Quan hệ với chủ hộ"),
    ]


# Warnings


def test_a_warning_must_be_accepted_before_the_commit(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: the same child twice in one household
    data = people_sheet(
        head("HAY-01"),
        relative("HAY-01", full_name="Lò Văn Khánh", relation="Con", sex="Nam", birth=2005),
        relative("HAY-01", full_name="Lò Văn Khánh", relation="Con", sex="Nam", birth=2005),
    )
    job = upload(capture, people.commune_official, tree.commune, data)
    assert job.status == ImportStatus.READY
    assert [(w["row"], w["column"]) for w in job.warnings] == [(5, "Họ và tên")]

    # when: committing without ticking the box
    with nothing_saved(), pytest.raises(BusinessError) as raised:
        commit(capture, people.commune_official, job)

    # then
    assert raised.value.code == "warnings"
    job.refresh_from_db()
    assert job.status == ImportStatus.READY

    # when: the official accepts the warnings
    job = commit(capture, people.commune_official, job, accept_warnings=True)

    # then
    assert job.status == ImportStatus.DONE
    assert Person.objects.filter(full_name="Lò Văn Khánh").count() == 2


# Commit twice


def test_a_second_commit_request_is_refused_and_nothing_is_saved_twice(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given
    job = upload(capture, people.commune_official, tree.commune, people_sheet(head(), relative()))
    job = commit(capture, people.commune_official, job)
    assert job.status == ImportStatus.DONE

    # when
    with nothing_saved(), pytest.raises(ConflictError), capture(execute=True):
        services.import_job_request_commit(
            actor=people.commune_official, job=job, accept_warnings=False
        )

    # then
    assert registry_counts() == (1, 2)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_a_commit_request_while_one_is_on_its_way_is_refused(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: the first request is recorded but its task has not run yet
    job = upload(capture, people.commune_official, tree.commune, people_sheet(head(), relative()))
    with capture(execute=False) as callbacks:
        services.import_job_request_commit(
            actor=people.commune_official, job=job, accept_warnings=False
        )

        # when: a second click
        with pytest.raises(ConflictError):
            services.import_job_request_commit(
                actor=people.commune_official, job=job, accept_warnings=False
            )

    # then: only the first request queued the save; running it saves the rows once
    assert len(callbacks) == 1
    callbacks[0]()
    assert registry_counts() == (1, 2)
    services.import_job_commit(job_id=job.pk)  # a task delivered twice does nothing
    assert registry_counts() == (1, 2)


# Scope


def test_another_communes_official_cannot_import_into_this_commune(
    tree: Tree, people: People, capture: Capture
) -> None:
    # when
    audit_before = AuditEvent.objects.count()
    with nothing_saved(), pytest.raises(services.NotPermitted):
        upload(capture, people.other_commune_official, tree.commune, people_sheet(head()))

    # then
    assert not ImportJob.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("who", ["other_commune_official", "other_province_official", "citizen"])
def test_only_someone_in_scope_can_commit_a_checked_import(
    tree: Tree, people: People, capture: Capture, who: str
) -> None:
    # given
    job = upload(capture, people.commune_official, tree.commune, people_sheet(head()))

    # when
    with nothing_saved(), pytest.raises(services.NotPermitted):
        commit(capture, getattr(people, who), job)

    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_a_province_official_imports_into_a_commune_of_the_province(
    tree: Tree, people: People, capture: Capture
) -> None:
    # when
    job = upload(capture, people.province_official, tree.commune, people_sheet(head()))
    job = commit(capture, people.province_official, job)

    # then
    assert job.status == ImportStatus.DONE
    assert Person.objects.get().hamlet == tree.hamlet


def test_a_collector_imports_rows_of_their_own_hamlet(
    tree: Tree, people: People, capture: Capture
) -> None:
    # when
    job = upload(capture, people.collector, tree.commune, people_sheet(head(), relative()))
    job = commit(capture, people.collector, job)

    # then
    assert job.status == ImportStatus.DONE
    assert set(Person.objects.values_list("hamlet", flat=True)) == {tree.hamlet.pk}


def test_a_collector_cannot_import_a_row_of_another_hamlet_of_the_commune(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: the collector works in Bản Hày; one household lives in Bản Cọ
    data = people_sheet(head("HAY-01"), head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong"))

    # when
    with nothing_saved():
        job = upload(capture, people.collector, tree.commune, data)

    # then
    assert job.status == ImportStatus.INVALID
    assert messages(job) == [
        (4, "Thôn, bản, tổ dân phố", gettext("This hamlet is outside your area."))
    ]


def test_a_row_naming_a_hamlet_of_another_commune_is_an_error(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given: Tổ dân phố 1 is in Phường Tô Hiệu, and the province official may write there
    data = people_sheet(head("HAY-01"), head("TDP-01", "Tổ dân phố 1", full_name="Cầm Văn Phong"))

    # when
    with nothing_saved():
        job = upload(capture, people.province_official, tree.commune, data)

    # then
    assert job.status == ImportStatus.INVALID
    assert messages(job) == [
        (4, "Thôn, bản, tổ dân phố", gettext("No hamlet of this name in the commune."))
    ]


def test_an_organisation_of_the_commune_is_linked_by_its_name(
    tree: Tree, people: People, capture: Capture
) -> None:
    # given
    school = OrganisationFactory(commune=tree.commune, name="Trường Tiểu học Mường Giôn")
    OrganisationFactory(commune=tree.other_commune, name="Trường Tiểu học Tô Hiệu")
    data = people_sheet(
        head(organisation="TRƯỜNG TIỂU HỌC MƯỜNG GIÔN", target_group="Cán bộ công chức viên chức")
    )

    # when
    job = commit(
        capture,
        people.commune_official,
        upload(capture, people.commune_official, tree.commune, data),
    )

    # then
    assert job.status == ImportStatus.DONE
    person = Person.objects.get()
    assert (person.organisation, person.target_group) == (school, "official")

    # and a school of another commune is not found
    job = upload(
        capture,
        people.commune_official,
        tree.commune,
        people_sheet(head("HAY-09", full_name="Lò Văn Ca", organisation="Trường Tiểu học Tô Hiệu")),
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "Nơi làm việc, học tập")]


def test_a_cccd_registered_while_saving_rolls_the_whole_commit_back(
    tree: Tree, people: People, capture: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the commit's own check passes, then someone registers the CCCD just before
    # the rows are written (on PostgreSQL the rows go in through COPY, elsewhere INSERT)
    data = people_sheet(
        head("HAY-01"),
        relative("HAY-01"),
        head("HAY-02", full_name="Lò Văn Ca", cccd="014075000123"),
    )
    job = upload(capture, people.commune_official, tree.commune, data)
    save_rows = services._save_rows

    def registered_meanwhile(*args: Any, **kwargs: Any) -> dict[str, int]:
        PersonFactory(hamlet=tree.far_hamlet, cccd="014075000123", birth_year=1975)
        return save_rows(*args, **kwargs)

    monkeypatch.setattr(services, "_save_rows", registered_meanwhile)

    # when
    job = commit(capture, people.commune_official, job)

    # then
    assert job.status == ImportStatus.INVALID
    assert job.message == gettext(
        "Some households or CCCDs were registered by someone else while saving. "
        "Nothing was saved; upload the file again to see which."
    )
    assert not Household.objects.filter(commune=tree.commune).exists()
    assert list(Person.objects.values_list("hamlet", flat=True)) == [tree.far_hamlet.pk]
