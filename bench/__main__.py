"""``python -m bench`` (``make bench``): every benchmark in turn, then one summary table.

Each benchmark runs in a process of its own and records its goals (``bench/goals.py``); the
table lists every goal with its verdict, and a benchmark that ended without recording any
(it crashed) is listed as failed. Exits with 1 when any goal was missed or any run failed.
``python -m bench catalogue_throughput statistics`` runs only the named ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.goals import Goal

BENCHMARKS = ("catalogue_throughput", "registration_rush", "statistics", "certificates")


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS) - {"soak", "several_machines"})
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}", file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parent.parent
    goals: list[Goal] = []
    failed: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory(prefix="sid-bench-") as folder:
        for name in chosen:
            results = Path(folder) / f"{name}.jsonl"
            print(f"\n=== {name} ===", flush=True)
            code = subprocess.call(
                [sys.executable, "-m", f"bench.{name}"],
                cwd=root,
                env=dict(os.environ, BENCH_RESULTS=str(results)),
            )
            recorded = (
                [Goal(**json.loads(line)) for line in results.read_text().splitlines()]
                if results.exists()
                else []
            )
            goals.extend(recorded)
            if not recorded or (code != 0 and all(goal.reached for goal in recorded)):
                failed.append((name, code))
    print_summary(goals, failed)
    return 1 if failed or not all(goal.reached for goal in goals) else 0


def _verdict(reached: bool) -> str:
    return "reached" if reached else "NOT reached"


def print_summary(goals: list[Goal], failed: list[tuple[str, int]]) -> None:
    rows = [
        (goal.benchmark, goal.name, goal.measured, goal.target, _verdict(goal.reached))
        for goal in goals
    ]
    rows += [(name, "(run failed)", f"exit {code}", "", _verdict(False)) for name, code in failed]
    header = ("benchmark", "goal", "measured", "target", "verdict")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    line = "  ".join("-" * width for width in widths)
    print("\nSummary")
    print(line)
    for row in [header, *rows]:
        print("  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)))
    print(line)
    missed = sum(1 for row in rows if row[4] != "reached")
    print("every goal reached" if not missed else f"{missed} NOT reached")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
