#!/usr/bin/env python
"""Django's command-line utility; `hoctap` is the installed equivalent."""

import sys

from hoctap.cli import main

if __name__ == "__main__":
    sys.exit(main())
