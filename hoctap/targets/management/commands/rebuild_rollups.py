"""`hoctap rebuild-rollups [--check]`: recompute the roll-up table from the assessments.

Needed after rows were written around the services (a bulk loader, a restored backup); the
services themselves keep the table in step. `--check` only reports the rows that differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoctap.targets import rollups

# Rows of differences printed by --check before the rest is only counted.
SHOWN = 50


class Command(BaseCommand):
    help = "Recompute the counts per unit, title, year, state and level from the assessments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the table with the assessments; fail when they differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            written = rollups.rebuild()
            self.stdout.write(f"Đã tính lại bảng tổng hợp: {written} dòng.")
            return
        differences = rollups.differences()
        if not differences:
            self.stdout.write("Bảng tổng hợp khớp với các hồ sơ đánh giá.")
            return
        for (path, title, year, state, level), (kept, expected) in list(differences.items())[
            :SHOWN
        ]:
            self.stderr.write(
                f"  {path or '(cả nước)'} {title} {year} {state} {level or '-'}:"
                f" bảng {kept}, đúng ra {expected}"
            )
        raise CommandError(
            f"{len(differences)} dòng của bảng tổng hợp sai; chạy `hoctap rebuild-rollups`.",
            returncode=1,
        )
