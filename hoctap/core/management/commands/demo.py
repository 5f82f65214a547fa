"""`hoctap demo`: set up the embedded database, load the demo, serve on 127.0.0.1:8000."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load units and demo data, print the demo accounts and run the server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare only")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Cơ sở dữ liệu đã sẵn sàng.")
        call_command("load_admin_units")
        call_command("seed_demo")
        if options["no_serve"]:
            return
        self.stdout.write(f"Mở http://{options['addrport']}/ trong trình duyệt (Ctrl+C để dừng).")
        # The database task backend only queues work (Excel imports are checked and saved
        # in the background): without a worker an upload would stay "queued" forever. Run
        # one beside the server, with the same settings and database, and stop it with it.
        worker = subprocess.Popen([sys.executable, "-m", "django", "worker"])
        # Ctrl+C reaches both processes; a plain `kill` reaches only this one, so turn it
        # into an exit that runs the clean-up below instead of orphaning the worker.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
