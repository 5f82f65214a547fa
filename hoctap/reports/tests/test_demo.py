"""The reports demo: the five seed plans as their texts give them, loaded with their tasks and a
little progress; this year's yearly reports of Sơn La (one commune submitted, one returned)
and Thanh Hóa (Nông Cống submitted); and seeding again adds nothing."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from hoctap.accounts import demo as accounts_demo
from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.conftest import Tree
from hoctap.core.models import Notification
from hoctap.reports import demo
from hoctap.reports.models import (
    Cadence,
    Plan,
    PlanTask,
    Report,
    ReportingPeriod,
    ReportState,
    ReportSubmission,
    TaskProgress,
    TaskStatus,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)
NATIONAL, HA_NOI, SON_LA, VAN_HOA, LAM_DONG = (
    "001_7ad90df68148e1e4.txt",
    "000_f3198a94d3e083b6.txt",
    "002_fafc31901cc0c0cf.txt",
    "003_c603266f8f6c0b34.txt",
    "004_6476b05db51b37e4.txt",
)


def _seed(name: str) -> demo.SeedPlan:
    return next(plan for plan in demo.seed_plans() if plan.source == name)


def _counts() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        PlanTask.objects.count(),
        TaskProgress.objects.count(),
        ReportingPeriod.objects.count(),
        Report.objects.count(),
        ReportSubmission.objects.count(),
        User.objects.count(),
        Notification.objects.count(),
    )


# -- the seed file ----------------------------------------------------------------------------


def test_the_seed_file_holds_the_five_plans_with_their_numbers_and_units() -> None:
    plans = {plan.source: plan for plan in demo.seed_plans()}

    assert set(plans) == {NATIONAL, HA_NOI, SON_LA, VAN_HOA, LAM_DONG}
    assert (plans[NATIONAL].unit, plans[NATIONAL].number) == (None, "387/QĐ-TTg")
    assert plans[NATIONAL].issued_on == datetime.date(2022, 3, 25)
    assert (plans[SON_LA].unit, plans[SON_LA].number) == ("14", "…/KH-UBND")
    assert plans[SON_LA].issued_on.replace(day=1) == datetime.date(2022, 8, 1)
    assert (plans[VAN_HOA].unit, plans[VAN_HOA].number) == (demo.VAN_HOA_NOW, "35/KH-UBND")
    assert plans[VAN_HOA].issued_on == datetime.date(2022, 9, 23)
    assert (plans[LAM_DONG].unit, plans[LAM_DONG].number) == ("68", "…/KH-BCĐ")
    assert (plans[LAM_DONG].first_year, plans[LAM_DONG].last_year) == (2024, 2024)
    assert plans[HA_NOI].unit == "01"
    assert "Không ghi số" in plans[HA_NOI].number


@pytest.mark.parametrize("source", [NATIONAL, HA_NOI, SON_LA, VAN_HOA, LAM_DONG])
def test_each_seed_plan_has_real_tasks_with_someone_in_charge(source: str) -> None:
    plan = _seed(source)

    assert 6 <= len(plan.tasks) <= 15
    assert all(task.title and task.assignee for task in plan.tasks)
    assert len({task.title for task in plan.tasks}) == len(plan.tasks)
    assert all(len(task.title) <= 500 for task in plan.tasks)
    assert plan.summary.count(".") >= 2
    assert len(plan.number) <= 64
    for task in plan.tasks:
        if task.deadline is not None:
            assert plan.first_year <= task.deadline.year <= plan.last_year


def test_the_deadlines_are_those_the_texts_give() -> None:
    def deadlines(source: str) -> dict[datetime.date | None, str]:
        return {task.deadline_in(2026): task.title for task in _seed(source).tasks}

    # Hà Nội reviews in Q3 2026 and Q4 2030; Sơn La in Q4 2025; Vạn Hòa in Q2 2026
    assert datetime.date(2026, 9, 30) in deadlines(HA_NOI)
    assert datetime.date(2030, 12, 31) in deadlines(HA_NOI)
    assert datetime.date(2025, 12, 31) in deadlines(SON_LA)
    assert datetime.date(2026, 6, 30) in deadlines(VAN_HOA)
    # Vạn Hòa reports before 05/12 every year; Lâm Đồng before 01/12/2024
    yearly = next(task for task in _seed(VAN_HOA).tasks if task.every_year)
    assert yearly.every_year == (12, 5)
    assert yearly.own_unit
    assert yearly.deadline_in(2027) == datetime.date(2027, 12, 5)
    assert "Hội Khuyến học huyện" in deadlines(VAN_HOA)[datetime.date(2026, 12, 5)]
    assert "báo cáo" in deadlines(LAM_DONG)[datetime.date(2024, 12, 1)]


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (datetime.date(2026, 11, 30), 2026),
        (datetime.date(2026, 10, 1), 2026),
        (datetime.date(2026, 9, 30), 2025),
        (datetime.date(2027, 1, 10), 2026),
    ],
)
def test_the_yearly_report_of_the_demo_is_this_years_from_october(
    today: datetime.date, year: int
) -> None:
    assert demo.report_year(today) == year


# -- seeding on the test tree -----------------------------------------------------------------


@pytest.fixture
def accounts(tree: Tree) -> dict[str, User]:
    """The demo accounts the reports demo acts as, on the test tree (Nông Cống holds Vạn Hòa)."""
    return {
        "admin": accounts_demo.demo_admin(),
        "tinh.sonla": user_with_role(Role.PROVINCE_OFFICIAL, tree.province, "tinh.sonla"),
        "tinh.thanhhoa": user_with_role(
            Role.PROVINCE_OFFICIAL, tree.other_province, "tinh.thanhhoa"
        ),
        "xa.tohieu": user_with_role(Role.COMMUNE_OFFICIAL, tree.other_commune, "xa.tohieu"),
        "xa.nongcong": user_with_role(Role.COMMUNE_OFFICIAL, tree.far_commune, "xa.nongcong"),
    }


def _run(accounts: dict[str, User], tree: Tree) -> str:
    out = io.StringIO()
    demo.seed(actor=accounts["admin"], stdout=out, van_hoa_now=tree.far_commune, today=TODAY)
    return out.getvalue()


def test_the_demo_loads_the_plans_whose_units_are_in_the_tree(
    tree: Tree, accounts: dict[str, User]
) -> None:
    out = _run(accounts, tree)

    # Hà Nội and Lâm Đồng are not in the test tree: skipped, and said so
    assert set(Plan.objects.values_list("unit_path", "number")) == {
        ("", "387/QĐ-TTg"),
        (tree.province.path, "…/KH-UBND"),
        (tree.far_commune.path, "35/KH-UBND"),
    }
    assert out.count("bỏ qua") == 2
    assert "mã 01" in out
    assert "mã 68" in out
    for source in (NATIONAL, SON_LA, VAN_HOA):
        seed = _seed(source)
        plan = Plan.objects.get(number=seed.number)
        assert plan.issuer == seed.issuer
        assert plan.created_by == accounts["admin"]
        assert list(plan.tasks.values_list("title", flat=True)) == [t.title for t in seed.tasks]
    # the commune's own tasks are assigned to it, dated in this year's report
    van_hoa = Plan.objects.get(unit=tree.far_commune)
    yearly = van_hoa.tasks.get(assignee_unit=tree.far_commune, deadline__month=12)
    assert yearly.deadline == datetime.date(2026, 12, 5)
    assert van_hoa.tasks.filter(assignee_unit=tree.far_commune).count() == 2
    assert Notification.objects.filter(
        user=accounts["xa.nongcong"], message__contains="35/KH-UBND"
    ).exists()


def test_the_demo_records_progress_as_the_officials(tree: Tree, accounts: dict[str, User]) -> None:
    _run(accounts, tree)

    updates = TaskProgress.objects.values_list("recorded_by__username", "progress")
    assert sorted(updates) == [
        ("tinh.sonla", 40),
        ("tinh.sonla", 100),
        ("xa.nongcong", 60),
    ]
    review = PlanTask.objects.get(plan__unit=tree.province, title__startswith="Sơ kết 5 năm")
    assert review.status == TaskStatus.DONE
    assert review.progress == 100
    software = PlanTask.objects.get(plan__unit=tree.far_commune, title__startswith="Triển khai")
    assert software.status == TaskStatus.IN_PROGRESS
    assert software.updates.get().recorded_at.date() == datetime.date(2026, 10, 20)


def test_the_demo_opens_the_yearly_reports_with_one_submitted_and_one_returned(
    tree: Tree, accounts: dict[str, User]
) -> None:
    out = _run(accounts, tree)

    son_la = ReportingPeriod.objects.get(unit=tree.province)
    assert (son_la.cadence, son_la.form) == (Cadence.YEARLY, "commune")
    assert (son_la.ends_on, son_la.deadline) == (
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 5),
    )
    assert son_la.opened_by == accounts["tinh.sonla"]
    reports = {r.unit: r for r in son_la.reports.respondents()}
    assert set(reports) == {tree.commune, tree.other_commune}
    # Mường Giôn submitted, by the official the demo adds for it
    submitted = reports[tree.commune]
    assert submitted.state == ReportState.SUBMITTED
    assert submitted.submitted_by is not None
    assert submitted.submitted_by.username == "xa.muonggion"
    assert submitted.submitted_by.assignments.get().role == Role.COMMUNE_OFFICIAL
    version = submitted.submissions.get()
    assert version.narrative == demo.NARRATIVES[demo.MUONG_GION_KEY]
    assert set(version.figures) == {"2026"}
    # Tô Hiệu submitted and was returned by the province with the reason
    returned = reports[tree.other_commune]
    assert returned.state == ReportState.RETURNED
    assert returned.return_reason == demo.RETURN_REASON
    assert returned.returned_by == accounts["tinh.sonla"]
    assert returned.submissions.get().submitted_by == accounts["xa.tohieu"]
    assert Notification.objects.filter(
        user=accounts["xa.tohieu"], message__contains=demo.RETURN_REASON[:40]
    ).exists()
    # Thanh Hóa's period: Nông Cống submitted, with the fund it typed in
    thanh_hoa = ReportingPeriod.objects.get(unit=tree.other_province)
    assert thanh_hoa.opened_by == accounts["tinh.thanhhoa"]
    nong_cong = thanh_hoa.reports.respondents().get(unit=tree.far_commune)
    assert nong_cong.state == ReportState.SUBMITTED
    assert nong_cong.submitted_by == accounts["xa.nongcong"]
    assert nong_cong.submissions.get().figures["2026"]["fund"] == demo.NONG_CONG_FUND
    assert "xa.muonggion" in out
    assert "trả lại" in out


def test_seeding_again_adds_nothing(tree: Tree, accounts: dict[str, User]) -> None:
    _run(accounts, tree)
    seeded = _counts()

    out = _run(accounts, tree)

    assert _counts() == seeded
    assert "nhiệm vụ" not in out
    assert "Kỳ báo cáo" not in out


def test_seed_demo_loads_all_five_plans_and_the_reports(settings: Any) -> None:
    """The whole `hoctap seed-demo`, on the real unit tree: slow, but it is what people run."""
    call_command("load_admin_units", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert set(Plan.objects.values_list("unit__key", flat=True)) == {
        None,
        "01",
        "14",
        "16279",  # Xã Nông Cống, which holds old Xã Vạn Hòa
        "68",
    }
    assert PlanTask.objects.count() == sum(len(plan.tasks) for plan in demo.seed_plans())
    son_la = ReportingPeriod.objects.get(unit__key="14")
    assert son_la.reports.respondents().count() > 50  # every current commune of Sơn La
    states = dict(
        son_la.reports.respondents()
        .filter(unit__key__in=["03694", "03646"])
        .values_list("unit__key", "state")
    )
    assert states == {"03694": ReportState.SUBMITTED, "03646": ReportState.RETURNED}
    thanh_hoa = ReportingPeriod.objects.get(unit__key="38")
    assert thanh_hoa.reports.get(unit__key="16279").state == ReportState.SUBMITTED
    assert "Kế hoạch 35/KH-UBND" in out.getvalue()

    seeded = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == seeded
