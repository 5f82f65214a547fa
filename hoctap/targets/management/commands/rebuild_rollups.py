"""`hoctap rebuild-rollups [--check]`: recompute the summary tables dashboards read — the
assessments' roll-up (`TitleCount`) and the registry counts (`RegistryCount`).

Needed after rows were written around the services (a bulk loader, a restored backup); the
services themselves keep both tables in step. `--check` only reports the rows that differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoctap.targets import registry_counts, rollups

# Rows of differences printed by --check before the rest is only counted.
SHOWN = 50


class Command(BaseCommand):
    help = (
        "Recompute the counts per unit, title, year, state and level from the assessments, "
        "and the registry counts per unit from the registry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the tables with what they count; fail when they differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            written = rollups.rebuild()
            self.stdout.write(f"Đã tính lại bảng tổng hợp: {written} dòng.")
            counted = registry_counts.rebuild()
            self.stdout.write(f"Đã tính lại bảng đếm sổ hộ: {counted} dòng.")
            return
        differences = rollups.differences()
        totals = rollups.total_differences()
        registry = registry_counts.differences()
        if not differences and not totals and not registry:
            self.stdout.write("Bảng tổng hợp khớp với các hồ sơ đánh giá và sổ hộ.")
            return
        for (path, title, year, state, level, variant), (kept, expected) in list(
            differences.items()
        )[:SHOWN]:
            group = f" ({variant})" if variant else ""
            self.stderr.write(
                f"  {path or '(cả nước)'} {title}{group} {year} {state} {level or '-'}:"
                f" bảng {kept}, đúng ra {expected}"
            )
        for (path, year, title, variant), (pair, due) in list(totals.items())[:SHOWN]:
            group = f" ({variant})" if variant else ""
            self.stderr.write(
                f"  {path or '(cả nước)'} {title}{group} {year} đăng ký/công nhận:"
                f" bảng {pair[0]}/{pair[1]}, đúng ra {due[0]}/{due[1]}"
            )
        for (path, kind), (kept, expected) in list(registry.items())[:SHOWN]:
            self.stderr.write(f"  {path or '(cả nước)'} {kind}: bảng {kept}, đúng ra {expected}")
        problems = []
        if differences:
            problems.append(f"{len(differences)} dòng của bảng tổng hợp sai")
        if totals:
            problems.append(f"{len(totals)} dòng của bảng tổng đăng ký/công nhận sai")
        if registry:
            problems.append(f"{len(registry)} dòng của bảng đếm sổ hộ sai")
        raise CommandError(
            f"{'; '.join(problems)}; chạy `hoctap rebuild-rollups`.",
            returncode=1,
        )
