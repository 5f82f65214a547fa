"""The public portal under anonymous load: requests per second and p95 latency of the portal
home, a commune's page and a certificate check, against Django's plain "hello" in the same run.

Setup (untimed): a small tree (Sơn La with two communes; Thanh Hóa with Xã Nông Cống, its
hamlet and learning centre), the portal's demo content (`hoctap.portal.demo.seed`: editors,
guidance, legal texts, events, news, materials with their PDF files), and one recognition
decision of Nông Cống over 20 families, whose first certificate is the one checked.

The app runs as it would in production: gunicorn, 2 workers × 4 threads (gthread), DEBUG off,
on 127.0.0.1 at a free port, persistent database connections (CONN_MAX_AGE=60), and the cache
in Redis (REDIS_URL, db BENCH_REDIS_DB, default 12) so the cached pages and the rate limits are
shared by the workers. Without a Redis server on 127.0.0.1:6379 each worker caches in its own
memory (said on stderr and in each figure). The settings are the project's with two additions
(`portal_settings.py`, `portal_urls.py`): the hello view at /bench/hello/, which the product
does not have, and a cache key prefix of the run's own. The certificate check allows 60
requests per address and minute; the load comes from one address, so the run raises the limit
(HOCTAP_VERIFY_RATE_PER_MINUTE=100000000).

The load: locust, headless, on loopback (`portal_locustfile.py`), 50 visitors asking one page
without pause (50 requests in flight) for 20 s per page, one page after the other. The load
tool shares the machine's cores with the server, so the hello figures matter as the baseline:
each page's figures carry them (ratio). At the hello view's rate (about 2,000 requests a
second here) locust itself needs most of a core, so the baseline is partly the load tool's
limit and the ratios understate how much faster hello is. Every answer must be 200; any other
makes the run fail.

Figures per page (hello, home, commune, verify): `portal.load.<page>.requests_per_second` and
`portal.load.<page>.p95` (ms; target: under 200 ms), with median and p99 as extras.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench_portal \\
        .venv/bin/python bench/run.py portal        # the measurement, on PostgreSQL
    .venv/bin/python bench/run.py portal            # SQLite: a quick smoke run (5 s per page)
    .venv/bin/python bench/bench_portal.py --quick  # quick on any database

BENCH_PORTAL_SECONDS and BENCH_PORTAL_USERS change the length and the number of visitors.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import emit, new_unit, throwaway_database

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
QUICK = "--quick" in sys.argv[1:] or not os.environ.get("BENCH_DATABASE_URL")
SECONDS = int(os.environ.get("BENCH_PORTAL_SECONDS", "5" if QUICK else "20"))
USERS = int(os.environ.get("BENCH_PORTAL_USERS", "50"))
WORKERS, THREADS = 2, 4
CONN_MAX_AGE = "60"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))
VERIFY_RATE = "100000000"
TARGET_P95_MS = 200.0
NONG_CONG_KEY = "16279"
CERTIFIED_FAMILIES = 20


@dataclass(frozen=True)
class Result:
    requests: int
    failures: int
    requests_per_second: float
    median_ms: float
    p95_ms: float
    p99_ms: float


# -- setup ------------------------------------------------------------------------------------


def create_content() -> dict[str, str]:
    """The tree, the portal's demo content and a certificate; the paths to load."""
    from django.core.management.base import OutputWrapper
    from django.utils import timezone
    from portal_urls import HELLO_PATH

    from hoctap.accounts import demo as accounts_demo
    from hoctap.accounts.models import Role, RoleAssignment, User
    from hoctap.adminunits.models import Kind, Level
    from hoctap.core.text import search_key
    from hoctap.portal import demo
    from hoctap.registry.models import LearningCentre

    son_la = new_unit("14", "Tỉnh Sơn La", Level.PROVINCE, Kind.PROVINCE, None)
    new_unit("03694", "Xã Mường Giôn", Level.COMMUNE, Kind.COMMUNE, son_la)
    new_unit("03646", "Phường Tô Hiệu", Level.COMMUNE, Kind.WARD, son_la)
    thanh_hoa = new_unit("38", "Tỉnh Thanh Hóa", Level.PROVINCE, Kind.PROVINCE, None)
    nong_cong = new_unit(NONG_CONG_KEY, "Xã Nông Cống", Level.COMMUNE, Kind.COMMUNE, thanh_hoa)
    hamlet = new_unit("16279-001", "Thôn Vạn Thắng", Level.HAMLET, Kind.VILLAGE, nong_cong)
    centre_name = "Trung tâm học tập cộng đồng xã Nông Cống"
    LearningCentre.objects.create(
        commune=nong_cong,
        unit_path=nong_cong.path,
        name=centre_name,
        search_name=search_key(centre_name),
    )
    demo.seed(
        actor=accounts_demo.demo_admin(),
        stdout=OutputWrapper(sys.stderr),
        van_hoa_now=nong_cong,
    )

    # A decision of the commune over a few families: its certificates are real (numbered,
    # signed with the key the app server reads), as bench_recognition.py makes them.
    from bench_recognition import add_proposed_assessments, issue

    official = User.objects.create(username="bench-xa-nongcong", full_name="Nguyễn Văn Minh")
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=nong_cong)
    today = timezone.localdate()
    year = today.year
    ids = add_proposed_assessments(hamlet, CERTIFIED_FAMILIES, official, year)
    decision = issue(official, nong_cong, ids, year, today)
    serial = decision.certificates.order_by("serial").values_list("serial", flat=True)[0]
    return {
        "hello": HELLO_PATH,
        "home": "/portal/",
        "commune": f"/portal/u/{NONG_CONG_KEY}/",
        "verify": f"/verify/{serial}",
    }


# -- the app server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def server_environment(redis: bool) -> dict[str, str]:
    environment = os.environ.copy()
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal_settings",
            "DEBUG": "0",
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "HOCTAP_VERIFY_RATE_PER_MINUTE": VERIFY_RATE,
            "BENCH_CACHE_PREFIX": f"bench-portal-{uuid.uuid4().hex[:12]}",
            "LOG_LEVEL": "WARNING",
        }
    )
    if redis:
        environment["REDIS_URL"] = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    else:
        environment.pop("REDIS_URL", None)
    return environment


def start_server(port: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--worker-class=gthread",
        f"--bind=127.0.0.1:{port}",
        f"--chdir={ROOT}",
        f"--pythonpath={BENCH_DIR}",
        "--log-level=warning",
        "--graceful-timeout=5",
    ]
    print(f"# {' '.join(command[1:])}", file=sys.stderr)
    return subprocess.Popen(  # noqa: S603 - gunicorn from our own interpreter
        command, cwd=ROOT, env=environment, stdout=sys.stderr, stderr=sys.stderr
    )


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url)  # noqa: S310 - a loopback http URL we built
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# -- the load -----------------------------------------------------------------------------------


def percentile(response_times: dict[int, int], fraction: float) -> float:
    """The time (ms) within which `fraction` of the requests finished, from locust's histogram
    (exact below 100 ms, to 10 ms below 1 s, to 100 ms above)."""
    total = sum(response_times.values())
    seen = 0
    for milliseconds in sorted(response_times):
        seen += response_times[milliseconds]
        if seen >= total * fraction:
            return float(milliseconds)
    return 0.0


def load(base: str, path: str, folder: Path) -> Result:
    """Run locust against one page; its figures over the whole run."""
    report = folder / path.strip("/").replace("/", "_").replace("-", "_")
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={BENCH_DIR / 'portal_locustfile.py'}",
        "--headless",
        f"--users={USERS}",
        f"--spawn-rate={USERS}",
        f"--run-time={SECONDS}s",
        f"--host={base}",
        # Written when locust quits, with every request (its CSV files miss the last seconds).
        f"--json-file={report}",
        "--only-summary",
        "--loglevel=WARNING",
        "--exit-code-on-error=0",
    ]
    environment = {**os.environ, "BENCH_PORTAL_PATH": path}
    subprocess.run(  # noqa: S603 - locust from our own interpreter, on loopback
        command,
        cwd=folder,
        env=environment,
        stdout=sys.stderr,
        stderr=sys.stderr,
        check=True,
        timeout=SECONDS + 120,
    )
    entries = json.loads(Path(f"{report}.json").read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["name"] == path)
    times = {int(ms): count for ms, count in entry["response_times"].items()}
    elapsed = (entry["last_request_timestamp"] or entry["start_time"]) - entry["start_time"]
    return Result(
        requests=entry["num_requests"],
        failures=entry["num_failures"],
        requests_per_second=entry["num_requests"] / elapsed if elapsed > 0 else 0.0,
        median_ms=percentile(times, 0.50),
        p95_ms=percentile(times, 0.95),
        p99_ms=percentile(times, 0.99),
    )


def check_page(base: str, name: str, path: str) -> str | None:
    """Ask the page once (which also fills the cache); what is wrong with it, or None."""
    status, body = fetch(base + path)
    if status != 200:
        return f"{path} answered {status}"
    if name == "verify" and path.rsplit("/", 1)[-1].encode() not in body:
        return f"{path} does not show the certificate's serial"
    return None


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    media = Path(tempfile.mkdtemp(prefix="hoctap-bench-portal-media-"))
    # The app server is a separate process: the files the demo stores must be where it reads.
    os.environ["MEDIA_ROOT"] = str(media)
    redis = redis_reachable()
    with throwaway_database():
        started = time.perf_counter()
        paths = create_content()
        print(f"# setup: {time.perf_counter() - started:.1f} s; pages: {paths}", file=sys.stderr)
        if not redis:
            print(
                f"# no Redis on {REDIS_HOST}:{REDIS_PORT}: each worker caches in its own memory",
                file=sys.stderr,
            )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, server_environment(redis))
        results: dict[str, Result] = {}
        problems: list[str] = []
        try:
            wait_until_up(base, server)
            with tempfile.TemporaryDirectory(prefix="hoctap-bench-locust-") as folder:
                for name, path in paths.items():
                    problem = check_page(base, name, path)
                    if problem is not None:
                        problems.append(problem)
                        print(f"# skipped {name}: {problem}", file=sys.stderr)
                        continue
                    results[name] = load(base, path, Path(folder))
                    print(f"# {name} {path}: {results[name]}", file=sys.stderr)
        finally:
            stop_server(server)

        extra: dict[str, Any] = {
            "users": USERS,
            "seconds": SECONDS,
            "server": f"gunicorn gthread {WORKERS}x{THREADS}",
            "cache": "redis" if redis else "locmem",
            "tool": "locust",
        }
        hello = results.get("hello")
        for name, result in results.items():
            if result.failures:
                problems.append(f"{paths[name]}: {result.failures} of {result.requests} failed")
            baseline = hello if name != "hello" else None
            emit(
                f"portal.load.{name}.requests_per_second",
                result.requests_per_second,
                "req/s",
                result.requests,
                baseline=baseline.requests_per_second if baseline else None,
                path=paths[name],
                failures=result.failures,
                **extra,
            )
            emit(
                f"portal.load.{name}.p95",
                result.p95_ms,
                "ms",
                result.requests,
                baseline=baseline.p95_ms if baseline else None,
                median_ms=result.median_ms,
                p99_ms=result.p99_ms,
                path=paths[name],
                **({"target": TARGET_P95_MS} if name != "hello" else {}),
                **extra,
            )
    shutil.rmtree(media, ignore_errors=True)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
