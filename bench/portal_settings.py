"""Settings of the app server that `bench_portal.py` starts: the project's own, plus a plain
"hello" view as the baseline (`portal_urls`), and a cache key prefix of the run's own.

Only the benchmark uses this module (gunicorn runs with DJANGO_SETTINGS_MODULE=portal_settings
and `bench/` on its path): the product has no hello route.
"""

import os

from config.settings import *  # noqa: F403 - the project's settings, unchanged but for below
from config.settings import CACHES

ROOT_URLCONF = "portal_urls"
# The Redis database may hold other runs' keys: this run's pages and rate-limit counters
# are kept apart without flushing anything.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "bench-portal")
