"""The plan pages: the scope matrix of every view, a new plan and its refusals, tasks and
their unit in charge, progress with evidence (accepted, refused, downloaded in scope), the
overdue flag, and the menu links."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hoctap.conftest import People, Tree
from hoctap.reports import services
from hoctap.reports.models import Plan, PlanTask, TaskProgress, TaskStatus

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user: Any) -> Client:
    client = Client()
    # English pages, so the tests read the msgids whatever the catalogue holds.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def commune_plan(people: People, tree: Tree, **overrides: Any) -> Plan:
    """Mường Giôn's plan, kept by its commune official."""
    values: dict[str, Any] = {
        "unit": tree.commune,
        "number": "12/KH-UBND",
        "issued_on": datetime.date(2025, 3, 10),
        "issuer": "UBND xã Mường Giôn",
        "title": "Kế hoạch xây dựng xã hội học tập năm 2025",
        "first_year": 2025,
        "last_year": 2025,
    }
    values.update(overrides)
    return services.plan_create(people.commune_official, **values)


def province_plan(people: People, tree: Tree) -> Plan:
    return services.plan_create(
        people.province_official,
        unit=tree.province,
        number="35/KH-UBND",
        issued_on=datetime.date(2021, 4, 2),
        issuer="UBND tỉnh Sơn La",
        title="Kế hoạch thực hiện Đề án xây dựng xã hội học tập giai đoạn 2021–2030",
        first_year=2021,
        last_year=2030,
    )


def a_task(people: People, plan: Plan, **overrides: Any) -> PlanTask:
    values: dict[str, Any] = {
        "title": "Tổ chức đánh giá gia đình học tập",
        "assignee": "Hội Khuyến học",
    }
    values.update(overrides)
    return services.task_add(people.commune_official, plan, **values)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_evidence(people: People, task: PlanTask) -> TaskProgress:
    upload = SimpleUploadedFile("biên bản.pdf", PDF_BYTES, content_type="application/pdf")
    return services.task_progress_record(
        people.commune_official, task, progress=40, note="Đã họp các thôn.", evidence=upload
    )


def progress_post(progress: Any = 50, note: str = "Đã triển khai ở 3 bản.", **files: Any) -> dict:
    return {"progress": progress, "note": note, **files}


def task_post(**overrides: Any) -> dict[str, Any]:
    values = {"title": "Rà soát danh sách hộ", "assignee": "Công chức văn hóa - xã hội"}
    values.update(overrides)
    return values


def plan_post(unit_key: str, **overrides: Any) -> dict[str, Any]:
    values = {
        "unit": unit_key,
        "number": "20/KH-UBND",
        "issued_on": "2025-05-15",
        "issuer": "UBND xã Mường Giôn",
        "title": "Kế hoạch học tập suốt đời 2025–2030",
        "first_year": "2025",
        "last_year": "2030",
        "summary": "",
    }
    values.update(overrides)
    return values


# -- scope matrix ------------------------------------------------------------------------------


def _urls(plan: Plan, task: PlanTask, update: TaskProgress) -> dict[str, tuple[str, str]]:
    return {
        "plans": ("get", reverse("reports:plans")),
        "plan_new": ("get", reverse("reports:plan_new")),
        "plan": ("get", reverse("reports:plan", args=[plan.pk])),
        "task_new": ("post", reverse("reports:task_new", args=[plan.pk])),
        "task_progress": ("post", reverse("reports:task_progress", args=[task.pk])),
        "task_evidence": ("get", reverse("reports:task_evidence", args=[update.pk])),
    }


@pytest.mark.parametrize(
    "name", ["plans", "plan_new", "plan", "task_new", "task_progress", "task_evidence"]
)
def test_anonymous_is_sent_to_sign_in_and_nothing_changes(
    client: Client, tree: Tree, people: People, name: str
) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    method, url = _urls(plan, task, update)[name]
    response = getattr(client, method)(url, task_post() | progress_post())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert plan.tasks.count() == 1
    assert task.updates.count() == 1


def test_another_commune_neither_sees_nor_changes_the_plan(tree: Tree, people: People) -> None:
    # given Mường Giôn's plan with a task and evidence
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    client = signed_in(people.other_commune_official)
    # when Tô Hiệu's official tries each page
    listing = client.get(reverse("reports:plans"))
    detail = client.get(reverse("reports:plan", args=[plan.pk]))
    added = client.post(reverse("reports:task_new", args=[plan.pk]), task_post())
    recorded = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(100))
    evidence = client.get(reverse("reports:task_evidence", args=[update.pk]))
    created = client.post(reverse("reports:plan_new"), plan_post(tree.commune.key))
    # then every one is "not found" and nothing changed
    assert listing.status_code == 200
    assert plan.number not in listing.content.decode()
    assert detail.status_code == 404
    assert added.status_code == 404
    assert recorded.status_code == 404
    assert evidence.status_code == 404
    assert created.status_code == 422
    assert Plan.objects.count() == 1
    assert plan.tasks.count() == 1
    task.refresh_from_db()
    assert (task.progress, task.status) == (40, TaskStatus.IN_PROGRESS)
    assert task.updates.count() == 1


def test_the_same_commune_reads_adds_and_records(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    client = signed_in(people.commune_official)

    listing = client.get(reverse("reports:plans")).content.decode()
    assert plan.number in listing
    assert 'id="plan-new"' in listing
    page = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    assert task.title in page
    assert 'id="task-form"' in page
    assert f'id="progress-form-{task.pk}"' in page
    assert "What was done</label>" in page  # required, though the service words the refusal

    added = client.post(reverse("reports:task_new", args=[plan.pk]), task_post())
    assert added.status_code == 302
    assert plan.tasks.count() == 2
    recorded = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(60))
    assert recorded.status_code == 302
    task.refresh_from_db()
    assert task.progress == 60
    assert client.get(reverse("reports:task_evidence", args=[update.pk])).status_code == 200


def test_the_province_reads_its_communes_plan(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    client = signed_in(people.province_official)

    assert plan.number in client.get(reverse("reports:plans")).content.decode()
    page = client.get(reverse("reports:plan", args=[plan.pk]))
    assert page.status_code == 200
    assert task.title in page.content.decode()
    assert client.get(reverse("reports:task_evidence", args=[update.pk])).status_code == 200


def test_another_province_gets_404_and_changes_nothing(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    client = signed_in(people.other_province_official)

    assert plan.number not in client.get(reverse("reports:plans")).content.decode()
    assert client.get(reverse("reports:plan", args=[plan.pk])).status_code == 404
    assert client.post(reverse("reports:task_new", args=[plan.pk]), task_post()).status_code == 404
    recorded = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(100))
    assert recorded.status_code == 404
    assert client.get(reverse("reports:task_evidence", args=[update.pk])).status_code == 404
    assert plan.tasks.count() == 1
    assert task.updates.count() == 1


def test_a_reader_who_does_not_keep_the_plan_sees_no_forms_and_a_forged_post_is_404(
    tree: Tree, people: People
) -> None:
    # given the province's plan, which every official of Sơn La reads
    plan = province_plan(people, tree)
    task = services.task_add(people.province_official, plan, title="Tổng kết", assignee="Sở GDĐT")
    client = signed_in(people.other_commune_official)
    # when an official of a commune (not in charge of the task) opens it
    page = client.get(reverse("reports:plan", args=[plan.pk]))
    # then the page reads, without the forms; posting anyway changes nothing
    assert page.status_code == 200
    body = page.content.decode()
    assert task.title in body
    assert 'id="task-form"' not in body
    assert f'id="progress-form-{task.pk}"' not in body
    assert client.post(reverse("reports:task_new", args=[plan.pk]), task_post()).status_code == 404
    recorded = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(100))
    assert recorded.status_code == 404
    assert plan.tasks.count() == 1
    assert not task.updates.exists()


def test_a_citizen_has_no_plans_and_no_new_plan_page(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    client = signed_in(people.citizen)
    listing = client.get(reverse("reports:plans")).content.decode()
    assert plan.number not in listing
    assert 'id="plan-new"' not in listing
    assert client.get(reverse("reports:plan_new")).status_code == 404
    assert client.get(reverse("reports:plan", args=[plan.pk])).status_code == 404


# -- the list ----------------------------------------------------------------------------------


def test_the_list_shows_date_years_task_counts_and_overdue_in_words(
    tree: Tree, people: People
) -> None:
    plan = commune_plan(people, tree)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = a_task(people, plan, deadline=yesterday)
    done = a_task(people, plan, title="Lập danh sách")
    services.task_progress_record(people.commune_official, done, progress=100, note="Xong.")
    a_task(people, plan, title="Tổng kết")
    client = signed_in(people.commune_official)

    body = client.get(reverse("reports:plans")).content.decode()

    assert "10/03/2025" in body
    assert "2025–2025" in body
    assert 'data-field="tasks">1/3' in body
    assert "1 overdue" in body
    services.task_progress_record(people.commune_official, late, progress=100, note="Xong.")
    body = client.get(reverse("reports:plans")).content.decode()
    assert 'data-field="tasks">2/3' in body
    assert "overdue" not in body


def test_the_newest_plan_comes_first(tree: Tree, people: People) -> None:
    older = commune_plan(people, tree, number="1/KH-UBND", issued_on=datetime.date(2021, 1, 5))
    newer = commune_plan(people, tree, number="2/KH-UBND", issued_on=datetime.date(2024, 6, 1))
    body = signed_in(people.commune_official).get(reverse("reports:plans")).content.decode()
    assert body.index(f'data-plan="{newer.pk}"') < body.index(f'data-plan="{older.pk}"')


def test_search_ignores_diacritics_and_case(tree: Tree, people: People) -> None:
    commune_plan(people, tree)
    commune_plan(people, tree, number="7/KH-UBND", title="Kế hoạch phổ cập bơi")
    client = signed_in(people.commune_official)

    found = client.get(reverse("reports:plans"), {"q": "XA HOI hoc tap"}).content.decode()
    assert "12/KH-UBND" in found
    assert "7/KH-UBND" not in found
    by_issuer = client.get(reverse("reports:plans"), {"q": "muong gion boi"}).content.decode()
    assert "7/KH-UBND" in by_issuer
    assert "12/KH-UBND" not in by_issuer
    none = client.get(reverse("reports:plans"), {"q": "khuyến nông"}).content.decode()
    assert 'id="no-plans"' in none


# -- a new plan --------------------------------------------------------------------------------


def test_a_commune_official_creates_a_plan_of_their_commune(tree: Tree, people: People) -> None:
    client = signed_in(people.commune_official)
    form = client.get(reverse("reports:plan_new")).content.decode()
    assert tree.commune.key in form
    assert tree.other_commune.key not in form

    response = client.post(reverse("reports:plan_new"), plan_post(tree.commune.key))

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:plan", args=[plan.pk])
    assert (plan.unit, plan.unit_path, plan.issued_on) == (
        tree.commune,
        tree.commune.path,
        datetime.date(2025, 5, 15),
    )
    assert plan.created_by == people.commune_official


def test_an_admin_may_create_a_national_plan(tree: Tree, people: People) -> None:
    client = signed_in(people.admin)
    response = client.post(
        reverse("reports:plan_new"),
        plan_post("national", number="387/QĐ-TTg", issued_on="29/03/2021", issuer="Thủ tướng"),
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert plan.unit is None
    assert plan.unit_path == ""
    assert plan.issued_on == datetime.date(2021, 3, 29)


def test_a_province_official_may_pick_a_commune_of_the_province(tree: Tree, people: People) -> None:
    client = signed_in(people.province_official)
    form = client.get(reverse("reports:plan_new")).content.decode()
    assert tree.province.key in form
    assert tree.commune.key in form
    assert tree.far_commune.key not in form
    assert "national" not in form
    response = client.post(reverse("reports:plan_new"), plan_post(tree.commune.key))
    assert response.status_code == 302
    assert Plan.objects.get().unit == tree.commune


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_year": "2030", "last_year": "2025"}, "The plan ends before it starts."),
        ({"number": "12/KH-UBND"}, "This unit already has a plan numbered 12/KH-UBND."),
        ({"title": ""}, "This field is required."),
        ({"issued_on": "31/02/2025"}, "Enter a valid date."),
        ({"unit": "national"}, "Select a valid choice."),
    ],
)
def test_a_bad_plan_is_refused_with_its_reason_and_nothing_is_saved(
    tree: Tree, people: People, overrides: dict[str, str], message: str
) -> None:
    existing = commune_plan(people, tree)
    client = signed_in(people.commune_official)

    response = client.post(reverse("reports:plan_new"), plan_post(tree.commune.key, **overrides))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert list(Plan.objects.all()) == [existing]


# -- tasks -------------------------------------------------------------------------------------


def test_a_task_goes_to_a_commune_of_the_province_and_its_officials_are_told(
    tree: Tree, people: People
) -> None:
    plan = province_plan(people, tree)
    client = signed_in(people.province_official)

    response = client.post(
        reverse("reports:task_new", args=[plan.pk]),
        task_post(assignee="", assignee_unit=tree.commune.key, deadline="2025-12-05"),
    )

    task = plan.tasks.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#task-{task.pk}")
    assert (task.assignee_unit, task.deadline) == (tree.commune, datetime.date(2025, 12, 5))
    assert people.commune_official.notifications.filter(url=f"/reports/plans/{plan.pk}/").exists()
    page = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    assert tree.commune.name in page
    assert "05/12/2025" in page


def test_a_unit_outside_the_plans_area_is_refused(tree: Tree, people: People) -> None:
    plan = province_plan(people, tree)
    client = signed_in(people.province_official)

    response = client.post(
        reverse("reports:task_new", args=[plan.pk]),
        task_post(assignee="", assignee_unit=tree.far_commune.key),
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not plan.tasks.exists()


def test_a_task_needs_someone_in_charge(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    client = signed_in(people.commune_official)
    response = client.post(reverse("reports:task_new", args=[plan.pk]), task_post(assignee=""))
    assert response.status_code == 422
    assert "Say who is in charge of the task." in response.content.decode()
    assert not plan.tasks.exists()


def test_the_tasks_table_shows_the_task_in_order_with_its_latest_note(
    tree: Tree, people: People
) -> None:
    plan = commune_plan(people, tree)
    first = a_task(people, plan, title="Bước một")
    second = a_task(people, plan, title="Bước hai", assignee="Đoàn Thanh niên")
    services.task_progress_record(people.commune_official, second, progress=20, note="Bắt đầu.")
    services.task_progress_record(people.commune_official, second, progress=70, note="Gần xong.")
    client = signed_in(people.commune_official)

    body = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()

    assert body.index(f'data-task="{first.pk}"') < body.index(f'data-task="{second.pk}"')
    assert "Đoàn Thanh niên" in body
    assert "In progress" in body
    assert "70%" in body
    row = body[body.index(f'data-task="{second.pk}"') :]
    assert row.index("Gần xong.") < row.index("</tr>")


# -- progress ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "note", "message"),
    [
        (150, "Đã làm.", "Progress is a percentage from 0 to 100."),
        (-1, "Đã làm.", "Progress is a percentage from 0 to 100."),
        (50, "   ", "Say what was done."),
        ("nửa", "Đã làm.", "Enter a whole number."),
    ],
)
def test_bad_progress_is_refused_and_nothing_changes(
    tree: Tree, people: People, progress: Any, note: str, message: str
) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    client = signed_in(people.commune_official)

    response = client.post(
        reverse("reports:task_progress", args=[task.pk]), progress_post(progress, note)
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    task.refresh_from_db()
    assert (task.progress, task.status) == (0, TaskStatus.NOT_STARTED)
    assert not task.updates.exists()


def test_a_hundred_percent_marks_the_task_done(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    client = signed_in(people.commune_official)

    response = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(100))

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.progress, task.status) == (100, TaskStatus.DONE)
    body = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    assert "Done" in body
    assert "1 of 1 task done" in body


def test_a_past_deadline_is_flagged_overdue_until_done(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    task = a_task(people, plan, deadline=yesterday)
    a_task(people, plan, title="Chưa tới hạn", deadline=yesterday + datetime.timedelta(days=30))
    client = signed_in(people.commune_official)

    body = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    row = body[body.index(f'data-task="{task.pk}"') :]
    assert row.index("Overdue") < row.index("</tr>")
    assert body.count('data-field="overdue"') == 1
    assert "1 overdue" in body

    services.task_progress_record(people.commune_official, task, progress=100, note="Xong.")
    body = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    assert "Overdue" not in body


def test_the_unit_in_charge_records_progress_on_the_provinces_task(
    tree: Tree, people: People
) -> None:
    plan = province_plan(people, tree)
    task = services.task_add(
        people.province_official, plan, title="Đánh giá xã", assignee_unit=tree.commune
    )
    client = signed_in(people.commune_official)

    page = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    assert f'id="progress-form-{task.pk}"' in page
    assert 'id="task-form"' not in page
    response = client.post(reverse("reports:task_progress", args=[task.pk]), progress_post(30))

    assert response.status_code == 302
    assert task.updates.get().recorded_by == people.commune_official


def test_a_photo_is_accepted_and_downloaded_as_an_attachment(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    client = signed_in(people.commune_official)
    photo = SimpleUploadedFile("ảnh họp.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("reports:task_progress", args=[task.pk]), progress_post(evidence=photo)
    )

    assert response.status_code == 302
    update = task.updates.get()
    assert update.evidence_name == "ảnh họp.png"
    stored = update.evidence.name or ""
    assert stored.endswith(".png")
    assert "ảnh họp" not in stored  # the stored name is generated
    page = client.get(reverse("reports:plan", args=[plan.pk])).content.decode()
    link = reverse("reports:task_evidence", args=[update.pk])
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E1%BA%A3nh%20h%E1%BB%8Dp.png" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.getvalue().startswith(b"\x89PNG")


def test_a_pdf_is_kept_as_it_came(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = with_evidence(people, task)
    client = signed_in(people.commune_official)

    download = client.get(reverse("reports:task_evidence", args=[update.pk]))

    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download.getvalue() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("bao-cao.pdf", b"<!doctype html><script>alert(1)</script>"),
    ],
)
def test_an_unsafe_file_is_refused_and_nothing_is_recorded(
    tree: Tree, people: People, name: str, data: bytes
) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    client = signed_in(people.commune_official)
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")

    response = client.post(
        reverse("reports:task_progress", args=[task.pk]), progress_post(100, evidence=upload)
    )

    assert response.status_code == 422
    assert "This type of file is not accepted." in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    assert not task.updates.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_update_without_evidence_has_no_download(tree: Tree, people: People) -> None:
    plan = commune_plan(people, tree)
    task = a_task(people, plan)
    update = services.task_progress_record(
        people.commune_official, task, progress=10, note="Bắt đầu."
    )
    client = signed_in(people.commune_official)
    assert client.get(reverse("reports:task_evidence", args=[update.pk])).status_code == 404
    assert client.get(reverse("reports:task_evidence", args=[update.pk + 999])).status_code == 404


# -- query budget ------------------------------------------------------------------------------


def test_queries_do_not_grow_with_tasks_progress_or_plans(tree: Tree, people: People) -> None:
    plan = province_plan(people, tree)

    def grow(count: int) -> None:
        for number in range(count):
            task = services.task_add(
                people.province_official, plan, title=f"Việc {number}", assignee_unit=tree.commune
            )
            for percent in (10, 20):
                services.task_progress_record(
                    people.province_official, task, progress=percent, note="Tiếp tục."
                )
            services.plan_create(
                people.province_official,
                unit=tree.commune,
                number=f"{plan.pk}-{task.pk}/KH",
                issued_on=datetime.date(2025, 1, 1),
                issuer="UBND xã",
                title="Kế hoạch",
                first_year=2025,
                last_year=2025,
            )

    def counted(url: str) -> int:
        # A fresh user object per request, as in production: roles are read once per request.
        client = signed_in(type(people.commune_official).objects.get(pk=people.commune_official.pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    detail, listing = reverse("reports:plan", args=[plan.pk]), reverse("reports:plans")
    grow(2)
    few = (counted(detail), counted(listing))
    grow(10)
    assert (counted(detail), counted(listing)) == few


# -- the menu ----------------------------------------------------------------------------------


def test_officials_see_reports_and_plans_in_the_menu_citizens_do_not(
    tree: Tree, people: People
) -> None:
    official = signed_in(people.commune_official).get(reverse("reports:plans")).content.decode()
    assert f'href="{reverse("reports:plans")}" id="nav-plans"' in official
    assert f'href="{reverse("reports:index")}" id="nav-reports"' in official
    citizen = signed_in(people.citizen).get(reverse("core:home")).content.decode()
    assert 'id="nav-plans"' not in citizen
    assert 'id="nav-reports"' not in citizen
