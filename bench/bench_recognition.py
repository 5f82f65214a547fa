"""Certificates as one PDF: 10 against 1,000 in the same run, time and peak memory.

Setup (untimed, bulk inserts): one province, one commune with one hamlet, its official, and
1,000 households each with a learning-family assessment proposed for recognition; then one
decision over all of them through `services.decision_issue` (timed: it numbers and signs 1,000
certificates), and the decision's Word and PDF files with their 1,000-row annex (timed).

Figures, for N = 10 and N = 1,000: `documents.certificates_pdf_to` over the decision's first N
certificates (as `batches.batch_build` reads them), each size in a fresh child process, so its
memory belongs to that size alone: wall seconds, seconds per certificate, CPU seconds per
certificate (user + system of the child and its PDF worker processes: the honest figure when
other work shares the machine), and peak memory in MB: the resident memory of the child and
its workers summed, sampled every 50 ms (resident memory counts WeasyPrint's and Pango's C
allocations that tracemalloc cannot see; ru_maxrss is not used because Linux carries it across
exec from the parent), with the child's own peak (`main_process_mb`, VmHWM) and its memory
before rendering (`before_mb`). The 1,000 figures carry the 10 ones as their baseline, so
the ratio shows whether time per certificate grows.

Targets (issue "Recognition"): 1,000 certificates in under 60 s and under 1 GB.

    .venv/bin/python bench/bench_recognition.py
    BENCH_PDF_WORKERS=1 .venv/bin/python bench/bench_recognition.py   # rendering in one process
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_docs \\
        .venv/bin/python bench/run.py recognition
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from support import emit, new_unit, throwaway_database, timed

SIZES = tuple(int(n) for n in os.environ.get("BENCH_RECOGNITION_SIZES", "10,1000").split(","))
# Worker processes for the PDF (unset: `documents.pdf_workers()`); 1 measures the serial path.
WORKERS = int(os.environ["BENCH_PDF_WORKERS"]) if os.environ.get("BENCH_PDF_WORKERS") else None
TARGET_SECONDS = 60.0
TARGET_MB = 1024.0
ACTOR = "bench-xa"
CHILD_FLAG = "--render"
FAMILY_NAMES = (
    "Nguyễn Văn An",
    "Lò Thị Bình",
    "Đặng Ngọc Ánh",
    "Trần Đức Ửng",
    "Hoàng Thị Thắm",
    "Lường Văn Mến",
    "Phạm Quốc Hưng",
    "Vũ Thị Yến",
)


def create_units() -> tuple[Any, Any, Any]:
    """A province, a commune with one hamlet, and the commune's official."""
    from hoctap.accounts.models import Role, RoleAssignment, User
    from hoctap.adminunits.models import Kind, Level

    unit = new_unit

    province = unit("BENCH", "Tỉnh Thử Nghiệm", Level.PROVINCE, Kind.PROVINCE, None)
    commune = unit("BENCH-X", "Xã Thử Nghiệm", Level.COMMUNE, Kind.COMMUNE, province)
    hamlet = unit("BENCH-X-1", "Bản Nà Ngần", Level.HAMLET, Kind.VILLAGE, commune)
    official = User.objects.create(username=ACTOR, full_name="Cán bộ xã Thử Nghiệm")
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=commune)
    return official, commune, hamlet


def add_proposed_assessments(hamlet: Any, count: int, official: Any, year: int) -> list[int]:
    """`count` households of the hamlet with a learning-family assessment proposed for
    recognition (benchmark setup: inserted in bulk, with the fields the services fill)."""
    from decimal import Decimal

    from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
    from hoctap.core.text import search_key
    from hoctap.criteria.selectors import criteria_set_for
    from hoctap.registry.models import Household

    commune = hamlet.parent
    kind, code = TITLE_SUBJECTS[Title.LEARNING_FAMILY]
    criteria_set = criteria_set_for(code, commune, datetime.date(year, 1, 1))
    households = Household.objects.bulk_create(
        Household(
            commune=commune,
            hamlet=hamlet,
            unit_path=hamlet.path,
            code=f"HO-{number:05d}",
            search_name=search_key(f"HO-{number:05d}"),
        )
        for number in range(count)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            title=Title.LEARNING_FAMILY,
            year=year,
            household=household,
            subject_key=f"{kind}:{household.pk}",
            subject_name=f"{household.code} · {FAMILY_NAMES[number % len(FAMILY_NAMES)]}",
            commune=commune,
            unit_path=hamlet.path,
            criteria_code=criteria_set.code,
            criteria_version=criteria_set.version,
            state=State.PROPOSED,
            passed=True,
            total=Decimal("91.50"),
            registered_by=official,
            version=6,
        )
        for number, household in enumerate(households)
    )
    return [assessment.pk for assessment in assessments]


def issue(official: Any, commune: Any, ids: list[int], year: int, on: datetime.date) -> Any:
    from hoctap.assessments.models import Title
    from hoctap.recognition import services

    return services.decision_issue(
        actor=official,
        authority=commune,
        title=Title.LEARNING_FAMILY,
        year=year,
        assessment_ids=ids,
        draft=services.DecisionDraft(
            number=15,
            issued_on=on,
            signer_name="Lò Văn Pọm",
            legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        ),
    )


def _peak_kib(field: str = "VmHWM") -> int:
    """This process's peak (or current, VmRSS) resident memory since it started, in KiB.

    Not ru_maxrss: Linux carries that across exec, so a child started from a large parent
    would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants (the PDF workers), in KiB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        stack.extend(children.get(pid, []))
    return total


def render_child(count: int, decision_id: int) -> dict[str, Any]:
    """In the child: render the first `count` certificates and report time and memory."""
    import resource
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import pypdf
    import weasyprint  # noqa: F401 - loaded before the baseline, as a task worker has it

    from hoctap.recognition import batches, documents
    from hoctap.recognition.models import Decision

    decision = Decision.objects.get(pk=decision_id)
    certificates = batches.batch_certificates(decision)[:count]
    before_mb = _peak_kib("VmRSS") / 1024
    own, workers = resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN
    before = [resource.getrusage(who) for who in (own, workers)]
    progress: list[int] = []
    with tempfile.TemporaryDirectory(prefix="hoctap-bench-pdf-") as folder:
        target = Path(folder) / "certificates.pdf"
        started = time.perf_counter()
        written = documents.certificates_pdf_to(
            target,
            certificates.iterator(chunk_size=documents.CHUNK),
            progress.append,
            workers=WORKERS,
        )
        seconds = time.perf_counter() - started
        after = [resource.getrusage(who) for who in (own, workers)]
        pages = len(pypdf.PdfReader(target).pages)
        size = target.stat().st_size
    assert written == pages == count, (written, pages, count)
    assert progress[-1] == count, progress
    cpu = sum(
        (end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime)
        for start, end in zip(before, after, strict=True)
    )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "main_peak_mb": _peak_kib() / 1024,
        "before_mb": before_mb,
        "pages": pages,
        "bytes": size,
        "chunks": len(progress),
        "workers": (WORKERS or documents.pdf_workers()) if len(progress) > 1 else 1,
    }


def measure(count: int, decision_id: int) -> dict[str, Any]:
    """Run one size in a fresh interpreter, sampling the memory of it and its workers."""
    import threading

    process = subprocess.Popen(  # noqa: S603 - this very script, with our interpreter
        [sys.executable, __file__, CHILD_FLAG, str(count), str(decision_id)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = [0]
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    finished.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"rendering {count} certificates failed ({process.returncode})")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = max(peak[0] / 1024, result["main_peak_mb"])
    return result


def main() -> None:
    with throwaway_database():
        from django.utils import timezone

        today = timezone.localdate()
        year = today.year
        official, commune, hamlet = create_units()
        largest = max(SIZES)
        ids = add_proposed_assessments(hamlet, largest, official, year)
        issue_seconds, decision = timed(lambda: issue(official, commune, ids, year, today))
        print(f"# decision over {largest}: {issue_seconds:.2f} s", file=sys.stderr)

        from hoctap.recognition import documents

        docx_seconds, docx = timed(lambda: documents.decision_docx(decision))
        pdf_seconds, pdf = timed(lambda: documents.decision_pdf(decision))

        results = {}
        for size in SIZES:
            results[size] = measure(size, decision.pk)
            print(f"# {size} certificates: {results[size]}", file=sys.stderr)

        emit("recognition.decision_issue.seconds", issue_seconds, "s", largest)
        emit("recognition.decision_docx.seconds", docx_seconds, "s", largest, bytes=len(docx))
        emit("recognition.decision_pdf.seconds", pdf_seconds, "s", largest, bytes=len(pdf))
        small = min(SIZES)
        for size in SIZES:
            result, base = results[size], results[small]
            is_base = size == small
            extra: dict[str, Any] = {} if size != largest else {"target": TARGET_SECONDS}
            emit(
                "recognition.certificates_pdf.seconds",
                result["seconds"],
                "s",
                size,
                pages=result["pages"],
                chunks=result["chunks"],
                bytes=result["bytes"],
                **extra,
            )
            emit(
                "recognition.certificates_pdf.seconds_per_certificate",
                result["seconds"] / size,
                "s",
                size,
                baseline=None if is_base else base["seconds"] / small,
            )
            emit(
                "recognition.certificates_pdf.cpu_seconds_per_certificate",
                result["cpu_seconds"] / size,
                "s",
                size,
                baseline=None if is_base else base["cpu_seconds"] / small,
            )
            emit(
                "recognition.certificates_pdf.peak_memory",
                result["peak_mb"],
                "MB",
                size,
                baseline=None if is_base else base["peak_mb"],
                before_mb=round(result["before_mb"], 1),
                main_process_mb=round(result["main_peak_mb"], 1),
                workers=result["workers"],
                **({"target": TARGET_MB} if size == largest else {}),
            )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == CHILD_FLAG:
        print(json.dumps(render_child(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
