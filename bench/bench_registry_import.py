"""Registry import benchmark: 100,000 people in 30,000 households from one .xlsx.

1. The product's validated import: `services.import_job_create`, then
   `import_job_validate` and `import_job_commit` called directly (no task queue), into
   an empty commune with 20 hamlets.
2. The baseline, in the same run: read the same file with python-calamine and bulk-insert
   households and people without any checking, into another empty commune.

Each measurement runs in a fresh process, so its peak resident memory (ru_maxrss) is its
own. Figures: rows per second for both, the time ratio validated / baseline, and peak MB.
Targets (issue "Registry"): ≥ 5,000 rows/s on PostgreSQL, peak < 500 MB, ratio ≤ 4.

    .venv/bin/python bench/bench_registry_import.py
    BENCH_REGISTRY_PEOPLE=20000 .venv/bin/python bench/bench_registry_import.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from support import ROOT, emit, throwaway_database

PEOPLE = int(os.environ.get("BENCH_REGISTRY_PEOPLE", "100000"))
HAMLETS = 20
# Household sizes cycle through this pattern: 20 people per 6 households, so 100,000
# people make 30,000 households.
SIZES = (2, 3, 4, 5, 3, 3)
VALIDATED_COMMUNE = "BENCH-A"
BASELINE_COMMUNE = "BENCH-B"
ACTOR = "bench-xa"

FAMILY_NAMES = ("Nguyễn", "Lê", "Trịnh", "Hoàng", "Đỗ", "Phạm", "Lò", "Cầm", "Quàng", "Lường")
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Xuân")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Hồng")
MALE_GIVEN = ("Hùng", "Dũng", "Thắng", "Minh", "Nam", "Long", "Phong", "Khánh", "Tuấn", "Sơn")
FEMALE_GIVEN = ("Lan", "Hoa", "Mai", "Hương", "Thảo", "Én", "Ngọc", "Hà", "Linh", "Trang")
TARGETS = ("Cư dân", "Người lao động", "Cán bộ công chức viên chức", "Học sinh sinh viên")
SKILLS = ("Không", "Cơ bản", "Thành thạo")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def hamlet_name(number: int) -> str:
    return f"Thôn Số {number + 1}"


# -- setup (in the parent process) --------------------------------------------------------


def create_units() -> None:
    """One province, two empty communes with 20 hamlets each, and a commune official."""
    from hoctap.accounts.models import Role, RoleAssignment, User
    from hoctap.adminunits.models import AdminUnit, Kind, Level
    from hoctap.adminunits.services import path_for
    from hoctap.core.text import search_key

    def unit(key: str, name: str, level: int, kind: str, parent: AdminUnit | None) -> AdminUnit:
        created = AdminUnit.objects.create(
            key=key,
            code=key,
            name=name,
            search_name=search_key(name),
            level=level,
            kind=kind,
            parent=parent,
            path=f"new-{key}",
            valid_from=datetime.date(2025, 7, 1),
        )
        created.path = path_for(created.pk, parent)
        created.save(update_fields=["path"])
        return created

    province = unit("BENCH", "Tỉnh Thử Nghiệm", Level.PROVINCE, Kind.PROVINCE, None)
    for key in (VALIDATED_COMMUNE, BASELINE_COMMUNE):
        commune = unit(key, f"Xã {key}", Level.COMMUNE, Kind.COMMUNE, province)
        for number in range(HAMLETS):
            unit(
                f"{key}-{number + 1:03d}", hamlet_name(number), Level.HAMLET, Kind.VILLAGE, commune
            )
    official = User.objects.create(username=ACTOR, full_name="Cán bộ xã")
    validated = AdminUnit.objects.get(key=VALIDATED_COMMUNE)
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=validated)


def person_cells(
    rng: random.Random, household: int, relation: str, sex: str, birth_year: int, serial: int
) -> list[Any]:
    """One row in the template's column order, written the ways real sheets write them."""
    male = sex == "Nam"
    name = " ".join(
        (
            rng.choice(FAMILY_NAMES),
            rng.choice(MALE_MIDDLE if male else FEMALE_MIDDLE),
            rng.choice(MALE_GIVEN if male else FEMALE_GIVEN),
        )
    )
    shape = serial % 10
    birth: Any
    if shape < 7:
        birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth_year}"
    elif shape < 9:
        birth = birth_year  # the year alone, as a number
    else:
        day = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        birth = (day - EXCEL_EPOCH).days  # an Excel serial number
    adult = 2025 - birth_year >= 18
    cccd: Any = None
    if adult and serial % 2 == 0:
        century_sex = (birth_year // 100 - 19) % 5 * 2 + (0 if male else 1)
        cccd = f"014{century_sex}{birth_year % 100:02d}{serial:06d}"
        if serial % 5 == 0:
            cccd = int(cccd)  # a number that lost its leading zero
    head = relation == "Chủ hộ"
    return [
        f"HO-{household:05d}",
        hamlet_name(household % HAMLETS),
        name,
        relation,
        sex,
        birth,
        "Thái" if household % 3 else "Kinh",
        cccd,
        f"09{rng.randint(10_000_000, 99_999_999)}" if head else None,
        rng.choice(TARGETS) if adult else "Học sinh sinh viên",
        "x" if adult and birth_year > 1965 and serial % 3 else None,
        rng.choice(SKILLS) if adult else "Không",
        None,
        f"Số {household % 200 + 1}, {hamlet_name(household % HAMLETS)}",
    ]


def household_rows(
    rng: random.Random, household: int, size: int, first_serial: int
) -> list[list[Any]]:
    head_year = rng.randint(1950, 1995)
    head_sex = "Nam" if household % 5 else "Nữ"
    members: list[tuple[str, str, int]] = [("Chủ hộ", head_sex, head_year)]
    if size >= 2:
        spouse_sex = "Nữ" if head_sex == "Nam" else "Nam"
        members.append(("Vợ" if spouse_sex == "Nữ" else "Chồng", spouse_sex, head_year + 2))
    for _ in range(size - 2 - (1 if size == 5 else 0)):
        members.append(
            ("Con", rng.choice(("Nam", "Nữ")), min(head_year + rng.randint(20, 30), 2024))
        )
    if size == 5:
        members.append(("Bố", "Nam", head_year - 25))
    return [
        person_cells(rng, household, relation, sex, year, first_serial + offset)
        for offset, (relation, sex, year) in enumerate(members)
    ]


def write_workbook(path: Path, people: int) -> tuple[int, int]:
    """The benchmark file, streamed by xlsxwriter; (people, households) written."""
    import xlsxwriter

    from hoctap.registry.importing import COLUMNS

    rng = random.Random(2025)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Danh sách")
    sheet.write_string(0, 0, "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU")
    for column, label in enumerate(column.label for column in COLUMNS):
        sheet.write_string(1, column, label)
    row_index, written, household = 2, 0, 0
    while written < people:
        size = min(SIZES[household % len(SIZES)], people - written)
        for cells in household_rows(rng, household, size, written):
            for column, value in enumerate(cells):
                if isinstance(value, str):
                    sheet.write_string(row_index, column, value)
                elif value is not None:
                    sheet.write_number(row_index, column, value)
            row_index += 1
        written += size
        household += 1
    book.close()
    return written, household


# -- measurements (each in a fresh process) -----------------------------------------------


def peak_megabytes() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_validated(path: Path) -> dict[str, Any]:
    """The product's path: upload, check every row, save all rows in one transaction."""
    from hoctap.accounts.models import User
    from hoctap.adminunits.models import AdminUnit
    from hoctap.registry import services
    from hoctap.registry.models import ImportStatus, Person

    actor = User.objects.get(username=ACTOR)
    commune = AdminUnit.objects.get(key=VALIDATED_COMMUNE)
    started = time.perf_counter()
    job = services.import_job_create(
        actor=actor, commune=commune, filename=path.name, data=path.read_bytes()
    )
    uploaded = time.perf_counter()
    job = services.import_job_validate(job_id=job.pk)
    checked = time.perf_counter()
    assert job.status == ImportStatus.READY, (job.status, job.message, job.errors[:5])
    services.import_job_request_commit(actor=actor, job=job, accept_warnings=True)
    job = services.import_job_commit(job_id=job.pk)
    finished = time.perf_counter()
    assert job.status == ImportStatus.DONE, (job.status, job.message, job.errors[:5])
    saved = Person.objects.filter(commune=commune).count()
    return {
        "seconds": finished - started,
        "upload_seconds": uploaded - started,
        "check_seconds": checked - uploaded,
        "commit_seconds": finished - checked,
        "rows": saved,
        "households": job.summary["saved_households"],
        "warnings": len(job.warnings),
        "peak_mb": peak_megabytes(),
    }


def _year(value: Any) -> int:
    """Birth year with no checking: enough to fill the column."""
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, float):
        number = int(value)
        return number if number < 3000 else (EXCEL_EPOCH + datetime.timedelta(days=number)).year
    return int(str(value)[-4:])


def measure_baseline(path: Path) -> dict[str, Any]:
    """Read with python-calamine and bulk-insert, without validation."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from hoctap.adminunits.models import AdminUnit
    from hoctap.registry.models import Household, Person

    commune = AdminUnit.objects.get(key=BASELINE_COMMUNE)
    hamlets = {unit.name: unit for unit in AdminUnit.objects.filter(parent=commune)}
    started = time.perf_counter()
    rows: list[list[Any]] = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[2:]
    )
    with transaction.atomic():
        households: dict[str, Household] = {}
        for row in rows:
            if row[0] not in households:
                hamlet = hamlets[row[1]]
                households[row[0]] = Household(
                    commune=commune,
                    hamlet=hamlet,
                    unit_path=hamlet.path,
                    code=row[0],
                    search_name=row[0],
                    address=row[13],
                )
        Household.objects.bulk_create(households.values(), batch_size=2000)
        people = []
        for row in rows:
            household = households[row[0]]
            cccd = row[7]
            people.append(
                Person(
                    commune=commune,
                    hamlet=household.hamlet,
                    unit_path=household.unit_path,
                    household=household,
                    full_name=row[2],
                    search_name=row[2],
                    sex="male" if row[4] == "Nam" else "female",
                    birth_year=_year(row[5]),
                    ethnicity=row[6],
                    cccd=str(int(cccd)).zfill(12) if isinstance(cccd, float) else cccd or None,
                    phone=row[8],
                    target_group="resident",
                    is_worker=row[10] == "x",
                )
            )
        Person.objects.bulk_create(people, batch_size=2000)
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "rows": len(people),
        "households": len(households),
        "peak_mb": peak_megabytes(),
    }


def run_measurement(kind: str, path: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter on the same database."""
    from django.db import connections

    connections.close_all()  # SQLite: let the child take the write lock
    output = subprocess.run(  # noqa: S603 - our own script, run with our interpreter
        [sys.executable, __file__, "--measure", kind, str(path)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def clear_baseline_commune() -> None:
    """CCCDs are unique across the system: remove the baseline's rows before the real import."""
    from hoctap.registry.models import Household, Person

    Person.objects.filter(commune__key=BASELINE_COMMUNE).delete()
    Household.objects.filter(commune__key=BASELINE_COMMUNE).delete()


def main() -> None:
    with throwaway_database(), tempfile.TemporaryDirectory(prefix="hoctap-bench-") as work:
        os.environ["MEDIA_ROOT"] = str(Path(work) / "media")
        path = Path(work) / "nhan-khau-100k.xlsx"
        started = time.perf_counter()
        create_units()
        people, households = write_workbook(path, PEOPLE)
        print(
            f"# wrote {people} people in {households} households "
            f"({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        # The baseline runs first, on empty tables; the product then runs after its rows
        # were deleted, which if anything handicaps the product.
        baseline = run_measurement("baseline", path)
        assert baseline["rows"] == people, baseline
        clear_baseline_commune()
        validated = run_measurement("validated", path)
        assert validated["rows"] == people, validated
        print(f"# baseline {baseline}\n# validated {validated}", file=sys.stderr)

        emit(
            "registry.import.validated.rows_per_second",
            people / validated["seconds"],
            "rows/s",
            people,
            households=households,
            target=5000,
        )
        emit(
            "registry.import.baseline.rows_per_second",
            people / baseline["seconds"],
            "rows/s",
            people,
            households=households,
        )
        emit(
            "registry.import.validated.seconds",
            validated["seconds"],
            "s",
            people,
            baseline=baseline["seconds"],
            target_ratio=4,
            check_seconds=round(validated["check_seconds"], 3),
            commit_seconds=round(validated["commit_seconds"], 3),
        )
        emit(
            "registry.import.validated.peak_memory",
            validated["peak_mb"],
            "MB",
            people,
            baseline=baseline["peak_mb"],
            target=500,
        )
        emit("registry.import.baseline.peak_memory", baseline["peak_mb"], "MB", people)


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", choices=["baseline", "validated"], required=True)
    parser.add_argument("path", type=Path)
    arguments = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    measure = measure_validated if arguments.measure == "validated" else measure_baseline
    print(json.dumps(measure(arguments.path)), flush=True)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        child(sys.argv[1:])
    else:
        main()
