"""Compiling a province's yearly report from 150 commune reports, and producing its .docx and
.xlsx, against compiling from 15 in the same run (issue "Periodic reports"; target: under 5 s
for 150, growing no worse than linearly).

Setup (untimed): two provinces, one of 15 communes and one of 150, with a yearly period each
opened through `services.period_open` (so the reports and the owner's compiled one are what
the app creates). One commune holds real assessments (households, learning families,
recognised or not), the roll-ups are rebuilt and `figures.prefill` gives its figures: the key
set and the shape every submission takes. Then every respondent's submission is written
directly (bulk inserts: what is measured is compiling, not submitting), with figures of that
shape drawn at random per commune (a seed makes every run alike): counts per title, indicator
numerators and denominators, some unknown (None), a fund; one commune in ten has not
reported, one in ten submitted twice (returned, then resubmitted: the latest counts).

Measured, for 15 and for 150 reports (`rows`): the whole download, `compile_period` then
`compiled_docx` and `compiled_xlsx` over a period read afresh, as the view does:
- `reports.compile.seconds`: median of REPEAT warm runs (BENCH_REPEAT, default 7), with the
  three parts' medians, the fastest run and the files' sizes; the 150 figure carries the 15 one
  as `baseline`, so `ratio` (against `linear` = 10) shows how it grows; `target` 5 s;
- `reports.compile.queries`: the queries of one run (the 15 one as baseline): constant.
The compiled totals are checked equal to the sum of the submitted figures, and the Excel
totals row to the compiled totals.

    .venv/bin/python bench/run.py reports
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_reports \\
        .venv/bin/python bench/run.py reports
    .venv/bin/python bench/bench_reports.py --quick    # 3 and 30 communes, 2 runs each
"""

from __future__ import annotations

import datetime
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from support import REPEAT, emit, new_unit, throwaway_database, timed

QUICK = "--quick" in sys.argv or os.environ.get("BENCH_QUICK") == "1"
SIZES = (3, 30) if QUICK else (15, 150)
RUNS = 2 if QUICK else REPEAT
TARGET_SECONDS = 5.0
YEAR = 2025
SEED = 2025
# The one commune with real assessments: how many households, and how many recognised.
HOUSEHOLDS = 120
RECOGNISED = 80
NARRATIVE = {
    "results": "Toàn tỉnh đã tổ chức đăng ký, đánh giá và công nhận các danh hiệu học tập.\n"
    "Phong trào xây dựng gia đình học tập, dòng họ học tập được nhân rộng.",
    "difficulties": "Kinh phí còn hạn chế; một số xã vùng cao thiếu cán bộ chuyên trách.",
    "proposals": "Đề nghị Bộ Giáo dục và Đào tạo ban hành hướng dẫn thống nhất.",
}
COMMUNE_WORDS = ("Chiềng", "Mường", "Nà", "Phiêng", "Huổi", "Tà", "Long", "Bó")
COMMUNE_NAMES = ("Cơi", "Giôn", "Ngần", "Khoài", "Sại", "Xe", "Hẹ", "Mươi", "Ban", "Đen")


# -- setup ------------------------------------------------------------------------------------


def create_province(key: str, name: str, communes: int) -> tuple[Any, list[Any]]:
    """A province and its communes (the first with one hamlet), through the unit model."""
    from hoctap.adminunits.models import Kind, Level

    unit = new_unit

    province = unit(key, name, Level.PROVINCE, Kind.PROVINCE, None)
    made = []
    for number in range(communes):
        word = COMMUNE_WORDS[number % len(COMMUNE_WORDS)]
        label = f"Xã {word} {COMMUNE_NAMES[number // len(COMMUNE_WORDS) % 10]} {number + 1}"
        made.append(unit(f"{key}-{number:03d}", label, Level.COMMUNE, Kind.COMMUNE, province))
    unit(f"{key}-000-1", "Bản Nà Ngần", Level.HAMLET, Kind.HIGHLAND_VILLAGE, made[0])
    return province, made


def official_of(province: Any) -> Any:
    from hoctap.accounts.models import Role, RoleAssignment, User

    user = User.objects.create(username=f"bench-{province.key}", full_name="Cán bộ tỉnh")
    RoleAssignment.objects.create(user=user, role=Role.PROVINCE_OFFICIAL, unit=province)
    return user


def add_assessments(commune: Any) -> None:
    """Households of the commune's hamlet with a learning-family assessment each, some
    recognised (bulk inserts with the fields the services fill); roll-ups rebuilt."""
    from decimal import Decimal

    from hoctap.adminunits.models import AdminUnit
    from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
    from hoctap.core.text import search_key
    from hoctap.criteria.selectors import criteria_set_for
    from hoctap.registry.models import Household
    from hoctap.targets import registry_counts, rollups

    hamlet = AdminUnit.objects.get(parent=commune)
    kind, code = TITLE_SUBJECTS[Title.LEARNING_FAMILY]
    criteria_set = criteria_set_for(code, commune, datetime.date(YEAR, 1, 1))
    households = Household.objects.bulk_create(
        Household(
            commune=commune,
            hamlet=hamlet,
            unit_path=hamlet.path,
            code=f"HO-{number:05d}",
            search_name=search_key(f"HO-{number:05d}"),
        )
        for number in range(HOUSEHOLDS)
    )
    Assessment.objects.bulk_create(
        Assessment(
            title=Title.LEARNING_FAMILY,
            year=YEAR,
            household=household,
            subject_key=f"{kind}:{household.pk}",
            subject_name=household.code,
            commune=commune,
            unit_path=hamlet.path,
            criteria_code=criteria_set.code,
            criteria_version=criteria_set.version,
            state=State.RECOGNISED if number < RECOGNISED else State.REGISTERED,
            passed=number < RECOGNISED,
            total=Decimal("91.50"),
        )
        for number, household in enumerate(households)
    )
    rollups.rebuild()
    registry_counts.rebuild()


def figures_like(template: dict[str, int | None], chance: random.Random) -> dict[str, Any]:
    """Figures of one commune with the keys of `template` (what `prefill` gives a commune):
    recognised below registered, numerators below denominators, some unknown."""
    values: dict[str, int | None] = {}
    for key in template:
        part, _dot, code = key.partition(".")
        if part == "registered":
            registered = chance.randint(0, 1500)
            values[key] = registered
            values[f"recognised.{code}"] = chance.randint(0, registered)
        elif part == "numerator":
            if chance.random() < 0.3:  # not counted there: unknown, not 0
                values[key] = values[f"denominator.{code}"] = None
            else:
                denominator = chance.randint(1, 3000)
                values[f"denominator.{code}"] = denominator
                values[key] = chance.randint(0, denominator)
        elif part not in ("recognised", "denominator"):
            values[key] = chance.randint(1, 200) * 500_000 if chance.random() < 0.7 else None
    assert set(values) == set(template), set(values) ^ set(template)
    return {str(YEAR): values}


def open_period(province: Any, communes: list[Any]) -> Any:
    from hoctap.reports import services
    from hoctap.reports.models import Cadence

    return services.period_open(
        official_of(province),
        unit=province,
        cadence=Cadence.YEARLY,
        form="commune",
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
        deadline=datetime.date(YEAR + 1, 1, 5),
        units=communes,
    )


def write_submissions(period: Any, template: dict[str, int | None], seed: int) -> None:
    """Every respondent's submission but one in ten; one in ten submitted twice."""
    from django.utils import timezone

    from hoctap.reports.models import Report, ReportState, ReportSubmission

    chance = random.Random(seed)
    deadline = datetime.datetime(YEAR + 1, 1, 5, 17, 0, tzinfo=timezone.get_current_timezone())
    reports = list(period.reports.respondents().order_by("unit_path"))
    submissions: list[ReportSubmission] = []
    for index, report in enumerate(reports):
        if index % 10 == 9:
            continue  # has not reported
        versions = 2 if index % 10 == 4 else 1
        submitted_at = deadline - datetime.timedelta(hours=chance.randint(-48, 24 * 20))
        for number in range(1, versions + 1):
            submissions.append(
                ReportSubmission(
                    report=report,
                    number=number,
                    figures=figures_like(template, chance),
                    narrative=NARRATIVE,
                    submitted_at=submitted_at,
                    on_time=submitted_at <= deadline,
                )
            )
        report.state = ReportState.SUBMITTED
        report.submitted_at = submitted_at
        report.narrative = NARRATIVE
    ReportSubmission.objects.bulk_create(submissions, batch_size=500)
    Report.objects.bulk_update(reports, ["state", "submitted_at", "narrative"], batch_size=500)
    period.reports.filter(is_compiled=True).update(narrative=NARRATIVE)


# -- what is measured -------------------------------------------------------------------------


def download(period_id: int, parts: dict[str, list[float]]) -> tuple[Any, bytes, bytes]:
    """What the two download views do, from the period's id: read, compile, write both."""
    from hoctap.reports import documents
    from hoctap.reports.compiling import compile_period
    from hoctap.reports.models import ReportingPeriod

    started = time.perf_counter()
    period = ReportingPeriod.objects.select_related("unit").get(pk=period_id)
    compiled = compile_period(period)
    compiled_at = time.perf_counter()
    docx = documents.compiled_docx(compiled)
    docx_at = time.perf_counter()
    xlsx = documents.compiled_xlsx(compiled)
    documents.compiled_filename(period, "docx")
    finished = time.perf_counter()
    parts["compile"].append(compiled_at - started)
    parts["docx"].append(docx_at - compiled_at)
    parts["xlsx"].append(finished - docx_at)
    return compiled, docx, xlsx


def queries(read: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def check(compiled: Any, xlsx: bytes) -> None:
    """The totals are the sum of the submitted figures; the workbook's totals row says so."""
    from openpyxl import load_workbook

    year = str(YEAR)
    for key, total in compiled.totals[year].items():
        part, _dot, code = key.partition(".")
        pair = (f"numerator.{code}", f"denominator.{code}")
        counted = [
            row.figures[year]
            for row in compiled.submitted
            if part not in ("numerator", "denominator")
            or all(row.figures[year][other] is not None for other in pair)
        ]
        known = [values[key] for values in counted if values[key] is not None]
        assert total == (sum(known) if known else None), key
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)["Theo đơn vị"]
    label = f"Tổng cộng ({len(compiled.submitted)} đơn vị đã gửi)"
    row = next(row for row in sheet.iter_rows(values_only=True) if row[2] == label)
    family = compiled.totals[year]["recognised.learning_family"]
    assert family in row, (family, row)


def measure(period_id: int) -> dict[str, Any]:
    parts: dict[str, list[float]] = {"compile": [], "docx": [], "xlsx": []}
    compiled, docx, xlsx = download(period_id, parts)  # warm-up: imports, query plans
    check(compiled, xlsx)
    count = queries(lambda: download(period_id, parts))
    for values in parts.values():
        values.clear()
    times = [timed(lambda: download(period_id, parts))[0] for _ in range(RUNS)]
    return {
        "seconds": statistics.median(times),
        "fastest": min(times),
        "queries": count,
        "parts": {name: round(statistics.median(values), 4) for name, values in parts.items()},
        "submitted": len(compiled.submitted),
        "missing": len(compiled.missing),
        "docx_bytes": len(docx),
        "xlsx_bytes": len(xlsx),
    }


def main() -> None:
    with throwaway_database():
        from hoctap.reports import figures
        from hoctap.reports.report_forms import form_get
        from hoctap.targets import services as target_services

        started = time.perf_counter()
        target_services.national_targets_load()
        provinces = [create_province(f"B{size}", f"Tỉnh Thử Nghiệm {size}", size) for size in SIZES]
        add_assessments(provinces[-1][1][0])
        form = form_get("commune")
        assert form is not None
        prefilled = figures.prefill(provinces[-1][1][0], [YEAR], form)["figures"][str(YEAR)]
        assert prefilled["recognised.learning_family"] == RECOGNISED, prefilled
        periods = []
        for position, (province, communes) in enumerate(provinces):
            period = open_period(province, communes)
            write_submissions(period, prefilled, SEED + position)
            periods.append(period)
        setup = time.perf_counter() - started
        print(f"# setup {setup:.1f} s", file=sys.stderr, flush=True)

        results = [(size, measure(period.pk)) for size, period in zip(SIZES, periods, strict=True)]
        for size, result in results:
            print(f"# {size} communes: {result}", file=sys.stderr, flush=True)
        (small, first), (large, second) = results
        emit("reports.setup.seconds", setup, "s", sum(SIZES), quick=QUICK)
        for size, result, baseline in ((small, first, None), (large, second, first)):
            emit(
                "reports.compile.seconds",
                result["seconds"],
                "s",
                size,
                baseline=baseline["seconds"] if baseline else None,
                linear=round(large / small, 3) if baseline else None,
                target=TARGET_SECONDS if size == large else None,
                fastest=round(result["fastest"], 6),
                parts=result["parts"],
                submitted=result["submitted"],
                missing=result["missing"],
                docx_bytes=result["docx_bytes"],
                xlsx_bytes=result["xlsx_bytes"],
                runs=RUNS,
                quick=QUICK,
            )
            emit(
                "reports.compile.queries",
                result["queries"],
                "queries",
                size,
                baseline=baseline["queries"] if baseline else None,
                quick=QUICK,
            )


if __name__ == "__main__":
    main()
