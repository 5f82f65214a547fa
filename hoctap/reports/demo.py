"""Demo plans and reports: the five seed plans with their tasks (`seed_plans.yaml`), a little
progress on a few tasks, and this year's yearly reports of Sơn La and Thanh Hóa, in which one
Sơn La commune has submitted, another was returned with a reason, and Nông Cống has submitted.

Everything goes through the services as the demo accounts (the province officials open the
periods and return a report, the commune officials fill and submit theirs), so the scope rules,
the audit trail and the notifications are what the pages will show. Running it again adds
nothing (a later year's run opens that year's reports).
"""

from __future__ import annotations

import dataclasses
import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from hoctap.accounts import services as accounts_services
from hoctap.accounts.demo import DEMO_PASSWORD
from hoctap.accounts.models import Role, User
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.reports import services
from hoctap.reports.models import Cadence, Plan, PlanTask, Report, ReportingPeriod
from hoctap.targets import registry_counts, rollups

SEED_FILE = Path(__file__).with_name("seed_plans.yaml")
# The token of `seed_plans.yaml` for the commune that holds old Xã Vạn Hòa today.
VAN_HOA_NOW = "van_hoa_now"

# The yearly report is asked from 1 October (before that, last year's is the latest one); its
# period runs to the end of November and units report before 5 December, as Vạn Hòa's plan
# (35/KH-UBND) has it.
OPENS_ON = (10, 1)
PERIOD_ENDS_ON = (11, 30)
DEADLINE = (12, 5)
FORM = "commune"

SON_LA_KEY = "14"
THANH_HOA_KEY = "38"
MUONG_GION_KEY = "03694"
TO_HIEU_KEY = "03646"


# -- the seed plans -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SeedTask:
    title: str
    assignee: str
    description: str = ""
    deadline: datetime.date | None = None
    # (month, day): a yearly deadline, dated in the demo's reporting year.
    every_year: tuple[int, int] | None = None
    # The plan's own people's committee is in charge: the task is assigned to the unit.
    own_unit: bool = False

    def deadline_in(self, year: int) -> datetime.date | None:
        if self.every_year is not None:
            return datetime.date(year, *self.every_year)
        return self.deadline


@dataclasses.dataclass(frozen=True)
class SeedPlan:
    source: str
    unit: str | None  # a unit key, VAN_HOA_NOW, or None (national)
    number: str
    issued_on: datetime.date
    issuer: str
    title: str
    first_year: int
    last_year: int
    summary: str
    tasks: tuple[SeedTask, ...]


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' must be a non-empty text")
    return " ".join(value.split())


def _date(raw: dict[str, Any], key: str, where: str) -> datetime.date | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, datetime.date):
        raise ValueError(f"{where}: '{key}' must be a date (YYYY-MM-DD)")
    return value


def _task(raw: dict[str, Any], where: str) -> SeedTask:
    every_year = None
    if raw.get("every_year") is not None:
        month, day = (int(part) for part in str(raw["every_year"]).split("-"))
        datetime.date(2000, month, day)  # a day that exists (29/02 included)
        every_year = (month, day)
    return SeedTask(
        title=_text(raw, "title", where),
        assignee=_text(raw, "assignee", where),
        description=" ".join(str(raw.get("description") or "").split()),
        deadline=_date(raw, "deadline", where),
        every_year=every_year,
        own_unit=bool(raw.get("own_unit", False)),
    )


@cache
def seed_plans() -> tuple[SeedPlan, ...]:
    """The plans of `seed_plans.yaml`, checked (a malformed file fails loudly, not halfway)."""
    raw = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    plans = []
    for raw_plan in raw["plans"]:
        where = str(raw_plan.get("source", "?"))
        issued_on = _date(raw_plan, "issued_on", where)
        if issued_on is None:
            raise ValueError(f"{where}: 'issued_on' is required")
        unit = raw_plan.get("unit")
        plans.append(
            SeedPlan(
                source=where,
                unit=None if unit is None else str(unit),
                number=_text(raw_plan, "number", where),
                issued_on=issued_on,
                issuer=_text(raw_plan, "issuer", where),
                title=_text(raw_plan, "title", where),
                first_year=int(raw_plan["first_year"]),
                last_year=int(raw_plan["last_year"]),
                summary=_text(raw_plan, "summary", where),
                tasks=tuple(
                    _task(raw_task, f"{where}, task {position}")
                    for position, raw_task in enumerate(raw_plan["tasks"], start=1)
                ),
            )
        )
    return tuple(plans)


def _unit_of(seed: SeedPlan, van_hoa_now: AdminUnit) -> AdminUnit | None:
    if seed.unit == VAN_HOA_NOW:
        return van_hoa_now
    return AdminUnit.objects.current().filter(key=seed.unit).first()


def _seed_plans(actor: Any, stdout: Any, van_hoa_now: AdminUnit, year: int) -> dict[str, Plan]:
    """Create the plans not there yet, with their tasks; returns the plans by source file."""
    plans: dict[str, Plan] = {}
    for seed in seed_plans():
        unit = _unit_of(seed, van_hoa_now) if seed.unit is not None else None
        if seed.unit is not None and unit is None:
            stdout.write(
                f"Kế hoạch {seed.number} ({seed.issuer}): bỏ qua, cây đơn vị không có đơn vị "
                f"mã {seed.unit}."
            )
            continue
        path = unit.path if unit is not None else ""
        existing = Plan.objects.filter(unit_path=path, number=seed.number).first()
        if existing is not None:
            plans[seed.source] = existing
            continue
        plan = services.plan_create(
            actor,
            unit=unit,
            number=seed.number,
            issued_on=seed.issued_on,
            issuer=seed.issuer,
            title=seed.title,
            first_year=seed.first_year,
            last_year=seed.last_year,
            summary=seed.summary,
        )
        for task in seed.tasks:
            services.task_add(
                actor,
                plan,
                title=task.title,
                description=task.description,
                assignee=task.assignee,
                assignee_unit=unit if task.own_unit else None,
                deadline=task.deadline_in(year),
            )
        plans[seed.source] = plan
        kind, place = ("Kế hoạch", unit.name) if unit is not None else ("Chương trình", "toàn quốc")
        stdout.write(
            f"{kind} {plan.number} ngày {plan.issued_on:%d/%m/%Y}, {plan.issuer} ban hành "
            f"({place}): {len(seed.tasks)} nhiệm vụ."
        )
    return plans


# -- progress on a few tasks ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProgressNote:
    source: str  # the seed file of the plan
    task_starts: str  # the start of the task's title
    username: str  # who records it (the demo admin when the account is missing)
    progress: int
    note: str
    on: datetime.date
    at: datetime.time  # local time


PROGRESS = [
    ProgressNote(
        source="002_fafc31901cc0c0cf.txt",
        task_starts="Sơ kết 5 năm",
        username="tinh.sonla",
        progress=100,
        note=(
            "Hội Khuyến học tỉnh đã tổng hợp báo cáo sơ kết 5 năm (2021 - 2025) của các sở, ngành "
            "và địa phương; hội nghị sơ kết gắn với biểu dương các mô hình học tập tiêu biểu đã "
            "tổ chức trong quý IV/2025."
        ),
        on=datetime.date(2025, 12, 22),
        at=datetime.time(10, 0),
    ),
    ProgressNote(
        source="002_fafc31901cc0c0cf.txt",
        task_starts="Hằng năm tổ chức tập huấn",
        username="tinh.sonla",
        progress=40,
        note=(
            "Đã tập huấn bộ tiêu chí cho cán bộ khuyến học các xã, phường sau sắp xếp; các xã "
            "đang đánh giá, chưa có xã nào trình cấp giấy chứng nhận năm nay."
        ),
        on=datetime.date(2026, 10, 15),
        at=datetime.time(9, 0),
    ),
    ProgressNote(
        source="003_c603266f8f6c0b34.txt",
        task_starts="Triển khai phần mềm",
        username="xa.nongcong",
        progress=60,
        note=(
            "Đã dùng phần mềm để đăng ký, tự chấm, thẩm định và đề nghị công nhận “Gia đình học "
            "tập”, “Công dân học tập” ở thôn đầu tiên; các thôn còn lại nhập sổ hộ trước kỳ báo "
            "cáo cuối năm."
        ),
        on=datetime.date(2026, 10, 20),
        at=datetime.time(14, 30),
    ),
]


def _user(username: str, fallback: Any) -> Any:
    return User.objects.filter(username=username, is_active=True).first() or fallback


def _seed_progress(actor: Any, stdout: Any, plans: dict[str, Plan]) -> None:
    for item in PROGRESS:
        plan = plans.get(item.source)
        if plan is None:
            continue
        task = (
            PlanTask.objects.filter(plan=plan, title__startswith=item.task_starts)
            .order_by("position")
            .first()
        )
        if task is None or task.updates.exists():
            continue
        recorder = _user(item.username, actor)
        services.task_progress_record(
            recorder,
            task,
            progress=item.progress,
            note=item.note,
            now=timezone.make_aware(datetime.datetime.combine(item.on, item.at)),
        )
        stdout.write(
            f"  Tiến độ “{task.title[:60]}…” ({plan.number}): {item.progress}%, "
            f"{recorder.username} ghi ngày {item.on:%d/%m/%Y}."
        )


# -- this year's reports ------------------------------------------------------------------------

NARRATIVES: dict[str, dict[str, str]] = {
    MUONG_GION_KEY: {
        "results": (
            "UBND xã phối hợp Hội Khuyến học xã tuyên truyền bằng tiếng Thái, tiếng Mông tại các "
            "buổi họp bản; các bản đã lập danh sách hộ đăng ký “Gia đình học tập”. Trung tâm học "
            "tập cộng đồng mở lớp chuyên đề về trồng cà phê, chăn nuôi và kỹ năng số."
        ),
        "difficulties": (
            "Địa bàn rộng, nhiều bản ở xa trung tâm xã, sóng điện thoại yếu nên việc nhập minh "
            "chứng còn chậm; một bộ phận người dân chưa thạo tiếng phổ thông."
        ),
        "proposals": (
            "Đề nghị tỉnh hỗ trợ kinh phí tập huấn kỹ năng số cho cán bộ khuyến học bản và trang "
            "bị máy tính cho trung tâm học tập cộng đồng."
        ),
        "plans_ahead": (
            "Bình xét, công nhận danh hiệu năm nay; vận động các dòng họ đăng ký “Dòng họ học tập”."
        ),
    },
    TO_HIEU_KEY: {
        "results": (
            "Phường triển khai đăng ký, tự chấm và thẩm định “Gia đình học tập”, “Công dân học "
            "tập” trên phần mềm ở các tổ dân phố; Hội Khuyến học phường phối hợp các trường tổ "
            "chức Tuần lễ hưởng ứng học tập suốt đời."
        ),
        "difficulties": (
            "Một số hộ kinh doanh, người lao động tự do ít tham gia sinh hoạt tổ dân phố nên việc "
            "đánh giá còn chậm."
        ),
        "proposals": (
            "Đề nghị tỉnh sớm ban hành hướng dẫn cấp giấy chứng nhận danh hiệu theo mẫu thống nhất."
        ),
    },
    VAN_HOA_NOW: {
        "results": (
            "Xã Nông Cống (gồm xã Vạn Hòa cũ) tiếp tục thực hiện Kế hoạch số 35/KH-UBND: các thôn "
            "đăng ký, tự chấm, thẩm định “Gia đình học tập”, “Công dân học tập” trên phần mềm; "
            "Trung tâm học tập cộng đồng mở lớp kỹ năng số cho người lớn."
        ),
        "difficulties": (
            "Sau sắp xếp đơn vị hành chính, địa bàn xã rộng hơn, đội ngũ cán bộ khuyến học thôn "
            "cần được kiện toàn; kinh phí hoạt động còn hạn chế."
        ),
        "proposals": (
            "Đề nghị tỉnh hướng dẫn việc chuyển tiếp các chỉ tiêu của kế hoạch xã Vạn Hòa cũ sang "
            "xã mới."
        ),
        "plans_ahead": (
            "Hoàn thành công nhận danh hiệu năm nay; chuẩn bị sơ kết việc thực hiện Kế hoạch số "
            "35/KH-UBND."
        ),
    },
}
# Nông Cống types in the fund its association raised (a figure no data pre-fills).
NONG_CONG_FUND = 48_500_000
NONG_CONG_FUND_NOTE = "Theo sổ quỹ của Hội Khuyến học xã."
RETURN_REASON = (
    "Mục “Kết quả” chưa nêu số gia đình, công dân được công nhận theo từng tổ dân phố và chưa "
    "nhập số tiền quỹ khuyến học vận động trong năm; đề nghị phường bổ sung rồi gửi lại."
)


def report_year(today: datetime.date) -> int:
    """The year of the latest yearly report asked for: this year's from 1 October."""
    return today.year if (today.month, today.day) >= OPENS_ON else today.year - 1


def _commune_official(
    actor: Any, stdout: Any, username: str, full_name: str, unit: AdminUnit
) -> User:
    """The commune's demo official, made here when the accounts demo has none for it."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    official = accounts_services.user_create(
        actor=actor,
        username=username,
        password=DEMO_PASSWORD,
        full_name=full_name,
        role=Role.COMMUNE_OFFICIAL,
        unit=unit,
    )
    stdout.write(
        f"  {username:<18} {Role(Role.COMMUNE_OFFICIAL).label} · {unit.name} · {full_name} "
        "(tài khoản thêm cho phần báo cáo)"
    )
    return official


def _submitted(
    official: Any, report: Report, narrative: dict[str, str], fund: int | None
) -> Report:
    """The report pre-filled, its narrative typed (and the fund), and submitted."""
    report = services.report_prepare(official, report)
    year = str(report.period.ends_on.year)
    corrections = (
        {year: {"fund": {"value": fund, "note": NONG_CONG_FUND_NOTE}}} if fund is not None else {}
    )
    report = services.report_save(
        official, report, revision=report.revision, narrative=narrative, corrections=corrections
    )
    services.report_submit(official, report, revision=report.revision)
    report.refresh_from_db()
    return report


def _open_yearly(stdout: Any, province: AdminUnit, owner: Any, year: int) -> ReportingPeriod | None:
    """The province's yearly period asking each of its current communes (once)."""
    ends_on = datetime.date(year, *PERIOD_ENDS_ON)
    if ReportingPeriod.objects.filter(
        unit=province, cadence=Cadence.YEARLY, form=FORM, ends_on=ends_on
    ).exists():
        return None
    communes = list(
        AdminUnit.objects.current().filter(parent=province, level=Level.COMMUNE).order_by("key")
    )
    period = services.period_open(
        owner,
        unit=province,
        cadence=Cadence.YEARLY,
        form=FORM,
        starts_on=datetime.date(year, 1, 1),
        ends_on=ends_on,
        deadline=datetime.date(year, *DEADLINE),
        units=communes,
        note="Báo cáo kết quả xây dựng xã hội học tập và các mô hình học tập trong năm.",
    )
    stdout.write(
        f"Kỳ báo cáo “{period.name}” của {province.name} ({owner.username} mở): "
        f"{len(communes)} xã, phường phải báo cáo, hạn {period.deadline:%d/%m/%Y}."
    )
    return period


def _report_of(period: ReportingPeriod, unit: AdminUnit | None) -> Report | None:
    if unit is None:
        return None
    return period.reports.respondents().filter(unit=unit, organisation=None).first()


def _seed_son_la(actor: Any, stdout: Any, son_la: AdminUnit, year: int) -> None:
    """Sơn La's period: Mường Giôn submitted, Tô Hiệu submitted and returned."""
    owner = _user("tinh.sonla", actor)
    period = _open_yearly(stdout, son_la, owner, year)
    if period is None:
        return
    muong_gion = AdminUnit.objects.current().filter(key=MUONG_GION_KEY).first()
    report = _report_of(period, muong_gion)
    if report is not None and muong_gion is not None:
        official = _commune_official(actor, stdout, "xa.muonggion", "Lường Văn Thanh", muong_gion)
        _submitted(official, report, NARRATIVES[MUONG_GION_KEY], None)
        stdout.write(f"  {muong_gion.name}: đã gửi báo cáo ({official.username}).")
    to_hieu = AdminUnit.objects.current().filter(key=TO_HIEU_KEY).first()
    report = _report_of(period, to_hieu)
    ward_official = User.objects.filter(username="xa.tohieu").first()
    if report is not None and to_hieu is not None and ward_official is not None:
        report = _submitted(ward_official, report, NARRATIVES[TO_HIEU_KEY], None)
        services.report_return(owner, report, revision=report.revision, reason=RETURN_REASON)
        stdout.write(
            f"  {to_hieu.name}: đã gửi, {owner.username} trả lại để bổ sung "
            f"({ward_official.username} sửa và gửi lại)."
        )


def _seed_thanh_hoa(
    actor: Any, stdout: Any, thanh_hoa: AdminUnit, van_hoa_now: AdminUnit, year: int
) -> None:
    """Thanh Hóa's period: Nông Cống submitted, with the fund it raised."""
    owner = _user("tinh.thanhhoa", actor)
    period = _open_yearly(stdout, thanh_hoa, owner, year)
    if period is None:
        return
    report = _report_of(period, van_hoa_now)
    official = User.objects.filter(username="xa.nongcong").first()
    if report is not None and official is not None:
        _submitted(official, report, NARRATIVES[VAN_HOA_NOW], NONG_CONG_FUND)
        stdout.write(
            f"  {van_hoa_now.name}: đã gửi báo cáo ({official.username}), kèm số quỹ khuyến học."
        )


def _seed_reports(actor: Any, stdout: Any, van_hoa_now: AdminUnit, year: int) -> None:
    son_la = AdminUnit.objects.current().filter(key=SON_LA_KEY).first()
    thanh_hoa = AdminUnit.objects.current().filter(key=THANH_HOA_KEY).first()
    if son_la is None or thanh_hoa is None:
        stdout.write("Báo cáo: bỏ qua, cây đơn vị không có Sơn La hoặc Thanh Hóa.")
        return
    # The registry demo writes its rows in bulk; the reports take their figures from the
    # dashboards, which must count them before the first report is pre-filled and frozen.
    if not ReportingPeriod.objects.filter(ends_on=datetime.date(year, *PERIOD_ENDS_ON)).exists():
        registry_counts.rebuild()
        rollups.rebuild()
    _seed_son_la(actor, stdout, son_la, year)
    _seed_thanh_hoa(actor, stdout, thanh_hoa, van_hoa_now, year)


def seed(
    *, actor: Any, stdout: Any, van_hoa_now: AdminUnit, today: datetime.date | None = None
) -> None:
    """Load the seed plans with their tasks, some progress, and this year's yearly reports."""
    today = today or timezone.localdate()
    year = report_year(today)
    stdout.write("")
    plans = _seed_plans(actor, stdout, van_hoa_now, year)
    _seed_progress(actor, stdout, plans)
    _seed_reports(actor, stdout, van_hoa_now, year)
