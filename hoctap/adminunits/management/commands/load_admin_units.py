"""`hoctap load-admin-units`: load or refresh the official unit tree."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from hoctap.adminunits.loader import load_admin_units


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes, and the pre-reform tree with its lineage."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = load_admin_units()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Đơn vị hành chính: thêm {report.added}, cập nhật {report.updated}, "
            f"ngừng hiệu lực {report.retired}; quan hệ kế thừa: thêm {report.lineage_added}, "
            f"cập nhật {report.lineage_updated}, xoá {report.lineage_removed} "
            f"({elapsed:.1f} giây)."
        )
        for problem in report.problems:
            self.stderr.write(f"  ! {problem}")
