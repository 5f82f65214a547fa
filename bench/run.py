"""Run every bench/bench_*.py in its own process and collect the figures they print.

    .venv/bin/python bench/run.py               # all benchmarks, on a temporary SQLite file
    .venv/bin/python bench/run.py adminunits    # only those whose name contains "adminunits"
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench .venv/bin/python bench/run.py

Each benchmark prints one JSON line per figure ({"name", "value", "unit", "rows"} and
optionally "baseline" and "ratio"); other output goes to stderr. The figures are printed
and also saved under bench/results/ (gitignored). The exit status is non-zero when a
benchmark crashes or prints a malformed figure.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "value": (int, float),
    "unit": str,
    "rows": int,
}
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "3600"))


def discover(filters: list[str]) -> list[Path]:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if filters:
        scripts = [s for s in scripts if any(f in s.stem for f in filters)]
    return scripts


def parse(line: str) -> dict[str, Any]:
    """One figure, or ValueError when the line is not a well-formed figure."""
    figure = json.loads(line)
    if not isinstance(figure, dict):
        raise ValueError("not a JSON object")
    for key, kind in REQUIRED.items():
        if not isinstance(figure.get(key), kind):
            raise ValueError(f"missing or wrong {key!r}")
    return figure


def run(script: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Run one benchmark; its figures, and what went wrong (empty when all is well)."""
    started = time.perf_counter()
    try:
        process = subprocess.run(  # noqa: S603 - our own script, run with our interpreter
            [sys.executable, str(script)],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [], [f"{script.name} took longer than {TIMEOUT} s (BENCH_TIMEOUT)"]
    figures: list[dict[str, Any]] = []
    problems: list[str] = []
    for line in process.stdout.splitlines():
        if not line.strip():
            continue
        try:
            figure = parse(line)
        except ValueError as error:  # json.JSONDecodeError is a ValueError too
            problems.append(f"{script.name} printed a malformed figure ({error}): {line}")
            continue
        figure.setdefault("bench", script.stem)
        figures.append(figure)
        print(json.dumps(figure, ensure_ascii=False), flush=True)
    if process.returncode != 0:
        problems.append(f"{script.name} exited with status {process.returncode}")
    elif not figures:
        problems.append(f"{script.name} printed no figures")
    elapsed = time.perf_counter() - started
    print(f"# {script.name}: {len(figures)} figures in {elapsed:.1f} s", file=sys.stderr)
    return figures, problems


def save(figures: list[dict[str, Any]]) -> Path:
    results = BENCH_DIR / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    vendor = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    path = results / f"{stamp}-{vendor}.jsonl"
    path.write_text(
        "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in figures), encoding="utf-8"
    )
    return path


def main(argv: list[str]) -> int:
    scripts = discover(argv)
    if not scripts:
        print(f"no benchmark matches {argv}", file=sys.stderr)
        return 2
    figures: list[dict[str, Any]] = []
    problems: list[str] = []
    for script in scripts:
        found, failed = run(script)
        figures.extend(found)
        problems.extend(failed)
    if figures:
        print(f"# saved to {save(figures).relative_to(ROOT)}", file=sys.stderr)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
