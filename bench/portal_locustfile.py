"""The load `bench_portal.py` drives with locust: every simulated visitor asks the one page in
BENCH_PORTAL_PATH again and again, without pause (50 of them: 50 requests always in flight).

Anonymous, like the public: a visitor keeps no cookie, so a page cached for anonymous visitors
is served from the cache as it would be to them.
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PORTAL_PATH", "/healthz")


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        self.client.cookiejar.clear()  # anonymous: no cookie a page set is sent back
        self.client.get(PATH, name=PATH)
