"""The `hoctap` command: Django's manage.py with the project's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run a management command, e.g. `hoctap demo` or `hoctap migrate`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    # Project commands are spelled with hyphens on the command line (load-admin-units)
    # and with underscores as Python modules.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["hoctap", *args])
    return 0
