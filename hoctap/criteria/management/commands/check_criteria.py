"""`hoctap check-criteria [files…]`: validate the shipped criteria sets, or the files given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoctap.criteria import loader


class Command(BaseCommand):
    help = "Check criteria-set YAML files (all shipped sets when no file is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="criteria-set YAML files")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"] or loader.shipped_files()
        problem_count = 0
        for path in files:
            problems = loader.check_file(path)
            if not problems:
                self.stdout.write(f"OK  {path}")
                continue
            problem_count += len(problems)
            self.stdout.write(f"LỖI {path}")
            for problem in problems:
                self.stderr.write(f"  {problem.path or '(gốc)'}: {problem.reason}")
        if problem_count:
            raise CommandError(f"{problem_count} lỗi trong các tệp bộ tiêu chí.", returncode=1)
