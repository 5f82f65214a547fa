"""WSGI entry point for gunicorn or any WSGI server."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process: moved
# out of the garbage collector's generations, a full collection during a request no longer
# walks it (tens of milliseconds on a dashboard that builds thousands of small objects), and
# forked workers do not copy the pages a collection would touch.
gc.collect()
gc.freeze()
