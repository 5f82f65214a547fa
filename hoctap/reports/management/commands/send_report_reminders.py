"""`hoctap send-report-reminders [--now ISO]`: remind the units whose reports are due or late.

Run it every hour (cron, a systemd timer); each reminder goes out once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hoctap.reports.reminders import send_due


class Command(BaseCommand):
    help = "Send the reminders about reports due or late (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="act as if it were this time (ISO 8601, e.g. 2026-12-04T08:30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: {error}") from error
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        sent = send_due(now)
        self.stdout.write(f"Đã gửi {len(sent)} lời nhắc.")
