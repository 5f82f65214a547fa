"""Excel imports through the API over real HTTP: upload, poll, commit, and the scope matrix.

Tasks run with django_tasks' immediate backend; live_server tests are transactional, so the
`on_commit` hooks that enqueue the check and the save really fire.
"""

from __future__ import annotations

import io
import time
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext

from hoctap.api.tests.http import Response
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry import services
from hoctap.registry.importing import COLUMNS
from hoctap.registry.models import Household, ImportJob, ImportStatus, Person
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, client_for, media_type

WAITING = {ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING}

HEAD = {
    "household_code": "HAY-100",
    "hamlet": "Bản Hày",
    "full_name": "Lường Văn Dũng",
    "relation": "Chủ hộ",
    "sex": "Nam",
    "birth": "12/05/1975",
    "ethnicity": "Thái",
    "cccd": "014075000123",
    "phone": "0912000111",
    "target_group": "Người lao động",
    "is_worker": "x",
    "digital_skill": "Cơ bản",
    "address": "Bản Hày",
}
WIFE = {
    "household_code": "HAY-100",
    "hamlet": "Bản Hày",
    "full_name": "Lò Thị Én",
    "relation": "Vợ",
    "sex": "Nữ",
    "birth": 1978,
    "ethnicity": "Thái",
}
NEIGHBOUR = {
    "household_code": "CO-100",
    "hamlet": "Bản Cọ",
    "full_name": "Cầm Văn Phong",
    "relation": "Chủ hộ",
    "sex": "Nam",
    "birth": "1960",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def sheet(*rows: dict[str, Any]) -> bytes:
    """An .xlsx with a title row and the template's headers, like a commune's own file."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.append(["DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"])
    worksheet.append([column.label for column in COLUMNS])
    for row in rows:
        worksheet.append([row.get(column.field) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_user(live_server: Any, people: People, role: str) -> ApiClient:
    return client_for(live_server.url, None if role == "anonymous" else getattr(people, role))


def upload(client: ApiClient, commune: str, data: bytes, name: str = "ho-gia-dinh.xlsx") -> Any:
    return client.upload("/imports", {"commune": commune}, name, data)


def wait(client: ApiClient, job_id: int) -> dict[str, Any]:
    """Poll the job until it is no longer queued, checking or saving."""
    for _attempt in range(50):
        reply = client.get(f"/imports/{job_id}")
        assert reply.status == 200, reply.body
        job: dict[str, Any] = reply.json()
        if job["status"] not in WAITING:
            return job
        time.sleep(0.1)
    raise AssertionError(f"import {job_id} still {job['status']}")


def assert_problem(reply: Response, status: int) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert media_type(reply) == PROBLEM_JSON
    problem: dict[str, Any] = reply.json()
    assert problem["status"] == status
    return problem


def vietnamese(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def database_state() -> dict[str, Any]:
    return {
        "jobs": list(ImportJob.objects.order_by("pk").values()),
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def ready_job(tree: Tree, people: People) -> ImportJob:
    """A checked sheet uploaded by the commune official, ready to commit."""
    job = services.import_job_create(
        actor=people.commune_official,
        commune=tree.commune,
        filename="ho.xlsx",
        data=sheet(HEAD, WIFE, NEIGHBOUR),
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.errors
    return job


# -- the matrix -----------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "other_commune_official",
    "other_province_official",
    "commune_official",
    "province_official",
    "collector",
]


@pytest.mark.parametrize("role", ROLES)
def test_upload_by_role_and_scope(live_server: Any, tree: Tree, people: People, role: str) -> None:
    client = as_user(live_server, people, role)
    before = database_state()

    reply = upload(client, tree.commune.key, sheet(HEAD, WIFE))

    if role == "anonymous":
        assert_problem(reply, 401)
    elif role in ("other_commune_official", "other_province_official"):
        assert_problem(reply, 404)
    else:
        # a hamlet's collector imports into their commune, for their hamlet
        assert reply.status == 201, reply.body
        job = reply.json()
        assert job["commune"] == tree.commune.key
        assert job["original_name"] == "ho-gia-dinh.xlsx"
        assert job["status"] == ImportStatus.READY
        return
    assert database_state() == before


@pytest.mark.parametrize("role", ROLES)
def test_reading_an_import_by_role_and_scope(
    live_server: Any, people: People, ready_job: ImportJob, role: str
) -> None:
    reply = as_user(live_server, people, role).get(f"/imports/{ready_job.pk}")
    listed = as_user(live_server, people, role).get("/imports")

    if role == "anonymous":
        assert_problem(reply, 401)
        assert_problem(listed, 401)
    elif role in ("commune_official", "province_official"):
        assert reply.status == 200, reply.body
        assert reply.json()["id"] == ready_job.pk
        assert [job["id"] for job in listed.json()["items"]] == [ready_job.pk]
    else:
        # the collector's hamlet lies below the commune the job belongs to
        assert_problem(reply, 404)
        assert listed.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("role", ROLES)
def test_committing_by_role_and_scope(
    live_server: Any, people: People, ready_job: ImportJob, role: str
) -> None:
    client = as_user(live_server, people, role)
    before = database_state()

    reply = client.post(f"/imports/{ready_job.pk}/commit", {"accept_warnings": False})

    if role in ("commune_official", "province_official"):
        assert reply.status == 202, reply.body
        assert wait(client, ready_job.pk)["status"] == ImportStatus.DONE
        assert Person.objects.filter(search_name="lo thi en").exists()
        return
    assert_problem(reply, 401 if role == "anonymous" else 404)
    assert database_state() == before


# -- behaviour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("danh-sach.csv", "Mã hộ,Họ và tên\nHAY-1,Lường Văn Dũng\n".encode()),
        ("doi-ten.xlsx", b"%PDF-1.7 not a workbook at all"),
    ],
)
def test_a_file_that_is_not_xlsx_is_422_in_vietnamese_and_saves_nothing(
    live_server: Any, tree: Tree, people: People, name: str, data: bytes
) -> None:
    client = as_user(live_server, people, "commune_official")
    before = database_state()

    reply = upload(client, tree.commune.key, data, name)

    problem = assert_problem(reply, 422)
    assert problem["detail"] == vietnamese("This is not an Excel (.xlsx) file.")
    assert problem["detail"] == "Đây không phải là tệp Excel (.xlsx)."
    assert reply.headers["Content-Language"] == "vi"
    assert database_state() == before


def test_an_upload_without_a_file_is_422(live_server: Any, tree: Tree, people: People) -> None:
    client = as_user(live_server, people, "commune_official")

    reply = client.call("POST", "/imports", json_body={"commune": tree.commune.key})

    assert_problem(reply, 422)
    assert not ImportJob.objects.exists()


def test_a_good_sheet_is_checked_committed_and_searchable(
    live_server: Any, tree: Tree, people: People
) -> None:
    client = as_user(live_server, people, "commune_official")

    # when the official uploads a clean sheet
    created = upload(client, tree.commune.key, sheet(HEAD, WIFE, NEIGHBOUR))
    assert created.status == 201, created.body
    job_id = created.json()["id"]

    # then the check ends ready, with progress and a summary
    checked = wait(client, job_id)
    assert checked["status"] == ImportStatus.READY
    assert checked["total_rows"] == checked["processed_rows"] == 3
    assert checked["progress_percent"] == 100
    assert checked["errors"] == []
    assert checked["summary"]["people"] == 3
    assert checked["summary"]["households"] == 2
    assert Person.objects.count() == 0  # nothing saved before the commit

    # when they commit
    committed = client.post(f"/imports/{job_id}/commit", {"accept_warnings": False})
    assert committed.status == 202, committed.body

    # then every row is saved and found by a diacritic-free search
    done = wait(client, job_id)
    assert done["status"] == ImportStatus.DONE
    assert done["committed_at"]
    assert done["summary"]["saved_people"] == 3
    assert done["summary"]["saved_households"] == 2
    found = client.get("/persons", q="luong van dung").json()
    assert [person["full_name"] for person in found["items"]] == ["Lường Văn Dũng"]
    assert found["items"][0]["cccd"] == "014075000123"
    household = client.get(f"/households/{found['items'][0]['household']}").json()
    assert household["code"] == "HAY-100"
    assert household["head"]["full_name"] == "Lường Văn Dũng"
    assert household["member_count"] == 2


def test_a_second_commit_is_409(live_server: Any, people: People, ready_job: ImportJob) -> None:
    client = as_user(live_server, people, "commune_official")

    first = client.post(f"/imports/{ready_job.pk}/commit", {"accept_warnings": False})
    wait(client, ready_job.pk)
    second = client.post(f"/imports/{ready_job.pk}/commit", {"accept_warnings": False})

    assert first.status == 202, first.body
    problem = assert_problem(second, 409)
    assert problem["detail"]
    assert Person.objects.count() == 3


def test_a_bad_row_is_listed_by_row_and_column_and_blocks_the_commit(
    live_server: Any, tree: Tree, people: People
) -> None:
    client = as_user(live_server, people, "commune_official")
    bad = {**NEIGHBOUR, "sex": "Không rõ"}

    created = upload(client, tree.commune.key, sheet(HEAD, WIFE, bad))
    job = wait(client, created.json()["id"])
    commit = client.post(f"/imports/{job['id']}/commit", {"accept_warnings": True})

    assert job["status"] == ImportStatus.INVALID
    assert job["errors"] == [
        {
            "row": 5,  # title row, header row, then the third data row
            "column": "Giới tính",
            "value": "Không rõ",
            "message": vietnamese("Sex must be Nam or Nữ."),
        }
    ]
    assert_problem(commit, 409)
    assert Person.objects.count() == 0


def test_warnings_must_be_accepted_before_committing(
    live_server: Any, tree: Tree, people: People
) -> None:
    client = as_user(live_server, people, "commune_official")
    twin = {**WIFE, "cccd": None}

    created = upload(client, tree.commune.key, sheet(HEAD, WIFE, twin))
    job = wait(client, created.json()["id"])
    refused = client.post(f"/imports/{job['id']}/commit", {"accept_warnings": False})
    accepted = client.post(f"/imports/{job['id']}/commit", {"accept_warnings": True})

    assert job["status"] == ImportStatus.READY
    assert [warning["row"] for warning in job["warnings"]] == [5]
    problem = assert_problem(refused, 422)
    assert problem["detail"] == vietnamese("Tick that you have checked the warnings before saving.")
    assert accepted.status == 202, accepted.body
    assert wait(client, job["id"])["status"] == ImportStatus.DONE
    assert Person.objects.count() == 3


def test_fixes_say_which_rule_changed_a_value(live_server: Any, tree: Tree, people: People) -> None:
    client = as_user(live_server, people, "commune_official")
    lost_zero = {**HEAD, "cccd": 14075000123}  # a number: Excel dropped the leading zero

    created = upload(client, tree.commune.key, sheet(lost_zero))
    job = wait(client, created.json()["id"])

    assert job["status"] == ImportStatus.READY
    assert [(fix["row"], fix["column"], fix["value"]) for fix in job["fixes"]] == [
        (3, "Số CCCD", "14075000123")
    ]


def test_a_collector_imports_only_their_hamlet_and_sees_their_own_job(
    live_server: Any, tree: Tree, people: People
) -> None:
    client = as_user(live_server, people, "collector")

    created = upload(client, tree.commune.key, sheet(HEAD, WIFE, NEIGHBOUR))
    job = wait(client, created.json()["id"])
    listed = client.get("/imports").json()

    assert job["status"] == ImportStatus.INVALID
    assert [(error["row"], error["column"]) for error in job["errors"]] == [
        (5, "Thôn, bản, tổ dân phố")
    ]
    assert job["errors"][0]["message"] == vietnamese("This hamlet is outside your area.")
    assert [item["id"] for item in listed["items"]] == [job["id"]]

    # a sheet of their own hamlet goes in
    own = wait(client, upload(client, tree.commune.key, sheet(HEAD, WIFE)).json()["id"])
    assert own["status"] == ImportStatus.READY
    assert client.post(f"/imports/{own['id']}/commit", {}).status == 202
    assert wait(client, own["id"])["status"] == ImportStatus.DONE
    assert set(Person.objects.values_list("hamlet", flat=True)) == {tree.hamlet.pk}


def test_an_unknown_commune_is_404(live_server: Any, tree: Tree, people: People) -> None:
    client = as_user(live_server, people, "admin")

    missing = upload(client, "99999", sheet(HEAD))
    hamlet = upload(client, tree.hamlet.key, sheet(HEAD))

    assert_problem(missing, 404)
    assert_problem(hamlet, 404)
    assert not ImportJob.objects.exists()
